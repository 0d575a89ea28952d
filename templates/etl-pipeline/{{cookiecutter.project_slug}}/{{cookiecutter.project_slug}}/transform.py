"""Transform: turn a Raw record of text into a clean, typed Order, or a Reject with the reason.

`parse_order` must never raise, whatever a source holds: a bad value becomes a
Reject, so one bad line never stops a run of a million good ones.
"""

from __future__ import annotations

# BEGIN SOLUTION transform
import re
from collections.abc import Container
from datetime import datetime, timezone
from decimal import Decimal
# STUB
# from collections.abc import Container
# END SOLUTION

from . import records
from .records import Order, Raw, Reject

# BEGIN SOLUTION transform
ORDER_ID = re.compile(r"[A-Za-z0-9-]+")
# Numbers as a data file writes them: the ASCII digits 0-9, a minus sign, a decimal point.
# int() and Decimal() accept more ("1_000", "+3", "1e3", "NaN", digits of other scripts).
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
CENT = Decimal("0.01")
STATUSES = frozenset(records.STATUSES)
# STUB
# END SOLUTION


def source_text(raw: Raw) -> str:
    """The record's values joined by commas, shortened for the rejects file."""
    return records.shorten(",".join(str(value) for value in raw.fields.values()))


def text(value: object) -> str | None:
    """A source value as stripped text: numbers from JSON as written; None for anything else."""
    if type(value) is str:  # the common case first, and the cheapest test
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def parse_order(raw: Raw, known_skus: Container[str]) -> Order | Reject:
    """Validate, normalise and convert one record; the first problem found is the reason."""
    # BEGIN SOLUTION transform
    fields = raw.fields
    values = []
    for name in records.FIELDS:
        value = text(fields.get(name))
        if not value:
            return Reject(raw.line, records.missing(name), source_text(raw))
        values.append(value)
    order_id, ordered_at, customer, sku, quantity, unit_price, status = values

    def reject(reason: str) -> Reject:
        return Reject(raw.line, reason, source_text(raw))

    if len(order_id) > records.ORDER_ID_MAX_LENGTH or not ORDER_ID.fullmatch(order_id):
        return reject(records.BAD_ORDER_ID)

    try:
        ordered_at = datetime.fromisoformat(ordered_at)
    except ValueError:
        return reject(records.BAD_DATE)
    if ordered_at.tzinfo is None:  # a time without a zone is ambiguous
        return reject(records.BAD_DATE)
    try:
        ordered_at = ordered_at.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return reject(records.BAD_DATE)

    customer = customer.lower()
    if (
        len(customer) > records.CUSTOMER_MAX_LENGTH
        or customer.count("@") != 1
        or not customer.isprintable()
        or " " in customer
    ):
        return reject(records.BAD_CUSTOMER)

    sku = sku.upper()
    if sku not in known_skus:
        return reject(records.UNKNOWN_PRODUCT)

    if not WHOLE_NUMBER.fullmatch(quantity):
        return reject(records.BAD_QUANTITY)
    try:
        quantity = int(quantity)
    except ValueError:  # more than 4,300 digits: int() refuses to convert so many
        return reject(records.BAD_QUANTITY)
    if quantity < 1:
        return reject(records.NEGATIVE_QUANTITY)
    if quantity > records.QUANTITY_MAX:
        return reject(records.LARGE_QUANTITY)

    if not PLAIN_DECIMAL.fullmatch(unit_price):
        return reject(records.BAD_PRICE)
    unit_price = Decimal(unit_price)
    if unit_price < 0:
        return reject(records.NEGATIVE_PRICE)
    if unit_price > records.PRICE_MAX:
        return reject(records.LARGE_PRICE)
    if unit_price != unit_price.quantize(CENT):
        return reject(records.TOO_PRECISE_PRICE)

    status = status.lower()
    if status not in STATUSES:
        return reject(records.UNKNOWN_STATUS)

    return Order(raw.line, order_id, ordered_at, customer, sku, quantity, unit_price, status)
    # END SOLUTION
