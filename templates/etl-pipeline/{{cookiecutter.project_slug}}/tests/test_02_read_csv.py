"""Exercise 2 (read-csv): read a CSV source lazily, with line numbers; choose the reader by suffix."""

import inspect

import pytest

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.extract import SourceError, extract, read_csv
from {{ cookiecutter.project_slug }}.records import Raw, Reject

pytestmark = pytest.mark.exercise("read-csv")

HEADER = b"order_id,ordered_at,customer,sku,quantity,unit_price,status\n"
GOOD = b"O1,2024-01-01T10:00:00+00:00,ann@example.com,SKU-001,2,10.13,paid\n"


def write(tmp_path, body: bytes, name="orders.csv"):
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_read_csv_is_a_generator(tmp_path):
    items = read_csv(write(tmp_path, HEADER + GOOD))
    assert inspect.isgenerator(items), "read_csv(path) should be a generator function (use yield), not return a list"


def test_nothing_is_read_before_iterating(tmp_path):
    items = read_csv(tmp_path / "missing.csv")
    with pytest.raises(FileNotFoundError):
        next(items)


def test_records_come_with_their_line_numbers(tmp_path):
    body = HEADER + GOOD + b"O2,2024-01-02T10:00:00+00:00,bob@example.com,SKU-002,1,5.00,placed\n"
    items = list(read_csv(write(tmp_path, body)))
    assert len(items) == 2, "a CSV with a header and two data lines should give two items"
    first, second = items
    assert isinstance(first, Raw), "a good line should give a Raw"
    assert first.line == 2, "the first record is on line 2 (the header is line 1)"
    assert first.fields == {
        "order_id": "O1",
        "ordered_at": "2024-01-01T10:00:00+00:00",
        "customer": "ann@example.com",
        "sku": "SKU-001",
        "quantity": "2",
        "unit_price": "10.13",
        "status": "paid",
    }, "Raw.fields should map the 7 column names to the text of the line"
    assert second.line == 3 and second.fields["order_id"] == "O2", "the second record is on line 3"


def test_a_line_with_the_wrong_field_count_is_rejected_and_reading_goes_on(tmp_path):
    body = HEADER + b"O1,2024-01-01T10:00:00+00:00,ann@example.com,SKU-001,2\n" + GOOD
    first, second = list(read_csv(write(tmp_path, body)))
    assert isinstance(first, Reject), "a line with 5 fields instead of 7 should give a Reject"
    assert first.line == 2 and first.reason == records.WRONG_FIELD_COUNT, (
        f"the Reject should be on line 2 with the reason {records.WRONG_FIELD_COUNT!r}"
    )
    assert isinstance(second, Raw) and second.line == 3, "reading should go on after a bad line"


def test_a_byte_that_is_not_utf8_rejects_only_its_line(tmp_path):
    body = HEADER + b"O1,2024-01-01T10:00:00+00:00,jos\xe9@example.com,SKU-001,2,10.13,paid\n" + GOOD
    first, second = list(read_csv(write(tmp_path, body)))
    assert isinstance(first, Reject) and first.reason == records.NOT_UTF8, (
        f"a line holding the byte 0xE9 should give a Reject with the reason {records.NOT_UTF8!r}"
    )
    assert first.line == 2, "the Reject should carry the line number 2"
    assert "jos\\xe9@example.com" in first.source, "the Reject's source should show the bad byte as \\xe9"
    assert isinstance(second, Raw) and second.fields["customer"] == "ann@example.com", "the next line is read normally"


def test_utf8_text_is_read_as_text(tmp_path):
    body = HEADER + "O1,2024-01-01T10:00:00+00:00,zoë@example.com,SKU-001,2,10.13,paid\n".encode()
    (item,) = list(read_csv(write(tmp_path, body)))
    assert isinstance(item, Raw) and item.fields["customer"] == "zoë@example.com", (
        "a line in valid UTF-8 (with ë) should give a Raw with the decoded text"
    )


def test_a_wrong_header_stops_the_file(tmp_path):
    items = read_csv(write(tmp_path, b"id,when,who\n" + GOOD))
    with pytest.raises(SourceError):
        next(items)


def test_a_wrong_header_says_which_columns_are_wrong(tmp_path):
    header = b"order_id,ordered_at,customer,product,quantity,unit_price\n"
    with pytest.raises(SourceError) as error:
        list(read_csv(write(tmp_path, header + GOOD)))
    message = str(error.value)
    assert "\n" not in message, "the header's error should be one line"
    assert "missing sku, status" in message and "unexpected product" in message, (
        f"the header's error should name the missing and the unexpected columns: {message!r}"
    )


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    items = list(read_csv(write(tmp_path, b"\xef\xbb\xbf" + HEADER + GOOD)))
    assert len(items) == 1 and items[0].fields["order_id"] == "O1", (
        "a CSV that starts with a UTF-8 byte-order mark (EF BB BF) should be read like any other"
    )


def test_an_empty_file_has_no_header(tmp_path):
    with pytest.raises(SourceError):
        list(read_csv(write(tmp_path, b"")))


def test_a_generated_sample_is_read_completely(tmp_path):
    from {{ cookiecutter.project_slug }}.generate import sample_lines, write_sample

    path = tmp_path / "orders.csv"
    write_sample(path, 300)
    items = list(read_csv(path))
    assert len(items) == 300, "a sample of 300 records should give 300 items"
    assert [item.line for item in items] == list(range(2, 302)), "the items should carry the lines 2 to 301, in order"
    planted = {s.line: s.reason for s in sample_lines(300) if s.problem in ("wrong-field-count", "not-utf8")}
    rejected = {item.line: item.reason for item in items if isinstance(item, Reject)}
    assert rejected == planted, "exactly the lines with a wrong field count or a bad byte should be rejected"


def test_extract_chooses_the_reader_by_suffix(tmp_path):
    csv_path = write(tmp_path, b"order_id,ordered_at,customer,sku,quantity,unit_price,status\n", "orders.CSV")
    assert list(extract(csv_path)) == [], "extract should read a .CSV file (any case) with read_csv"
    items = list(extract(write(tmp_path, b'{"order_id": "O1"}\n', "orders.jsonl")))
    assert items and items[0].fields["order_id"] == "O1", "extract should read a .jsonl file with read_jsonl"


def test_extract_refuses_other_suffixes(tmp_path):
    with pytest.raises(SourceError):
        list(extract(write(tmp_path, GOOD, "orders.txt")))
