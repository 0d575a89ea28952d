"""A deterministic generator of sample order files, with known, planted problems.

The same (rows, format, seed) always gives the same file, byte for byte, and
the generator knows which lines are bad and why (the exact reject reason), so
a test or a check can compare what the pipeline did with what was planted.
About one record in forty is bad; others carry harmless noise (stray spaces,
mixed case, another time zone) that the pipeline must clean, not reject.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import records
from .catalog import PRODUCTS

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SECONDS_BETWEEN_ORDERS = 30
PLUS_TWO = timezone(timedelta(hours=2))
BAD_EVERY = 40  # one record in BAD_EVERY carries a planted problem

# Problems planted in both formats, in the order they take turns.
VALUE_PROBLEMS = (
    "not-utf8",
    "impossible-date",
    "no-time-zone",
    "quantity-word",
    "negative-quantity",
    "price-word",
    "negative-price",
    "unknown-product",
    "unknown-status",
    "missing-customer",
    "duplicate",
)
PROBLEMS = {
    ".csv": ("wrong-field-count", *VALUE_PROBLEMS),
    ".jsonl": ("malformed-json", "not-an-object", *VALUE_PROBLEMS),
}
REASONS = {
    "not-utf8": records.NOT_UTF8,
    "wrong-field-count": records.WRONG_FIELD_COUNT,
    "malformed-json": records.MALFORMED_JSON,
    "not-an-object": records.NOT_AN_OBJECT,
    "impossible-date": records.BAD_DATE,
    "no-time-zone": records.BAD_DATE,
    "quantity-word": records.BAD_QUANTITY,
    "negative-quantity": records.NEGATIVE_QUANTITY,
    "price-word": records.BAD_PRICE,
    "negative-price": records.NEGATIVE_PRICE,
    "unknown-product": records.UNKNOWN_PRODUCT,
    "unknown-status": records.UNKNOWN_STATUS,
    "missing-customer": records.missing("customer"),
}


@dataclass(frozen=True)
class SampleLine:
    """One data line of a sample file: its number, its values, and the planted problem's reason (or None)."""

    line: int
    values: dict
    problem: str | None
    reason: str | None


def sample_lines(rows: int, suffix: str = ".csv", seed: int = 1) -> Iterator[SampleLine]:
    """The data lines of a sample file with `rows` records (suffix .csv or .jsonl)."""
    if suffix not in PROBLEMS:
        raise ValueError("suffix must be .csv or .jsonl")
    problems = PROBLEMS[suffix]
    first_line = 2 if suffix == ".csv" else 1  # a CSV file starts with its header
    # A seeded generator on purpose: the same sample every time (these are not secrets).
    rng = random.Random(seed)  # nosec B311
    last_good: SampleLine | None = None
    for index in range(rows):
        line = first_line + index
        ordered_at = START + timedelta(seconds=SECONDS_BETWEEN_ORDERS * index)
        product = PRODUCTS[rng.randrange(len(PRODUCTS))]
        values = {
            "order_id": f"O{index + 1:08d}",
            "ordered_at": ordered_at.isoformat(),
            "customer": f"customer{rng.randrange(5000)}@example.com",
            "sku": product[0],
            "quantity": str(rng.randint(1, 5)),
            "unit_price": product[3],
            "status": rng.choice(records.STATUSES),
        }
        if index % 7 == 3:  # harmless noise: spaces and mixed case
            values["customer"] = "  " + values["customer"].upper() + " "
            values["sku"] = " " + values["sku"].lower()
            values["status"] = values["status"].title() + "  "
        if index % 11 == 4:  # the same instant, written in another zone
            values["ordered_at"] = ordered_at.astimezone(PLUS_TWO).isoformat()
        problem = None
        if index % BAD_EVERY == BAD_EVERY // 2:
            problem = problems[(index // BAD_EVERY) % len(problems)]
        if problem == "duplicate" and last_good is not None:
            yield SampleLine(line, last_good.values, problem, records.duplicate(last_good.line))
            continue
        if problem == "duplicate":
            problem = None
        if problem is not None:
            _plant(problem, values)
            yield SampleLine(line, values, problem, REASONS[problem])
        else:
            last_good = SampleLine(line, values, None, None)
            yield last_good


def _plant(problem: str, values: dict) -> None:
    """Spoil `values` in the way `problem` names (the line-level problems are written by `_render`)."""
    if problem == "not-utf8":
        # A Latin-1 e-acute: written to the file as the single byte 0xE9.
        values["customer"] = "jos\udce9@example.com"
    elif problem == "impossible-date":
        values["ordered_at"] = "2024-02-30T10:00:00+00:00"
    elif problem == "no-time-zone":
        values["ordered_at"] = values["ordered_at"][:19]
    elif problem == "quantity-word":
        values["quantity"] = "two"
    elif problem == "negative-quantity":
        values["quantity"] = "-2"
    elif problem == "price-word":
        values["unit_price"] = "N/A"
    elif problem == "negative-price":
        values["unit_price"] = "-" + values["unit_price"]
    elif problem == "unknown-product":
        values["sku"] = "SKU-999"
    elif problem == "unknown-status":
        values["status"] = "lost"
    elif problem == "missing-customer":
        values["customer"] = ""


def _csv_row(sample: SampleLine) -> list[str]:
    row = [sample.values[name] for name in records.FIELDS]
    if sample.problem == "wrong-field-count":
        row.pop()
    return row


def _json_line(sample: SampleLine) -> str:
    values = dict(sample.values)
    if values["quantity"].isdigit():  # JSON has numbers: write the good ones as numbers
        values["quantity"] = int(values["quantity"])
    if values.get("customer") == "":
        del values["customer"]
    if sample.problem == "not-an-object":
        return json.dumps(list(values.values()), ensure_ascii=False)
    text = json.dumps(values, ensure_ascii=False)
    if sample.problem == "malformed-json":
        return text[: len(text) // 2]
    return text


def write_sample(path: Path, rows: int, seed: int = 1, expected: Path | None = None) -> Counter:
    """Write a sample source of `rows` records; return how many lines carry each reject reason.

    With `expected`, also write the planted problems there as CSV: line,reason.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reasons: Counter = Counter()
    with ExitStack() as stack:
        file = stack.enter_context(open(path, "w", encoding="utf-8", errors="surrogateescape", newline=""))
        log = None
        if expected is not None:
            log = csv.writer(stack.enter_context(open(expected, "w", encoding="utf-8", newline="")))
            log.writerow(["line", "reason"])
        writer = csv.writer(file, lineterminator="\n")
        if suffix == ".csv":
            writer.writerow(records.FIELDS)
        for sample in sample_lines(rows, suffix, seed):
            if suffix == ".csv":
                writer.writerow(_csv_row(sample))
            else:
                file.write(_json_line(sample) + "\n")
            if sample.reason is not None:
                reasons[sample.reason] += 1
                if log is not None:
                    log.writerow([sample.line, sample.reason])
    return reasons


def expected_rejects(rows: int, suffix: str = ".csv", seed: int = 1) -> dict[int, str]:
    """line -> reject reason, for every planted problem of a sample (keep `rows` small)."""
    return {s.line: s.reason for s in sample_lines(rows, suffix, seed) if s.reason is not None}


def expected_valid(rows: int, suffix: str = ".csv", seed: int = 1) -> int:
    """How many records of a sample are valid (and so should be loaded)."""
    return sum(1 for s in sample_lines(rows, suffix, seed) if s.reason is None)
