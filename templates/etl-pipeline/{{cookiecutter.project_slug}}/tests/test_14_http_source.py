"""Exercise 14 (http-source): extract from a paginated HTTP API with retries; the data-quality gate.

The API is a fake one that these tests start on 127.0.0.1 (a small Flask app served by a
thread of the test process): no network. Retries wait through a `sleep` that the tests
pass in, which records the seconds instead of waiting: the waits are counted, never timed.
"""

import csv
import json
import logging
import socket
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

from {{ cookiecutter.project_slug }} import records, upstream
from {{ cookiecutter.project_slug }}.quarantine import TooManyRejects, check_reject_rate
from {{ cookiecutter.project_slug }}.records import Raw, Reject

pytestmark = pytest.mark.exercise("http-source")

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def order(number, **changes):
    """An order as the API sends it (valid unless `changes` spoil it), dated `number` minutes after START."""
    fields = {
        "order_id": f"P{number:05d}",
        "ordered_at": (START + timedelta(minutes=number)).isoformat(),
        "customer": f"c{number}@example.com",
        "sku": "SKU-001",
        "quantity": 1,
        "unit_price": "10.00",
        "status": "paid",
    }
    return {**fields, **changes}


class FakeAPI:
    """The pages of a paginated orders API, and what it answers instead of them.

    `answers[page]` lists (body, status, headers) to answer, one per request, before the
    page itself; `always[page]` is answered to every request of that page. `requests`
    records the page number of every request received.
    """

    def __init__(self, pages, url):
        self.pages = pages
        self.url = url
        self.requests = []
        self.answers = {}
        self.always = {}

    def answer(self):
        cursor = request.args.get("cursor")
        page = 1 if cursor is None else int(cursor.removeprefix("c"))
        self.requests.append(page)
        if page in self.always:
            return self.always[page]
        if self.answers.get(page):
            return self.answers[page].pop(0)
        body = {"orders": self.pages[page - 1]}
        if page < len(self.pages):
            body["next"] = f"c{page + 1}"
        return body


