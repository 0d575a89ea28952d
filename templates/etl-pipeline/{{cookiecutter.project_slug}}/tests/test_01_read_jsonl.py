"""Exercise 1 (read-jsonl): read a JSON-lines source lazily, with line numbers."""

import inspect

import pytest

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.extract import read_jsonl
from {{ cookiecutter.project_slug }}.records import Raw, Reject

pytestmark = pytest.mark.exercise("read-jsonl")

GOOD = b'{"order_id": "O1", "quantity": 2, "unit_price": "10.13"}\n'


def write(tmp_path, body: bytes, name="orders.jsonl"):
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_read_jsonl_is_a_generator(tmp_path):
    assert inspect.isgenerator(read_jsonl(write(tmp_path, GOOD))), (
        "read_jsonl(path) should be a generator function (use yield), not return a list"
    )


def test_nothing_is_read_before_iterating(tmp_path):
    items = read_jsonl(tmp_path / "missing.jsonl")
    with pytest.raises(FileNotFoundError):
        next(items)


def test_objects_come_with_their_line_numbers(tmp_path):
    body = GOOD + b"\n   \n" + b'{"order_id": "O2"}\n'
    items = list(read_jsonl(write(tmp_path, body)))
    assert len(items) == 2, "two object lines and two blank lines should give two items"
    assert items[0] == Raw(1, {"order_id": "O1", "quantity": 2, "unit_price": "10.13"}), (
        "line 1 should give Raw(1, the decoded object), numbers kept as numbers"
    )
    assert items[1] == Raw(4, {"order_id": "O2"}), "blank lines are skipped but still counted: the next line is 4"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"order_id": "O1", "sku":\n', records.MALFORMED_JSON),
        (b"not json at all\n", records.MALFORMED_JSON),
        (b"[1, 2, 3]\n", records.NOT_AN_OBJECT),
        (b'"just a string"\n', records.NOT_AN_OBJECT),
        (b'{"customer": "jos\xe9@example.com"}\n', records.NOT_UTF8),
        (b"[" * 100_000 + b"\n", records.MALFORMED_JSON),
    ],
    ids=["truncated", "not-json", "a-list", "a-string", "not-utf8", "deeply-nested"],
)
def test_bad_lines_are_rejected_and_reading_goes_on(tmp_path, line, reason):
    first, second = list(read_jsonl(write(tmp_path, line + GOOD)))
    assert isinstance(first, Reject), f"the line {line[:30]!r} should give a Reject"
    assert first.line == 1 and first.reason == reason, f"the Reject should be on line 1 with the reason {reason!r}"
    assert isinstance(second, Raw) and second.line == 2, "reading should go on after a bad line"


def test_a_generated_sample_is_read_completely(tmp_path):
    from {{ cookiecutter.project_slug }}.generate import sample_lines, write_sample

    path = tmp_path / "orders.jsonl"
    write_sample(path, 300)
    items = list(read_jsonl(path))
    assert [item.line for item in items] == list(range(1, 301)), "a sample of 300 lines should give lines 1 to 300"
    line_problems = ("malformed-json", "not-an-object", "not-utf8")
    planted = {s.line: s.reason for s in sample_lines(300, ".jsonl") if s.problem in line_problems}
    rejected = {item.line: item.reason for item in items if isinstance(item, Reject)}
    assert rejected == planted, "exactly the malformed, non-object and non-UTF-8 lines should be rejected"


def test_a_rejects_source_has_no_line_end(tmp_path):
    body = b'{"order_id": \r\n' + b"[1, 2]\n" + b'{"order_id": "caf\xe9"}\n'
    rejects = [item for item in read_jsonl(write(tmp_path, body)) if isinstance(item, Reject)]
    assert len(rejects) == 3, "a malformed line, a list and a non-UTF-8 line should give three rejects"
    for reject in rejects:
        assert not reject.source.endswith(("\n", "\r")), (
            f"the source of the reject for line {reject.line} should be the line without its line end "
            f"(strip it with .rstrip('\\r\\n')), not {reject.source!r}"
        )


def test_a_byte_order_mark_does_not_spoil_the_first_line(tmp_path):
    good = {"order_id": "O1", "quantity": 2, "unit_price": "10.13"}
    items = list(read_jsonl(write(tmp_path, b"\xef\xbb\xbf" + GOOD + GOOD)))
    assert items == [Raw(1, good), Raw(2, good)], (
        "a file that starts with a UTF-8 byte-order mark (EF BB BF) should read its first line as any other, "
        "not reject it as malformed JSON"
    )
