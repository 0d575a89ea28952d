"""Exercise 3 (transform): validate, normalise and type a record."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.records import Order, Raw, Reject
from {{ cookiecutter.project_slug }}.transform import parse_order

pytestmark = pytest.mark.exercise("transform")

KNOWN = {"SKU-001", "SKU-002"}
VALID = {
    "order_id": "O1",
    "ordered_at": "2024-01-01T10:00:00+00:00",
    "customer": "ann@example.com",
    "sku": "SKU-001",
    "quantity": "2",
    "unit_price": "10.13",
    "status": "paid",
}


def parse(line=7, **changes):
    return parse_order(Raw(line, {**VALID, **changes}), KNOWN)


def test_a_valid_record_becomes_a_typed_order():
    order = parse()
    assert isinstance(order, Order), f"a valid record should give an Order, not {order!r}"
    assert order == Order(
        line=7,
        order_id="O1",
        ordered_at=datetime(2024, 1, 1, 10, tzinfo=timezone.utc),
        customer="ann@example.com",
        sku="SKU-001",
        quantity=2,
        unit_price=Decimal("10.13"),
        status="paid",
    ), "the Order should hold typed values: an aware datetime, an int quantity, a Decimal price"


def test_values_are_normalised():
    order = parse(
        order_id=" O1 ",
        ordered_at=" 2024-01-01T12:00:00+02:00",
        customer="  Ann@Example.COM ",
        sku=" sku-001",
        unit_price=" 10.13 ",
        status=" Paid  ",
    )
    assert isinstance(order, Order), f"spaces and mixed case should be cleaned, not rejected: got {order!r}"
    assert order.order_id == "O1", "order_id should be stripped"
    assert order.customer == "ann@example.com", "customer should be stripped and lowercased"
    assert order.sku == "SKU-001", "sku should be stripped and uppercased"
    assert order.status == "paid", "status should be stripped and lowercased"
    assert order.ordered_at == datetime(2024, 1, 1, 10, tzinfo=timezone.utc), "12:00 at +02:00 is 10:00 UTC"
    assert order.ordered_at.utcoffset().total_seconds() == 0, "ordered_at should be converted to UTC"


def test_json_numbers_are_accepted():
    order = parse(quantity=3, unit_price=4.5)
    assert isinstance(order, Order), f"JSON numbers (quantity 3, unit_price 4.5) should be accepted: got {order!r}"
    assert order.quantity == 3 and order.unit_price == Decimal("4.5"), "numbers should be converted like their text"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"order_id": ""}, records.missing("order_id")),
        ({"customer": "   "}, records.missing("customer")),
        ({"status": None}, records.missing("status")),
        ({"quantity": True}, records.missing("quantity")),
        ({"sku": ["SKU-001"]}, records.missing("sku")),
        ({"unit_price": {"value": 1}}, records.missing("unit_price")),
        ({"order_id": "O 1"}, records.BAD_ORDER_ID),
        ({"order_id": "O" * 21}, records.BAD_ORDER_ID),
        ({"order_id": "O1\x00"}, records.BAD_ORDER_ID),
        ({"ordered_at": "2024-02-30T10:00:00+00:00"}, records.BAD_DATE),
        ({"ordered_at": "2024-01-01T10:00:00"}, records.BAD_DATE),
        ({"ordered_at": "yesterday"}, records.BAD_DATE),
        ({"ordered_at": "0001-01-01T00:00:00+01:00"}, records.BAD_DATE),
        ({"ordered_at": "9999-12-31T23:59:59-01:00"}, records.BAD_DATE),
        ({"customer": "ann.example.com"}, records.BAD_CUSTOMER),
        ({"customer": "ann@ex@ample.com"}, records.BAD_CUSTOMER),
        ({"customer": "ann smith@example.com"}, records.BAD_CUSTOMER),
        ({"customer": "ann\x07@example.com"}, records.BAD_CUSTOMER),
        ({"customer": "ann\ud800@example.com"}, records.BAD_CUSTOMER),
        ({"customer": "a" * 250 + "@example.com"}, records.BAD_CUSTOMER),
        ({"sku": "SKU-999"}, records.UNKNOWN_PRODUCT),
        ({"quantity": "two"}, records.BAD_QUANTITY),
        ({"quantity": "2.5"}, records.BAD_QUANTITY),
        ({"quantity": 2.0}, records.BAD_QUANTITY),
        ({"quantity": "1_000"}, records.BAD_QUANTITY),
        ({"quantity": "+3"}, records.BAD_QUANTITY),
        ({"quantity": "\u0663"}, records.BAD_QUANTITY),
        ({"quantity": "\uff13"}, records.BAD_QUANTITY),
        ({"quantity": "0"}, records.NEGATIVE_QUANTITY),
        ({"quantity": "-2"}, records.NEGATIVE_QUANTITY),
        ({"quantity": "10001"}, records.LARGE_QUANTITY),
        ({"quantity": "9" * 30}, records.LARGE_QUANTITY),
        ({"unit_price": "N/A"}, records.BAD_PRICE),
        ({"unit_price": "NaN"}, records.BAD_PRICE),
        ({"unit_price": "Infinity"}, records.BAD_PRICE),
        ({"unit_price": "-19.99"}, records.NEGATIVE_PRICE),
        ({"unit_price": "1000000.01"}, records.LARGE_PRICE),
        ({"unit_price": "1e3"}, records.BAD_PRICE),
        ({"unit_price": "1_000"}, records.BAD_PRICE),
        ({"unit_price": "+1.00"}, records.BAD_PRICE),
        ({"unit_price": "\u0663.50"}, records.BAD_PRICE),
        ({"unit_price": "9" * 30}, records.LARGE_PRICE),
        ({"unit_price": "10.125"}, records.TOO_PRECISE_PRICE),
        ({"status": "lost"}, records.UNKNOWN_STATUS),
    ],
    ids=lambda value: ",".join(f"{name}={text!r}" for name, text in value.items()) if isinstance(value, dict) else None,
)
def test_each_problem_has_its_exact_reason(changes, reason):
    result = parse(**changes)
    assert isinstance(result, Reject), f"{changes!r} should give a Reject, not {result!r}"
    assert result.reason == reason, f"{changes!r} should be rejected with the reason {reason!r}, not {result.reason!r}"
    assert result.line == 7, "the Reject should carry the record's line"


def test_the_first_field_in_order_decides_the_reason():
    result = parse(ordered_at="never", quantity="-1", status="lost")
    assert isinstance(result, Reject) and result.reason == records.BAD_DATE, (
        "with a bad date, a bad quantity and a bad status, the reason should be the date's (ordered_at comes first)"
    )


def test_a_missing_field_is_reported_even_with_other_problems():
    fields = dict(VALID, quantity="-1")
    del fields["customer"]
    result = parse_order(Raw(3, fields), KNOWN)
    assert isinstance(result, Reject) and result.reason == records.missing("customer"), (
        "a record without a customer should be rejected with 'missing customer'"
    )


@pytest.mark.parametrize(
    "value", ["9" * 5000, "1e999999999", "-0", "\ud800", "\x00", "٣", 10**40, -(10**40), 1e308, float("nan")]
)
def test_no_value_makes_parse_order_raise(value):
    for name in records.FIELDS:
        result = parse(**{name: value})
        assert isinstance(result, (Order, Reject)), f"{name}={value!r} should give an Order or a Reject"


def test_the_sample_generator_and_parse_order_agree(tmp_path):
    from {{ cookiecutter.project_slug }}.generate import sample_lines

    value_problems = {s.line: s.reason for s in sample_lines(400) if s.problem not in (None, "duplicate")}
    line_problems = ("wrong-field-count", "not-utf8")
    for sample in sample_lines(400):
        if sample.problem in line_problems:
            continue
        result = parse_order(Raw(sample.line, dict(sample.values)), {f"SKU-{n:03d}" for n in range(1, 41)})
        expected = value_problems.get(sample.line)
        if expected is None:
            assert isinstance(result, Order), f"line {sample.line} of the sample is valid, but got {result!r}"
        else:
            assert isinstance(result, Reject) and result.reason == expected, (
                f"line {sample.line} of the sample should be rejected with {expected!r}, got {result!r}"
            )
