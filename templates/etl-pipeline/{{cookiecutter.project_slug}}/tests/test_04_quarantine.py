"""Exercise 4 (quarantine): bad records go to a rejects file; the run goes on."""

import csv

import pytest

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.quarantine import RejectWriter, clean
from {{ cookiecutter.project_slug }}.records import Order, Raw, Reject

pytestmark = pytest.mark.exercise("quarantine")

KNOWN = {"SKU-001"}


def raw(line, **changes):
    fields = {
        "order_id": f"O{line}",
        "ordered_at": "2024-01-01T10:00:00+00:00",
        "customer": "ann@example.com",
        "sku": "SKU-001",
        "quantity": "1",
        "unit_price": "1.00",
        "status": "paid",
    }
    return Raw(line, {**fields, **changes})


def read_rejects(path):
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def test_the_writer_writes_a_csv_with_a_header_and_counts(tmp_path):
    path = tmp_path / "out" / "rejects.csv"
    with RejectWriter(path) as rejects:
        rejects.write(Reject(4, records.BAD_DATE, "O4,yesterday"))
        rejects.write(Reject(9, records.NOT_UTF8, "jos\\xe9"))
        assert rejects.count == 2, "RejectWriter.count should be the number of rejects written"
    assert path.is_file(), "the rejects file (and its missing folder) should be created"
    assert read_rejects(path) == [
        ["line", "reason", "source"],
        ["4", records.BAD_DATE, "O4,yesterday"],
        ["9", records.NOT_UTF8, "jos\\xe9"],
    ], "the rejects file should be a CSV: the header line,reason,source then one row per reject"


def test_clean_yields_the_orders_and_quarantines_the_rest(tmp_path):
    items = [
        raw(2),
        Reject(3, records.WRONG_FIELD_COUNT, "O3"),
        raw(4, ordered_at="2024-02-30T00:00:00+00:00"),
        raw(5),
        raw(6, sku="SKU-404"),
    ]
    path = tmp_path / "rejects.csv"
    with RejectWriter(path) as rejects:
        orders = list(clean(items, KNOWN, rejects))
    assert [order.line for order in orders] == [2, 5], "clean should yield the valid records (lines 2 and 5), in order"
    assert all(isinstance(order, Order) for order in orders), "clean should yield Order objects"
    assert [(row[0], row[1]) for row in read_rejects(path)[1:]] == [
        ("3", records.WRONG_FIELD_COUNT),
        ("4", records.BAD_DATE),
        ("6", records.UNKNOWN_PRODUCT),
    ], "the rejects file should list lines 3, 4 and 6 with their reasons"


def test_clean_is_lazy(tmp_path):
    taken = []

    def source():
        for line in range(2, 1000):
            taken.append(line)
            yield raw(line, quantity="-1") if line % 2 else raw(line)

    with RejectWriter(tmp_path / "rejects.csv") as rejects:
        orders = clean(source(), KNOWN, rejects)
        first = next(orders)
        assert first.line == 2 and taken == [2], "the first order should come after reading one record, not all of them"
        second = next(orders)
        assert second.line == 4 and taken == [2, 3, 4], (
            "the second order should come after reading up to it (line 3 is a reject in between)"
        )
        assert rejects.count == 1, "the reject on line 3 should be written as soon as it is read"