@pytest.fixture(scope="module")
def server():
    """One fake API server for the module; each test puts its own FakeAPI behind it."""
    holder = {}
    fake_app = Flask("fake_partner_api")
    fake_app.add_url_rule("/orders", "orders", lambda: holder["fake"].answer())
    httpd = make_server("127.0.0.1", 0, fake_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    holder["url"] = f"http://127.0.0.1:{httpd.server_port}/orders"
    yield holder
    httpd.shutdown()
    thread.join()


@pytest.fixture
def api(server):
    """api(pages): the fake API serving `pages` (a list of lists of orders); its .url, .requests, .answers, .always."""

    def start(pages):
        server["fake"] = FakeAPI(pages, server["url"])
        return server["fake"]

    return start


@pytest.fixture
def waits():
    """The `sleep` to pass: it records the seconds asked for, and returns at once."""
    return []


def test_pages_are_fetched_lazily_and_follow_the_cursor(api, waits):
    fake = api([[order(1), order(2)], [order(3)], [order(4)]])
    pages = upstream.fetch_pages(fake.url, sleep=waits.append)
    assert fake.requests == [], "fetch_pages should request nothing before its first page is asked for"
    assert next(pages) == [order(1), order(2)], "the first item should be the first page's `orders` list"
    assert fake.requests == [1], "asking for the first page should send exactly one request"
    assert list(pages) == [[order(3)], [order(4)]], (
        "the next pages should be fetched with ?cursor=<next> until a page without `next`"
    )
    assert fake.requests == [1, 2, 3], "each page should be requested once, in order"
    assert waits == [], "nothing failed, so nothing should wait"


def test_read_api_numbers_records_across_pages(api, waits):
    fake = api([[order(1), [1, 2]], [order(3)]])
    items = list(upstream.read_api(fake.url, sleep=waits.append))
    assert [type(item) for item in items] == [Raw, Reject, Raw], (
        "read_api should give a Raw per order object and a Reject for an item that is not an object"
    )
    assert items[0] == Raw(1, order(1)) and items[2] == Raw(3, order(3)), (
        "records should be numbered from 1 across pages: the first order of page 2 is record 3"
    )
    assert (items[1].line, items[1].reason) == (2, records.NOT_AN_OBJECT), (
        f"the list [1, 2] should be rejected as record 2 with {records.NOT_AN_OBJECT!r}"
    )


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(api, waits, status):
    fake = api([[order(1)]])
    fake.answers[1] = [("busy", status, {"Retry-After": "7"})]
    assert list(upstream.fetch_pages(fake.url, sleep=waits.append)) == [[order(1)]], (
        f"after a {status} the same page should be requested again, and then given"
    )
    assert fake.requests == [1, 1], f"a {status} should be followed by one more request of the same page"
    assert waits == [7], f"a {status} with Retry-After: 7 should be followed by sleep(7), not {waits}"


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3600", upstream.MAX_WAIT), ("http-date", upstream.MAX_WAIT)],
    ids=["seconds", "http-date"],
)
def test_a_long_retry_after_waits_at_most_max_wait(api, waits, retry_after, expected):
    if retry_after == "http-date":  # a day from now, as an HTTP date
        retry_after = format_datetime(datetime.now(timezone.utc) + timedelta(days=1), usegmt=True)
    fake = api([[order(1)]])
    fake.answers[1] = [("busy", 503, {"Retry-After": retry_after})]
    list(upstream.fetch_pages(fake.url, sleep=waits.append))
    assert waits == [expected], (
        f"Retry-After: {retry_after} asks for more than MAX_WAIT ({upstream.MAX_WAIT}) seconds: "
        f"the wait should be MAX_WAIT (an HTTP date is read too), not {waits}"
    )


def test_without_retry_after_the_waits_double(api, waits):
    fake = api([[order(1)]])
    fake.answers[1] = [("busy", 503, {})] * 4
    assert list(upstream.fetch_pages(fake.url, sleep=waits.append)) == [[order(1)]], (
        "four 503 answers and then the page: the fifth attempt should get it"
    )
    assert waits == [1, 2, 4, 8], f"without Retry-After the waits should be 1, 2, 4 and 8 seconds, not {waits}"


def test_it_gives_up_after_five_attempts_with_one_clear_error(api, waits):
    fake = api([[order(1)], [order(2)]])
    fake.always[2] = ("busy", 503, {})
    pages = upstream.fetch_pages(fake.url, sleep=waits.append)
    assert next(pages) == [order(1)], "page 1 answers: it should be given before page 2 fails"
    with pytest.raises(upstream.UpstreamError) as raised:
        next(pages)
    assert "gave up after 5 attempts" in str(raised.value) and "503" in str(raised.value), (
        f"the error should say it gave up after 5 attempts, and the last status (503): {raised.value}"
    )
    assert fake.requests == [1, 2, 2, 2, 2, 2], f"page 2 should be requested exactly 5 times, not {fake.requests}"
    assert waits == [1, 2, 4, 8], f"5 attempts mean 4 waits: 1, 2, 4, 8 seconds, not {waits}"


