"""Extract: read a source file lazily, one record at a time, keeping line numbers.

Every reader here is a generator: it holds one line in memory, whatever the
size of the file, and the caller can stop reading at any time.
"""

from __future__ import annotations

# BEGIN SOLUTION read-csv
import csv
# STUB
# END SOLUTION
# BEGIN SOLUTION read-jsonl
import json
# STUB
# END SOLUTION
from collections.abc import Iterator
from pathlib import Path

from . import records
from .records import Raw, Reject


class SourceError(ValueError):
    """The source as a whole cannot be read (unknown format, wrong CSV header...)."""


def check_header(header: list[str] | None, path: Path) -> None:
    """Raise SourceError unless a CSV header names exactly records.FIELDS, in order; its
    message says, in one line, which columns are missing and which are unexpected."""
    names = tuple(name.strip() for name in header or ())
    if names == records.FIELDS:
        return
    expected = f"the first line must be the header {','.join(records.FIELDS)}"
    missing = [name for name in records.FIELDS if name not in names]
    unexpected = [name for name in names if name not in records.FIELDS]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected " + ", ".join(records.shorten(name)[:40] for name in unexpected[:10]))
    if not problems:
        problems.append("the columns are in another order" if header else "the file is empty")
    raise SourceError(f"{Path(path).name}: {expected} ({'; '.join(problems)})")


def not_utf8(line: int, text: str) -> Reject:
    """The Reject for a line that holds bytes which are not UTF-8."""
    return Reject(line, records.NOT_UTF8, records.shorten(text))


def read_csv(path: Path) -> Iterator[Raw | Reject]:
    """Yield a Raw for each data line of a CSV file, or a Reject for a line that cannot be read."""
    # BEGIN SOLUTION read-csv
    # surrogateescape keeps an undecodable byte as a lone surrogate instead of
    # failing the whole file: the record that holds it is rejected below.
    # utf-8-sig: a byte-order mark (which some spreadsheets write first) is dropped, not
    # read as part of the first column's name.
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as file:
        reader = csv.reader(file)
        check_header(next(reader, None), path)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:  # for example a quote that is never closed
                yield Reject(reader.line_num, records.MALFORMED_CSV)
                continue
            line = reader.line_num
            if not "".join(row).isascii():
                try:
                    for value in row:
                        value.encode("utf-8")
                except UnicodeEncodeError:
                    yield not_utf8(line, ",".join(row))
                    continue
            if len(row) != len(records.FIELDS):
                yield Reject(line, records.WRONG_FIELD_COUNT, records.shorten(",".join(row)))
            else:
                yield Raw(line, dict(zip(records.FIELDS, row, strict=True)))
    # END SOLUTION


def read_jsonl(path: Path) -> Iterator[Raw | Reject]:
    """Yield a Raw for each JSON object line of a JSON-lines file, or a Reject; skip blank lines."""
    # BEGIN SOLUTION read-jsonl
    with open(path, "rb") as file:
        for number, data in enumerate(file, start=1):
            try:
                # utf-8-sig on the first line: a byte-order mark there is dropped, not read as JSON.
                text = data.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield not_utf8(number, data.decode("utf-8", "surrogateescape").rstrip("\r\n"))
                continue
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
                yield Reject(number, records.MALFORMED_JSON, records.shorten(text.rstrip("\r\n")))
                continue
            if not isinstance(value, dict):
                yield Reject(number, records.NOT_AN_OBJECT, records.shorten(text.rstrip("\r\n")))
                continue
            yield Raw(number, value)
    # END SOLUTION


def extract(path: Path) -> Iterator[Raw | Reject]:
    """Read a .csv or .jsonl source, chosen by the file's suffix."""
    # BEGIN SOLUTION read-csv
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".jsonl":
        return read_jsonl(path)
    raise SourceError(f"{Path(path).name}: a source must be a .csv or a .jsonl file")
    # END SOLUTION
