"""Exercise 8 (dedupe): duplicates within a run are rejected, judged through load_orders and its on_batch."""

import re

import pytest
from sqlalchemy import event

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import load_orders
from {{ cookiecutter.project_slug }}.records import Reject

pytestmark = pytest.mark.exercise("dedupe")

# The orders table itself, not a table whose name starts with it (PostgreSQL's staging table).
ORDERS = re.compile(r"\bORDERS\b")


def load_collecting(app, orders, run_id, batch_size=5000):
    """Load `orders`; return (the number loaded, [(fresh lines, duplicates) per batch])."""
    batches = []

    def on_batch(connection, fresh, duplicates):
        batches.append(([order.line for order in fresh], list(duplicates)))

    with app.app_context():
        loaded = load_orders(db.engine, orders, run_id=run_id, batch_size=batch_size, on_batch=on_batch)
    return loaded, batches


def test_a_repeat_within_a_batch_is_rejected(seeded, new_run, new_order, rows):
    batch = [new_order(1, line=2), new_order(2, line=3), new_order(1, line=4, quantity=9), new_order(3, line=5)]
    loaded, batches = load_collecting(seeded, batch, new_run())
    assert batches == [([2, 3, 5], [Reject(4, records.duplicate(2), "T0000001")])], (
        "the repeat on line 4 should reach on_batch as Reject(4, 'duplicate order_id (first seen on line 2)', "
        "'T0000001'), and only lines 2, 3 and 5 as loaded"
    )
    assert loaded == 3, "3 distinct orders should be counted as loaded"
    first = next(row for row in rows("orders") if row["order_id"] == "T0000001")
    assert (first["quantity"], first["source_line"]) == (1, 2), "the duplicate must not overwrite the first occurrence"


def test_repeats_keep_the_order_of_the_batch(seeded, new_run, new_order):
    batch = [new_order(7, line=10), new_order(7, line=11), new_order(5, line=12), new_order(5, line=13)]
    batch.append(new_order(7, line=14))
    _, batches = load_collecting(seeded, batch, new_run())
    ((fresh, duplicates),) = batches
    assert fresh == [10, 12], "lines 10 and 12 are first occurrences"
    assert [(reject.line, reject.reason) for reject in duplicates] == [
        (11, records.duplicate(10)),
        (13, records.duplicate(12)),
        (14, records.duplicate(10)),
    ], "the duplicates should keep the order of the batch, each naming the line of the first occurrence"


def test_batches_without_repeats_read_nothing_back(seeded, new_run, new_order):
    run_id = new_run()
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()).upper())

    with seeded.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            load_orders(db.engine, [new_order(n) for n in range(30)], run_id=run_id, batch_size=10)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    inserts = [statement for statement in statements if statement.startswith("INSERT INTO ORDERS")]
    reads = [statement for statement in statements if statement.startswith("SELECT") and ORDERS.search(statement)]
    assert len(inserts) == 3, f"3 batches should cost 3 INSERT statements, one per batch; the load sent {len(inserts)}"
    # Both databases say how many rows a batch wrote (SQLite's executemany, and on PostgreSQL
    # the one INSERT ... SELECT of exercise 7), so a batch without repeats needs no second look.
    assert not reads, (
        "batches without repeats should read nothing back from the orders table (the INSERT's rowcount says "
        f"that no row was skipped); the load sent: {reads}"
    )


def test_a_repeat_of_an_earlier_batch_is_rejected(seeded, new_run, new_order, rows):
    run_id = new_run()
    orders = [new_order(1, line=2), new_order(2, line=3), new_order(3, line=4), new_order(1, line=5, quantity=9)]
    seen = []

    def on_batch(connection, fresh, duplicates):
        seen.extend(duplicates)

    with seeded.app_context():
        loaded = load_orders(db.engine, orders, run_id=run_id, batch_size=2, on_batch=on_batch)
    assert seen == [Reject(5, records.duplicate(2), "T0000001")], (
        "T0000001 on line 5 repeats line 2, loaded by the first batch of the same run: it should be a duplicate"
    )
    assert loaded == 3, "3 distinct orders should be counted as loaded"
    first = next(row for row in rows("orders") if row["order_id"] == "T0000001")
    assert (first["quantity"], first["source_line"]) == (1, 2), "the duplicate must not overwrite the first occurrence"


def test_an_order_of_an_earlier_run_is_not_a_duplicate(seeded, new_run, new_order, rows):
    first_run, second_run = new_run(), new_run()
    seen = []

    def on_batch(connection, fresh, duplicates):
        seen.extend(duplicates)

    with seeded.app_context():
        load_orders(db.engine, [new_order(1)], run_id=first_run)
        loaded = load_orders(db.engine, [new_order(1, quantity=4)], run_id=second_run, on_batch=on_batch)
    assert loaded == 1 and seen == [], "an order loaded by an earlier run is not a duplicate of this run"
    (row,) = rows("orders")
    assert (row["quantity"], row["run_id"]) == (4, second_run), "loading it again in a new run updates the row"


def test_memory_does_not_hold_every_order_id(seeded, new_run, new_order):
    run_id = new_run()
    # 3 batches of 100: the repeat on the last line must be found although only one batch is in memory.
    orders = [new_order(n, line=n + 2) for n in range(299)] + [new_order(0, line=301)]
    seen = []

    def on_batch(connection, fresh, duplicates):
        seen.extend(duplicates)

    with seeded.app_context():
        loaded = load_orders(db.engine, iter(orders), run_id=run_id, batch_size=100, on_batch=on_batch)
    assert loaded == 299 and seen == [Reject(301, records.duplicate(2), "T0000000")], (
        "the repeat of T0000000 (line 2) on line 301, two batches later, should be rejected"
    )
