"""Exercise 15 (write-tests): YOUR tests of the transform, the quarantine and the idempotent load.

Write them here with the fixtures of conftest.py (`seeded`, `new_run`, `new_order`,
`rows`, `tmp_path`...) and the functions of the package. Run them with

    python -m pytest tests/pipeline_tests.py

`scaffolder check` (test_15_write_tests.py) also runs them against a few
planted faulty versions of the pipeline: each fault must make at least one of
your tests fail. This file is not named test_*.py, so the main suite does not
collect it on its own.
"""

# BEGIN SOLUTION write-tests
import csv

import pytest

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import load_orders
from {{ cookiecutter.project_slug }}.quarantine import RejectWriter, clean
from {{ cookiecutter.project_slug }}.records import Order, Raw, Reject
from {{ cookiecutter.project_slug }}.transform import parse_order
# STUB
# import pytest
# END SOLUTION

pytestmark = pytest.mark.exercise("write-tests")


# BEGIN SOLUTION write-tests
SKUS = {"SKU-001"}


def raw(line=2, **changes):
    fields = {
        "order_id": "A-1",
        "ordered_at": "2024-01-01T10:00:00+00:00",
        "customer": "ann@example.com",
        "sku": "SKU-001",
        "quantity": "2",
        "unit_price": "10.00",
        "status": "paid",
    }
    return Raw(line, {**fields, **changes})


def test_a_valid_record_becomes_an_order():
    order = parse_order(raw(), SKUS)
    assert isinstance(order, Order)
    assert (order.quantity, order.line) == (2, 2)


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_a_quantity_below_one_is_rejected(quantity):
    result = parse_order(raw(quantity=quantity), SKUS)
    assert isinstance(result, Reject) and result.reason == records.NEGATIVE_QUANTITY


def test_clean_writes_every_reject_to_the_file(tmp_path):
    items = [raw(2), Reject(3, records.MALFORMED_CSV, "x"), raw(4, sku="NOPE")]
    path = tmp_path / "rejects.csv"
    with RejectWriter(path) as rejects:
        orders = list(clean(items, SKUS, rejects))
    assert [order.line for order in orders] == [2]
    assert rejects.count == 2
    with open(path, encoding="utf-8", newline="") as file:
        lines = list(csv.reader(file))
    assert [row[:2] for row in lines[1:]] == [["3", records.MALFORMED_CSV], ["4", records.UNKNOWN_PRODUCT]]


def test_loading_twice_leaves_the_same_rows(seeded, new_run, new_order, rows):
    orders = [new_order(n) for n in range(1, 4)]
    with seeded.app_context():
        load_orders(db.engine, orders, run_id=new_run())
        before = rows("orders")
        assert load_orders(db.engine, orders, run_id=new_run()) == 3
    after = rows("orders")
    assert [{**row, "run_id": 0} for row in after] == [{**row, "run_id": 0} for row in before]


def test_a_changed_order_replaces_the_old_one(seeded, new_run, new_order, rows):
    with seeded.app_context():
        load_orders(db.engine, [new_order(1)], run_id=new_run())
        load_orders(db.engine, [new_order(1, quantity=5, status="shipped")], run_id=new_run())
    (row,) = rows("orders")
    assert (row["quantity"], row["status"]) == (5, "shipped")


def test_a_repeat_in_one_run_is_a_duplicate_and_keeps_the_first(seeded, new_run, new_order, rows):
    duplicates = []
    with seeded.app_context():
        loaded = load_orders(
            db.engine,
            [new_order(1, line=2), new_order(1, line=3, quantity=9)],
            run_id=new_run(),
            on_batch=lambda connection, fresh, repeats: duplicates.extend(repeats),
        )
    assert loaded == 1
    assert duplicates == [Reject(3, records.duplicate(2), "T0000001")]
    (row,) = rows("orders")
    assert (row["quantity"], row["source_line"]) == (1, 2)
# STUB
# def test_a_valid_record_becomes_an_order():
#     raise NotImplementedError("Exercise 15 (write-tests) is not done yet: see EXERCISES.md")
# END SOLUTION
