"""The schema: products (reference data), orders (the loaded facts) and runs (the run log).

The ORM classes describe the tables once. The API reads them through the ORM;
the pipeline writes thousands of rows at a time through SQLAlchemy Core
(`Order.__table__`), which skips building an object per row.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

# BEGIN SOLUTION schema
from .catalog import PRODUCTS
from .extensions import db
from .records import CUSTOMER_MAX_LENGTH, ORDER_ID_MAX_LENGTH, SKU_MAX_LENGTH
# STUB
# from .extensions import db
# from .records import ORDER_ID_MAX_LENGTH, SKU_MAX_LENGTH
# END SOLUTION

SOURCE_MAX_LENGTH = 255
ERROR_MAX_LENGTH = 500
# The statuses of a run that is not finished: at most one such run per source.
UNFINISHED = ("queued", "running")
RUN_STATUSES = (*UNFINISHED, "succeeded", "failed")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A point in time, always given back in UTC with its zone.

    PostgreSQL keeps the zone itself (timestamptz). SQLite has no date type at
    all, so there the value is stored as UTC text in ISO 8601 form,
    `2024-01-01 10:00:00.000000`, which sorts in time order and which SQLite's
    date functions read; the zone is put back when it is read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a UTCDateTime needs a datetime with a time zone")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def process_result_value(self, value: datetime | str | None, dialect: Dialect) -> datetime | None:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Product(db.Model):
    """A product of the catalogue; orders point to it by sku."""

    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(SKU_MAX_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40), index=True)
    price_cents: Mapped[int] = mapped_column(Integer)


class Order(db.Model):
    """One order line of the shop, as loaded from a source."""

    __tablename__ = "orders"

    # BEGIN SOLUTION schema
    order_id: Mapped[str] = mapped_column(String(ORDER_ID_MAX_LENGTH), primary_key=True)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    customer: Mapped[str] = mapped_column(String(CUSTOMER_MAX_LENGTH))
    # DEFERRABLE INITIALLY DEFERRED: checked once at commit, not row by row
    # (much faster for bulk upserts on SQLite; same meaning on PostgreSQL).
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku", deferrable=True, initially="DEFERRED"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    # Money as a whole number of cents: exact, and the same type on every database.
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    # Lineage: which run loaded the row last, from which line of its source.
    # (No index on run_id: nothing searches by it often enough to pay for one on every insert.)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", deferrable=True, initially="DEFERRED"))
    source_line: Mapped[int] = mapped_column(Integer)
    # STUB
    # order_id: Mapped[str] = mapped_column(String(ORDER_ID_MAX_LENGTH), primary_key=True)
    # sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), index=True)
    # END SOLUTION


class Run(db.Model):
    """The run log: one row per pipeline run, with its status and counts."""

    __tablename__ = "runs"

    # BEGIN SOLUTION schema
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read: Mapped[int] = mapped_column(default=0)
    loaded: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # The newest ordered_at this run loaded: the next run skips anything older.
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH))
    # Written when the run is created and again every few seconds while it works:
    # a run whose heartbeat has stopped was abandoned (its process was stopped).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    # At most one unfinished run per source, enforced by the database itself: a
    # unique index over only the rows that are queued or running (a partial
    # index; SQLite and PostgreSQL both have them). Two requests at the same
    # instant cannot both insert one: the second INSERT fails.
    __table_args__ = (
        db.Index(
            "one_unfinished_run_per_source",
            "source",
            unique=True,
            sqlite_where=db.text("status IN ('queued', 'running')"),
            postgresql_where=db.text("status IN ('queued', 'running')"),
        ),
    )
    # STUB
    # id: Mapped[int] = mapped_column(primary_key=True)
    # END SOLUTION
    # The SHA-256 of the source file as this run read it (given): a later run of the same,
    # unchanged file knows that its old orders are stored as they are, without comparing them.
    fingerprint: Mapped[str | None] = mapped_column(String(64))


def seed_products() -> int:
    """Insert the catalogue into an empty products table in one statement; return the row count."""
    # BEGIN SOLUTION schema
    rows = [
        {"sku": sku, "name": name, "category": category, "price_cents": int(price.replace(".", ""))}
        for sku, name, category, price in PRODUCTS
    ]
    # Core: one executemany for all rows, no Product objects and no unit of work.
    db.session.execute(db.insert(Product), rows)
    db.session.commit()
    return len(rows)
    # END SOLUTION
