"""Load: write clean orders in batches, each batch one transaction, with upserts.

This is bulk work, so it uses SQLAlchemy Core (`Order.__table__`) on a
connection from `engine.begin()`: one statement per batch, no ORM objects. On SQLite that
statement is compiled once and given ready tuples (see `prepared`); on PostgreSQL the rows
go by COPY (exercise 7).
"""

from __future__ import annotations

# BEGIN SOLUTION batches
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import TypeVar
# STUB
# from collections.abc import Callable, Iterable, Iterator
# from functools import lru_cache
# from operator import itemgetter
# from typing import TypeVar
# END SOLUTION

# BEGIN SOLUTION dedupe
from sqlalchemy import select
# STUB
# END SOLUTION
# BEGIN SOLUTION upsert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.schema import Column, MetaData, Table
# STUB
# from sqlalchemy.engine import Connection, Dialect, Engine
# END SOLUTION
from sqlalchemy.sql import Insert

# BEGIN SOLUTION dedupe
from . import records
# STUB
# END SOLUTION
from .models import Order as OrderRow
from .records import Order, Reject

BATCH_SIZE = 5000
T = TypeVar("T")

orders_table = OrderRow.__table__

# on_batch(connection, loaded orders, duplicates): called inside each batch's transaction.
BatchHook = Callable[[Connection, list[Order], list[Reject]], None]


