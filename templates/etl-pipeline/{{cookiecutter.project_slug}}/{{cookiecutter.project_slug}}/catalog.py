"""The shop's product catalogue: the reference data every order points to."""

from __future__ import annotations

CATEGORIES = ("books", "garden", "kitchen", "music", "toys")

# (sku, name, category, price as a string): 40 products, the same every time.
PRODUCTS = tuple(
    (
        f"SKU-{number:03d}",
        f"{CATEGORIES[number % len(CATEGORIES)].title()} item {number}",
        CATEGORIES[number % len(CATEGORIES)],
        f"{3 + (number * 7) % 90}.{(number * 13) % 100:02d}",
    )
    for number in range(1, 41)
)
