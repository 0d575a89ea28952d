"""Exercise 7 (upsert): idempotent re-runs with INSERT ... ON CONFLICT DO UPDATE."""

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import load_orders, upsert_statement

pytestmark = pytest.mark.exercise("upsert")


@pytest.mark.parametrize(("name", "dialect"), [("sqlite", sqlite.dialect()), ("postgresql", postgresql.dialect())])
def test_the_statement_is_an_upsert_for_each_database(name, dialect):
    sql = " ".join(str(upsert_statement(name).compile(dialect=dialect)).split())
    assert sql.startswith("INSERT INTO orders"), f"upsert_statement({name!r}) should be an INSERT into orders"
    assert "ON CONFLICT (order_id) DO UPDATE SET" in sql, (
        f"upsert_statement({name!r}) should end with ON CONFLICT (order_id) DO UPDATE SET ...; it compiled to: {sql}"
    )
    assert "status = excluded.status" in sql and "run_id = excluded.run_id" in sql, (
        "the update should copy every column but order_id from the row that could not be inserted (excluded)"
    )
    assert sql.endswith("WHERE orders.run_id != excluded.run_id"), (
        "the update should happen only WHERE orders.run_id != excluded.run_id (not over a row of the same run)"
    )


def test_another_database_is_refused():
    with pytest.raises(ValueError):
        upsert_statement("mysql")


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
        "the same order_id twice in one run: the first occurrence should stay (the WHERE clause skips the update)"
    )