def test_a_connection_that_fails_is_retried_then_given_up(waits):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(upstream.UpstreamError) as raised:
        list(upstream.fetch_pages(f"http://127.0.0.1:{port}/orders", sleep=waits.append))
    assert "gave up after 5 attempts" in str(raised.value), (
        f"a connection that fails should be retried, then end in UpstreamError: {raised.value}"
    )
    assert waits == [1, 2, 4, 8], f"a failed connection is passing: the waits should be 1, 2, 4, 8, not {waits}"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (("no such feed", 404, {}), "404"),
        (("crashed", 500, {}), "500"),
        (("<html>not json</html>", 200, {}), "JSON"),
        (({"items": []}, 200, {}), "orders"),
    ],
    ids=["404", "500", "not-json", "no-orders-list"],
)
def test_other_failures_are_not_retried(api, waits, answer, said):
    fake = api([[order(1)]])
    fake.always[1] = answer
    with pytest.raises(upstream.UpstreamError) as raised:
        list(upstream.fetch_pages(fake.url, sleep=waits.append))
    assert fake.requests == [1] and waits == [], (
        f"{answer[1]} {answer[0]!r} will not pass by waiting: one request, no wait, then UpstreamError"
    )
    assert said in str(raised.value), f"the error should say what was wrong ({said}): {raised.value}"


def partner(app, fake):
    """Configure the fake API as the source named partner; its path (in the data folder)."""
    app.config["ETL_API_SOURCES"] = {"partner": fake.url}
    return Path(app.config["ETL_DATA_DIR"]) / "partner"


def test_a_run_of_an_api_source_posted_over_http(seeded, api):
    # 12 valid orders and one bad one (under the 10% of the data-quality gate).
    fake = api([[*(order(n) for n in range(1, 7)), order(7, quantity=-1)], [order(n) for n in range(8, 14)]])
    fake.answers[2] = [("busy", 503, {"Retry-After": "0"})]
    path = partner(seeded, fake)
    seeded.extensions["celery"].conf.task_always_eager = True  # the POST runs the task at once
    try:
        response = seeded.test_client().post("/api/runs", json={"source": "partner"})
    finally:
        seeded.extensions["celery"].conf.task_always_eager = False
    assert response.status_code == 202, f"POST /api/runs with the source partner should answer 202: {response.json}"
    run = seeded.test_client().get(response.headers["Location"]).json
    assert (run["status"], run["source"], run["loaded"], run["rejected"]) == ("succeeded", "partner", 12, 1), (
        f"the run should load the 12 valid orders of the API and reject the one with quantity -1: {run}"
    )
    with open(path.with_name(f"partner.run{run['id']}.rejects.csv"), encoding="utf-8", newline="") as file:
        lines = list(csv.reader(file))
    assert [row[:2] for row in lines[1:]] == [["7", records.NEGATIVE_QUANTITY]], (
        "the rejects file should name record 7 and its reason"
    )


def test_flask_etl_pull_loads_an_api_source(seeded, api):
    fake = api([[order(1)], [order(2)]])
    partner(seeded, fake)
    result = seeded.test_cli_runner().invoke(args=["etl", "pull", "partner"])
    assert result.exit_code == 0 and "succeeded: 2 read, 2 loaded" in result.output, (
        f"flask etl pull partner should load the API's 2 orders: {result.output}"
    )
    unknown = seeded.test_cli_runner().invoke(args=["etl", "pull", "nobody"])
    assert unknown.exit_code == 2, "a name that ETL_API_SOURCES does not configure should be a usage error (status 2)"


def test_a_run_that_gives_up_keeps_its_committed_batches(seeded, api, rows, caplog):
    from {{ cookiecutter.project_slug }}.pipeline import run_pipeline

    fake = api([[order(n) for n in range(1, 6)], [order(n) for n in range(6, 11)], [order(11)]])
    fake.always[3] = ("busy", 503, {"Retry-After": "0"})
    path = partner(seeded, fake)
    with seeded.app_context():
        run = run_pipeline(path, batch_size=5)
    assert run["status"] == "failed" and "gave up after 5 attempts" in (run["error"] or ""), (
        f"a run whose API keeps answering 503 should fail, saying it gave up: {run['status']}, {run['error']!r}"
    )
    assert fake.requests == [1, 2, 3, 3, 3, 3, 3], f"page 3 should be tried 5 times: {fake.requests}"
    assert [row["order_id"] for row in rows("orders")] == [f"P{n:05d}" for n in range(1, 11)], (
        "the two batches committed before the API gave up (pages 1 and 2) should stay loaded"
    )
    assert run["loaded"] == 10, f"the run's loaded count should be the committed orders, 10, not {run['loaded']}"
    failures = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(failures) == 1 and failures[0].exc_info is None, (
        "an API that gives up is not a bug of the code: one error line, without a traceback"
    )