def order_row(order: Order, run_id: int) -> dict:
    """The column values of one order, as the orders table stores them."""
    return {
        "order_id": order.order_id,
        "ordered_at": order.ordered_at,
        "customer": order.customer,
        "sku": order.sku,
        "quantity": order.quantity,
        "unit_price_cents": int(order.unit_price * 100),
        "status": order.status,
        "run_id": run_id,
        "source_line": order.line,
    }


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to `size` items, taken from `items` only as each list is needed."""
    # BEGIN SOLUTION batches
    if size < 1:
        raise ValueError("size must be at least 1")
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
    # END SOLUTION


def upsert_statement(dialect_name: str) -> Insert:
    """An INSERT into orders that updates the existing row when the order_id is already there."""
    # BEGIN SOLUTION upsert
    if dialect_name == "postgresql":
        statement = postgresql.insert(orders_table)
    elif dialect_name == "sqlite":
        statement = sqlite.insert(orders_table)
    else:
        raise ValueError(f"no upsert for the {dialect_name} database")
    return on_conflict_update(statement)
    # STUB
    # # A plain INSERT: it fails when an order_id is loaded a second time.
    # return orders_table.insert()
    # END SOLUTION


def write_rows(connection: Connection, statement: Insert, rows: list[dict]) -> int:
    """Write the rows of one batch (order_row dicts) with `statement`, in the connection's
    transaction; return how many rows the database wrote."""
    # BEGIN SOLUTION upsert
    if connection.dialect.name == "postgresql":
        return copy_upsert(connection, rows)
    # STUB
    # END SOLUTION
    if connection.dialect.name == "sqlite" and (ready := prepared(statement, connection.dialect)) is not None:
        sql, values = ready
        return connection.exec_driver_sql(sql, [values(row) for row in rows]).rowcount
    # A list of parameter sets: one executemany, not one INSERT per row.
    return connection.execute(statement, rows).rowcount


@lru_cache(maxsize=8)  # a statement is built once per load: a few entries are enough
def prepared(statement: Insert, dialect: Dialect) -> tuple[str, Callable[[dict], tuple]] | None:
    """`statement` compiled once for SQLite: its SQL text, and a function that turns an
    order_row dict into the tuple of values its `?` marks take, each converted as its
    type converts it (UTCDateTime's dates become text). None when the statement also binds
    values of its own (a literal in its WHERE, say): SQLAlchemy then fills those in.

    Given a list of dicts, `connection.execute` does that work again for every row of every
    batch, which costs about as much as SQLite's own work; a list of ready tuples goes to
    the driver's executemany as it is.
    """
    compiled = statement.compile(dialect=dialect)
    names = compiled.positiontup  # the parameters' names, in the order of the `?` marks
    if not names:  # no parameters, or named ones (a paramstyle chosen on the engine)
        return None
    binds = [compiled.binds[name] for name in names]
    if not all(bind.required for bind in binds):  # required: its value comes from each row
        return None
    pick = itemgetter(*names)
    conversions = [
        (index, convert)
        for index, bind in enumerate(binds)
        if (convert := bind.type.bind_processor(dialect)) is not None
    ]

    def values(row: dict) -> tuple:
        picked = pick(row)
        if not conversions:
            return picked
        converted = list(picked)
        for index, convert in conversions:
            converted[index] = convert(converted[index])
        return tuple(converted)

    return str(compiled), values


# BEGIN SOLUTION upsert
def on_conflict_update(statement: postgresql.Insert | sqlite.Insert) -> Insert:
    """`statement`, made to update the row already stored under the same order_id."""
    # `excluded` is the row that could not be inserted: copy its values over...
    changes = {name: statement.excluded[name] for name in orders_table.columns.keys() if name != "order_id"}
    # ...unless this run wrote the row itself: then the file holds the order twice,
    # and the first occurrence wins.
    return statement.on_conflict_do_update(
        index_elements=[orders_table.c.order_id],
        set_=changes,
        where=orders_table.c.run_id != statement.excluded.run_id,
    )


# PostgreSQL's fast path: COPY the batch into a temporary table of this session, then one
# INSERT ... SELECT moves it into orders, settling conflicts as the upsert above does.
# ON COMMIT DELETE ROWS empties it when the batch's transaction ends (a rollback does too).
staging_table = Table(
    "orders_staging",
    MetaData(),
    *(Column(column.name, column.type) for column in orders_table.columns),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DELETE ROWS",
)
COLUMNS = list(orders_table.columns.keys())
STAGED_UPSERT = on_conflict_update(postgresql.insert(orders_table).from_select(COLUMNS, staging_table.select()))


def copy_upsert(connection: Connection, rows: list[dict]) -> int:
    """Upsert `rows` on PostgreSQL through COPY and a staging table; return how many were written."""
    # Once per session (a pooled connection keeps it): the check reads only the catalogue.
    staging_table.create(connection, checkfirst=True)
    cursor = connection.connection.driver_connection.cursor()  # psycopg's own cursor: SQLAlchemy has no COPY
    with cursor.copy(f"COPY {staging_table.name} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in COLUMNS])
    # Unlike psycopg's executemany, one statement reports exactly how many rows it wrote
    # (SQLAlchemy keeps an INSERT's count only when asked to).
    return connection.execute(STAGED_UPSERT, execution_options={"preserve_rowcount": True}).rowcount


# STUB
# END SOLUTION
def drop_duplicates(batch: list[Order]) -> tuple[list[Order], list[Reject]]:
    """Split a batch into first occurrences and Rejects for the orders repeated within it."""
    # BEGIN SOLUTION dedupe
    first_lines: dict[str, int] = {}
    fresh: list[Order] = []
    duplicates: list[Reject] = []
    for order in batch:
        first = first_lines.get(order.order_id)
        if first is None:
            first_lines[order.order_id] = order.line
            fresh.append(order)
        else:
            duplicates.append(Reject(order.line, records.duplicate(first), order.order_id))
    return fresh, duplicates
    # STUB
    # # Not done yet: every order is treated as new.
    # return batch, []
    # END SOLUTION


def find_repeats(
    connection: Connection, written: list[Order], run_id: int, rowcount: int
) -> tuple[list[Order], list[Reject]]:
    """After the upsert of `written`: split it into the orders really written and Rejects for
    those the upsert skipped, because this run had loaded their order_id in an earlier batch."""
    # BEGIN SOLUTION dedupe
    if rowcount == len(written):  # the usual case: nothing skipped, no query needed
        return written, []
    # Ask the database which line of this run each order_id comes from, instead of
    # remembering every order_id of the file (memory would grow with the file).
    stored = dict(
        connection.execute(
            select(orders_table.c.order_id, orders_table.c.source_line).where(
                orders_table.c.run_id == run_id,
                orders_table.c.order_id.in_([order.order_id for order in written]),
            )
        ).all()
    )
    loaded: list[Order] = []
    repeats: list[Reject] = []
    for order in written:
        first = stored[order.order_id]
        if first == order.line:
            loaded.append(order)
        else:
            repeats.append(Reject(order.line, records.duplicate(first), order.order_id))
    return loaded, repeats
    # STUB
    # # Not done yet: every order counts as written.
    # return written, []
    # END SOLUTION


def load_orders(
    engine: Engine,
    orders: Iterable[Order],
    *,
    run_id: int,
    batch_size: int = BATCH_SIZE,
    on_batch: BatchHook | None = None,
) -> int:
    """Load `orders` in batches, one transaction each; return how many orders were loaded."""
    # BEGIN SOLUTION batches
    loaded = 0
    statement = upsert_statement(engine.dialect.name)  # built once, used by every batch
    for batch in batched(orders, batch_size):
        # engine.begin(): commit when the block ends, roll back if it raises,
        # so a batch is either wholly in the database or not at all.
        with engine.begin() as connection:
            fresh, duplicates = drop_duplicates(batch)
            if fresh:
                written = write_rows(connection, statement, [order_row(order, run_id) for order in fresh])
                fresh, repeats = find_repeats(connection, fresh, run_id, written)
                duplicates += repeats
            if on_batch is not None:
                on_batch(connection, fresh, duplicates)
        loaded += len(fresh)
    return loaded
    # END SOLUTION
