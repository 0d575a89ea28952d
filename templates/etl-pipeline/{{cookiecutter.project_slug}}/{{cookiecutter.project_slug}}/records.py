"""The shapes data takes on its way through the pipeline, and the exact reject reasons.

extract  ->  Raw (text fields and the source line)  or  Reject
transform -> Order (typed, normalised)               or  Reject
load     ->  rows in the `orders` table
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

# The columns of every source, in CSV order (the CSV header line is exactly these).
FIELDS = ("order_id", "ordered_at", "customer", "sku", "quantity", "unit_price", "status")

# The order statuses the shop knows, in lowercase.
STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled")

ORDER_ID_MAX_LENGTH = 20
CUSTOMER_MAX_LENGTH = 254
SKU_MAX_LENGTH = 20
SOURCE_TEXT_MAX_LENGTH = 300
QUANTITY_MAX = 10_000
PRICE_MAX = 1_000_000

# Reject reasons, word for word. Tests, the generator and the rejects file all use these.
NOT_UTF8 = "not valid UTF-8"
WRONG_FIELD_COUNT = f"malformed line: expected {len(FIELDS)} fields"
MALFORMED_CSV = "malformed CSV"
MALFORMED_JSON = "malformed JSON"
NOT_AN_OBJECT = "not a JSON object"
BAD_ORDER_ID = "bad order_id"
BAD_DATE = "bad date"
BAD_CUSTOMER = "bad customer"
BAD_QUANTITY = "quantity is not a whole number"
NEGATIVE_QUANTITY = "quantity must be at least 1"
LARGE_QUANTITY = "quantity must be at most 10000"
BAD_PRICE = "unit_price is not a number"
NEGATIVE_PRICE = "unit_price must not be negative"
TOO_PRECISE_PRICE = "unit_price has more than 2 decimals"
LARGE_PRICE = "unit_price must be at most 1000000"
UNKNOWN_PRODUCT = "unknown product"
UNKNOWN_STATUS = "unknown status"
FUTURE_DATE = "ordered_at is in the future"
CHANGED_OLD_ORDER = "changed since it was loaded, but not newer than the watermark: run with full to load it"
LATE_ORDER = "not loaded yet, but not newer than the watermark (a late order): run with full to load it"


def missing(field: str) -> str:
    """The reason for a required field that is absent or empty."""
    return f"missing {field}"


def duplicate(first_line: int) -> str:
    """The reason for a second record with an order_id already loaded by this run."""
    return f"duplicate order_id (first seen on line {first_line})"


# Named tuples: immutable, compared by value, and cheap to create by the million.
class Raw(NamedTuple):
    """One record as read from the source: field name -> value, and where it came from."""

    line: int
    fields: dict


class Reject(NamedTuple):
    """A record that cannot be loaded: its line, the reason, and (a shortened copy of) its text."""

    line: int
    reason: str
    source: str = ""


class Order(NamedTuple):
    """A clean, typed order, ready to load."""

    line: int
    order_id: str
    ordered_at: datetime
    customer: str
    sku: str
    quantity: int
    unit_price: Decimal
    status: str


def shorten(text: str) -> str:
    """Text fit for a reject report: bytes that were not UTF-8 shown as \\xNN, and at most 300 characters."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte produced
        data = text.encode("utf-8", "backslashreplace")
    return data.decode("utf-8", "backslashreplace")[:SOURCE_TEXT_MAX_LENGTH]
