"""Exercise 9 (incremental): the run log and the watermark."""

import csv
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.generate import expected_rejects, expected_valid, sample_lines
from {{ cookiecutter.project_slug }}.pipeline import rejects_path, run_pipeline

pytestmark = pytest.mark.exercise("incremental")


def run(app, path, **options):
    with app.app_context():
        return run_pipeline(path, **options)


def write_source(app, name, text):
    """Write `text` as the source file `name` in the app's data folder; returns its path."""
    from pathlib import Path

    folder = Path(app.config["ETL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read_rejects(path):
    with open(path, encoding="utf-8", newline="") as file:
        return {int(row["line"]): row["reason"] for row in csv.DictReader(file)}


@pytest.mark.parametrize("name", ["orders.csv", "orders.jsonl"])
def test_a_first_run_loads_the_valid_records_and_rejects_the_planted_ones(seeded, sample, rows, name):
    path = sample(name, rows=300)
    suffix = path.suffix
    result = run(seeded, path)
    planted = expected_rejects(300, suffix)
    assert result["status"] == "succeeded", f"the run should succeed, not end {result['status']!r}: {result['error']}"
    assert (result["read"], result["loaded"], result["rejected"], result["skipped"]) == (
        300,
        expected_valid(300, suffix),
        len(planted),
        0,
    ), "a first run of 300 records should read 300, load the valid ones, reject the planted ones, skip none"
    assert result["started_at"] is not None and result["finished_at"] is not None, "the run should record its times"
    newest = max(datetime.fromisoformat(s.values["ordered_at"]) for s in sample_lines(300, suffix) if s.reason is None)
    assert result["watermark"] == newest and result["watermark"].tzinfo == timezone.utc, (
        "the run's watermark should be the newest ordered_at it loaded"
    )
    assert len(rows("orders")) == expected_valid(300, suffix), "the orders table should hold the valid records"
    assert read_rejects(rejects_path(path, result["id"])) == planted, (
        "the rejects file should list every planted problem, with its line and exact reason"
    )


def test_a_second_run_reports_progress_while_it_skips(seeded, sample):
    path = sample("orders.csv", rows=300)
    run(seeded, path, batch_size=20)
    seen = []
    second = run(seeded, path, batch_size=20, progress=seen.append)
    assert second["loaded"] == 0, "the second run of the same file should load nothing"
    reads = [counts["read"] for counts in seen]
    assert len(reads) >= 5 and reads == sorted(reads), (
        "a run that loads nothing (every order skipped) should still report its progress as it reads, "
        f"about every two batches (batches of 20 over 300 records); progress was called with read = {reads}"
    )


def test_a_second_run_of_an_unchanged_file_reads_no_order_back(seeded, sample):
    path = sample("orders.csv", rows=300)
    run(seeded, path)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statement = " ".join(statement.split()).upper()
        if statement.startswith("SELECT") and re.search(r"\bFROM ORDERS\b", statement):
            statements.append(statement)

    with seeded.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            second = run_pipeline(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert second["loaded"] == 0 and second["read"] == 300, "the second run should read all 300 records, load none"
    assert not statements, (
        "the file is byte for byte the one the last succeeded run loaded, so its old orders are stored as they are: "
        f"the run should not read them back to compare; it sent {len(statements)} SELECT(s) from orders"
    )


def test_a_second_run_loads_nothing(seeded, sample, rows):
    path = sample("orders.csv", rows=300)
    first = run(seeded, path)
    before = rows("orders")
    second = run(seeded, path)
    duplicates = sum(1 for s in sample_lines(300) if s.problem == "duplicate")
    assert second["status"] == "succeeded", "the second run should succeed"
    assert second["loaded"] == 0, f"a second run of the same file should load nothing, not {second['loaded']}"
    assert second["skipped"] == expected_valid(300) + duplicates, (
        "every record that passes validation (the duplicates too: they are old) should be skipped by the watermark"
    )
    assert second["rejected"] == first["rejected"] - duplicates, "the records with bad values are rejected again"
    assert rows("orders") == before, "the orders table should be unchanged"


def test_a_grown_file_loads_only_the_new_records(seeded, sample, rows):
    path = sample("orders.csv", rows=200)
    run(seeded, path)
    sample("orders.csv", rows=320)  # the same sample, 120 records longer
    second = run(seeded, path)
    assert second["loaded"] == expected_valid(320) - expected_valid(200), (
        "after the file grew by 120 records, a run should load only the valid new ones"
    )
    assert len(rows("orders")) == expected_valid(320), "the table should hold every valid record of the longer file"


def test_a_full_run_ignores_the_watermark(seeded, sample, rows):
    path = sample("orders.csv", rows=200)
    first = run(seeded, path)
    again = run(seeded, path, full=True)
    assert again["loaded"] == first["loaded"] == expected_valid(200), "a full run should load every valid record again"
    assert again["skipped"] == 0, "a full run skips nothing"
    assert len(rows("orders")) == expected_valid(200), "the upserts update the rows: nothing is duplicated"
    assert all(row["run_id"] == again["id"] for row in rows("orders")), "every row now belongs to the full run"


def test_skipping_depends_on_the_source_name(seeded, sample):
    first = run(seeded, sample("orders.csv", rows=100))
    other = run(seeded, sample("other.csv", rows=100, seed=2))
    assert first["loaded"] > 0 and other["skipped"] == 0, "the watermark of orders.csv should not apply to other.csv"


def test_a_failing_batch_fails_the_run_and_keeps_the_counts_true(seeded, sample, rows):
    path = sample("orders.csv", rows=100)
    inserts = []

    def fail_third_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ORDERS"):
            inserts.append(1)
            if len(inserts) == 3:
                raise RuntimeError("the disk is full")

    with seeded.app_context():
        event.listen(db.engine, "before_cursor_execute", fail_third_insert)
        try:
            result = run_pipeline(path, batch_size=30)
        finally:
            event.remove(db.engine, "before_cursor_execute", fail_third_insert)
    assert result["status"] == "failed", "a run whose third batch fails should end 'failed'"
    assert "the disk is full" in (result["error"] or ""), "the run's error should hold the error's text"
    saved = rows("orders")
    assert 0 < len(saved) <= 60, "only the first two batches (at most 60 orders) should be in the database"
    assert result["loaded"] == len(saved), (
        f"the run's loaded count ({result['loaded']}) should be the number of rows really committed ({len(saved)})"
    )
    assert result["watermark"] == max(row["ordered_at"] for row in saved), (
        "the run's watermark should be the newest ordered_at of the committed batches"
    )


def test_a_wrong_header_is_logged_in_one_line(seeded, caplog):
    path = write_source(seeded, "broken.csv", "id,when\n1,today\n")
    with caplog.at_level("ERROR"):
        result = run(seeded, path)
    assert result["status"] == "failed" and "missing order_id" in (result["error"] or ""), (
        f"a wrong header should fail the run, saying which columns are missing: {result['error']!r}"
    )
    failures = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(failures) == 1 and failures[0].exc_info is None and "missing order_id" in failures[0].getMessage(), (
        "a file that is wrong (not the code) should be logged as one line saying why, without a traceback"
    )


def test_an_order_from_the_future_is_rejected_and_sets_no_watermark(seeded, rows):
    from {{ cookiecutter.project_slug }}.records import FIELDS, FUTURE_DATE

    header = ",".join(FIELDS) + "\n"
    first = "A1,2024-01-01T10:00:00+00:00,ann@example.com,SKU-001,1,10.13,paid\n"
    future = "A2,9999-01-01T10:00:00+00:00,bob@example.com,SKU-001,1,10.13,paid\n"
    # One record of two is bad on purpose: the data-quality gate (exercise 14) would stop such a run.
    seeded.config["ETL_MAX_REJECT_RATE"] = 1.0
    path = write_source(seeded, "orders.csv", header + first + future)
    result = run(seeded, path)
    assert (result["loaded"], result["rejected"]) == (1, 1), "the order dated in year 9999 should be rejected"
    assert read_rejects(rejects_path(path, result["id"])) == {3: FUTURE_DATE}, (
        f"the rejects file should give the future order's line and the reason {FUTURE_DATE!r}"
    )
    assert result["watermark"] == datetime(2024, 1, 1, 10, tzinfo=timezone.utc), (
        "the watermark should be the newest order loaded, never a future one"
    )
    later = "A3,2024-02-01T10:00:00+00:00,cy@example.com,SKU-001,1,10.13,paid\n"
    path.write_text(header + first + future + later, encoding="utf-8")
    assert run(seeded, path)["loaded"] == 1, "a later real order should still be loaded by the next run"


def test_changed_and_late_old_orders_are_rejected_with_a_reason(seeded, rows):
    from {{ cookiecutter.project_slug }}.records import CHANGED_OLD_ORDER, FIELDS, LATE_ORDER

    header = ",".join(FIELDS) + "\n"
    paid = "A1,2024-01-01T10:00:00+00:00,ann@example.com,SKU-001,1,10.13,paid\n"
    newest = "A2,2024-01-05T10:00:00+00:00,bob@example.com,SKU-001,1,10.13,paid\n"
    path = write_source(seeded, "orders.csv", header + paid + newest)
    run(seeded, path)
    before = rows("orders")
    shipped = paid.replace(",paid", ",shipped")  # the same order, its status changed
    late = "A3,2024-01-02T10:00:00+00:00,cy@example.com,SKU-001,1,10.13,paid\n"  # older than the watermark
    path.write_text(header + shipped + newest + late, encoding="utf-8")
    second = run(seeded, path)
    assert (second["loaded"], second["skipped"], second["rejected"]) == (0, 1, 2), (
        "an incremental run should skip the unchanged old order and reject the changed one and the late one"
    )
    assert read_rejects(rejects_path(path, second["id"])) == {2: CHANGED_OLD_ORDER, 4: LATE_ORDER}, (
        "the rejects file should say why each old order was not loaded"
    )
    assert rows("orders") == before, "an incremental run should not change the old rows"
    full = run(seeded, path, full=True)
    assert full["loaded"] == 3 and {row["status"] for row in rows("orders") if row["order_id"] == "A1"} == {
        "shipped"
    }, "a full run should load the changed and the late orders"
