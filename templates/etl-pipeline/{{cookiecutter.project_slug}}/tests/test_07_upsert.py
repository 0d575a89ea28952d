"""Exercise 7 (upsert): idempotent re-runs, judged by the rows a second load leaves (on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import event

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import load_orders

pytestmark = pytest.mark.exercise("upsert")


def test_loading_the_same_orders_twice_leaves_the_same_rows(seeded, new_run, new_order, rows):
    first_run, second_run = new_run(), new_run()
    orders = [new_order(n) for n in range(1, 6)]
    with seeded.app_context():
        load_orders(db.engine, orders, run_id=first_run, batch_size=2)
        first = rows("orders")
        loaded = load_orders(db.engine, orders, run_id=second_run, batch_size=2)
    assert loaded == 5, "a second load (by a second run) should go through, the upsert updating the rows, and report 5"
    again = rows("orders")
    assert [{**row, "run_id": None} for row in again] == [{**row, "run_id": None} for row in first], (
        "loading the same orders twice should leave exactly the same rows (only run_id names the newer run)"
    )


def test_a_changed_order_updates_its_row(seeded, new_run, new_order, rows):
    first_run, second_run = new_run(), new_run()
    with seeded.app_context():
        load_orders(db.engine, [new_order(1), new_order(2)], run_id=first_run)
        load_orders(db.engine, [new_order(2, line=40, quantity=7, status="shipped")], run_id=second_run)
    saved = {row["order_id"]: row for row in rows("orders")}
    assert len(saved) == 2, "an upsert must not add a second row for the same order_id"
    changed = saved["T0000002"]
    assert (changed["quantity"], changed["status"]) == (7, "shipped"), "the row should take the new values"
    assert (changed["run_id"], changed["source_line"]) == (second_run, 40), "run_id and source_line should be updated"
    assert saved["T0000001"]["run_id"] == first_run, "the order that was not loaded again should not change"


def test_a_row_of_the_same_run_is_not_overwritten(seeded, new_run, new_order, rows):
    run_id = new_run()
    with seeded.app_context():
        load_orders(db.engine, [new_order(1, line=2)], run_id=run_id)
        load_orders(db.engine, [new_order(1, line=9, quantity=5)], run_id=run_id)
    (row,) = rows("orders")
    assert (row["quantity"], row["source_line"]) == (1, 2), (
        "the same order_id twice in one run: the first occurrence should stay as it was"
    )


def test_a_batch_is_one_statement_and_on_postgresql_comes_through_copy(seeded, new_run, new_order, rows):
    run_id = new_run()
    inserts = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if " ".join(statement.split()).upper().startswith("INSERT INTO ORDERS"):
            inserts.append((executemany, parameters))

    with seeded.app_context():
        dialect = db.engine.dialect.name
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            load_orders(db.engine, [new_order(n) for n in range(50)], run_id=run_id, batch_size=50)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert len(rows("orders")) == 50, "the batch of 50 orders should be loaded"
    assert len(inserts) == 1, f"one batch should reach the orders table in one INSERT statement, not {len(inserts)}"
    executemany, parameters = inserts[0]
    if dialect == "postgresql":
        assert not executemany and not parameters, (
            "on PostgreSQL the batch's rows should arrive by COPY into a staging table, so that the INSERT into "
            "orders carries no row values (INSERT ... SELECT from the staging table); it was sent with "
            f"{'a list of parameter sets' if executemany else 'parameters'}"
        )
    else:
        assert executemany, "on SQLite the batch should be one executemany: one statement, a list of rows"