@pytest.mark.parametrize(
    ("read", "rejected", "stops"),
    [(100, 10, False), (100, 11, True), (0, 0, False), (3, 3, True)],
)
def test_check_reject_rate(read, rejected, stops):
    counts = {"read": read, "rejected": rejected, "loaded": read - rejected, "skipped": 0}
    if stops:
        with pytest.raises(TooManyRejects):
            check_reject_rate(counts, 0.1)
    else:
        assert check_reject_rate(counts, 0.1) is None, (
            f"{rejected} rejected of {read} read is not more than 10%: check_reject_rate should do nothing"
        )


def write_jsonl(app, name, items):
    folder = Path(app.config["ETL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def test_the_gate_stops_a_run_and_keeps_the_earlier_batches(seeded, rows, caplog):
    from {{ cookiecutter.project_slug }}.pipeline import run_pipeline

    assert seeded.config["ETL_MAX_REJECT_RATE"] == 0.1, "ETL_MAX_REJECT_RATE should be 0.1 unless configured"
    # Lines 1-20 good; 21-40 alternate bad and good; 41-60 good. Batches of 10 orders:
    # the third ends at line 40 with 10 of 40 records rejected, 25.0%.
    items = [order(n) for n in range(1, 21)]
    items += [order(n, quantity=-1) if n % 2 else order(n) for n in range(21, 41)]
    items += [order(n) for n in range(41, 61)]
    path = write_jsonl(seeded, "partner.jsonl", items)
    caplog.set_level(logging.ERROR)
    with seeded.app_context():
        run = run_pipeline(path, batch_size=10)
    error = run["error"] or ""
    assert run["status"] == "failed" and "data-quality gate" in error and "25.0%" in error, (
        f"a run that rejects 25.0% of what it read should fail, saying the data-quality gate stopped it "
        f"and the share: {run['status']}, {error!r}"
    )
    assert [row["order_id"] for row in rows("orders")] == [f"P{n:05d}" for n in range(1, 21)], (
        "the two batches committed before the gate stopped the run should stay; "
        "nothing of the third batch (which passed the limit) or after it should be loaded"
    )
    assert run["loaded"] == 20, f"the run's loaded count should be its committed orders, 20, not {run['loaded']}"
    assert any("data-quality gate" in record.getMessage() for record in caplog.records), (
        "the log should say that the data-quality gate stopped the run"
    )
    seeded.config["ETL_MAX_REJECT_RATE"] = 1.0
    with seeded.app_context():
        again = run_pipeline(path, batch_size=10)
    assert (again["status"], again["loaded"]) == ("succeeded", 30), (
        f"with ETL_MAX_REJECT_RATE 1.0 (no gate) the next run should load the 30 valid orders not loaded yet: {again}"
    )
    assert len(rows("orders")) == 50, "all 50 valid orders should then be loaded"


def test_the_gate_counts_the_rejects_after_the_last_batch(seeded, rows):
    from {{ cookiecutter.project_slug }}.pipeline import run_pipeline

    items = [order(n) for n in range(1, 21)] + [order(n, quantity=-1) for n in range(21, 31)]
    path = write_jsonl(seeded, "tail.jsonl", items)
    with seeded.app_context():
        run = run_pipeline(path, batch_size=10)
    assert run["status"] == "failed" and "data-quality gate" in (run["error"] or ""), (
        f"10 rejects of 30 after the last batch still pass 10%: the run should fail by the gate: {run['error']!r}"
    )
    assert len(rows("orders")) == 20 and run["loaded"] == 20, "the batches committed before stay loaded"
