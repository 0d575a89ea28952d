"""Exercise 12 (reports): SQL aggregation, pagination, filters and JSON errors."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import order_row, orders_table
from {{ cookiecutter.project_slug }}.records import Order

pytestmark = pytest.mark.exercise("reports")

UTC = timezone.utc
ORDERS = [
    # order_id, ordered_at, sku, quantity, unit_price, status
    ("T1", datetime(2024, 1, 1, 9, tzinfo=UTC), "SKU-001", 2, "10.00", "paid"),
    ("T2", datetime(2024, 1, 1, 15, tzinfo=UTC), "SKU-002", 1, "5.50", "shipped"),
    ("T3", datetime(2024, 1, 1, 18, tzinfo=UTC), "SKU-001", 1, "10.00", "cancelled"),
    ("T4", datetime(2024, 1, 2, 23, 30, tzinfo=UTC), "SKU-003", 3, "1.25", "paid"),
    # 00:30 at +02:00 on January 3rd is 22:30 UTC on January 2nd
    ("T5", datetime(2024, 1, 3, 0, 30, tzinfo=timezone(timedelta(hours=2))), "SKU-002", 2, "5.50", "placed"),
    ("T6", datetime(2024, 1, 5, 8, tzinfo=UTC), "SKU-001", 1, "10.00", "delivered"),
    ("T7", datetime(2024, 1, 5, 9, tzinfo=UTC), "SKU-005", 3, "1.25", "paid"),
]


@pytest.fixture
def api(seeded, new_run):
    run_id = new_run()
    rows = [
        order_row(Order(n + 2, oid, at, "c@example.com", sku, qty, Decimal(price), status), run_id)
        for n, (oid, at, sku, qty, price, status) in enumerate(ORDERS)
    ]
    with seeded.app_context():
        with db.engine.begin() as connection:
            connection.execute(orders_table.insert(), rows)
    return seeded.test_client()


def get_json(api, url):
    response = api.get(url)
    assert response.status_code == 200, f"GET {url} should answer 200, not {response.status_code}"
    return response.get_json()


def test_daily_revenue(api):
    body = get_json(api, "/api/reports/daily-revenue")
    assert body["items"] == [
        {"day": "2024-01-01", "orders": 2, "items": 3, "revenue": "25.50"},
        {"day": "2024-01-02", "orders": 2, "items": 5, "revenue": "14.75"},
        {"day": "2024-01-05", "orders": 2, "items": 4, "revenue": "13.75"},
    ], "each UTC day should show its orders, items and revenue (cancelled orders left out), oldest first"
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 3, 1), (
        "the answer should say page 1, per_page 20, total 3 days, 1 page"
    )


def test_daily_revenue_filters(api):
    body = get_json(api, "/api/reports/daily-revenue?from=2024-01-02&to=2024-01-02")
    assert [item["day"] for item in body["items"]] == ["2024-01-02"], "?from= and ?to= are inclusive UTC days"
    body = get_json(api, "/api/reports/daily-revenue?status=cancelled")
    assert body["items"] == [{"day": "2024-01-01", "orders": 1, "items": 1, "revenue": "10.00"}], (
        "?status=cancelled should count only the cancelled orders"
    )
    body = get_json(api, "/api/reports/daily-revenue?status=paid&from=2024-01-05")
    assert body["items"] == [{"day": "2024-01-05", "orders": 1, "items": 3, "revenue": "3.75"}], (
        "filters combine: paid orders from January 5th"
    )


def test_daily_revenue_pages(api):
    first = get_json(api, "/api/reports/daily-revenue?per_page=2")
    assert [item["day"] for item in first["items"]] == ["2024-01-01", "2024-01-02"], "page 1 of 2 per page"
    assert (first["total"], first["pages"]) == (3, 2), "3 days at 2 per page make 2 pages"
    second = get_json(api, "/api/reports/daily-revenue?per_page=2&page=2")
    assert [item["day"] for item in second["items"]] == ["2024-01-05"], "page 2 holds the third day"
    past = get_json(api, "/api/reports/daily-revenue?per_page=2&page=9")
    assert past["items"] == [], "a page past the end should be an empty list"


def test_top_products(api):
    body = get_json(api, "/api/reports/top-products")
    assert [(item["sku"], item["revenue"]) for item in body["items"]] == [
        ("SKU-001", "30.00"),
        ("SKU-002", "16.50"),
        ("SKU-003", "3.75"),
        ("SKU-005", "3.75"),
    ], "products should come by revenue, highest first, ties by sku, cancelled orders left out"
    assert body["items"][0] == {
        "sku": "SKU-001",
        "name": "Garden item 1",
        "category": "garden",
        "orders": 2,
        "items": 3,
        "revenue": "30.00",
    }, "each product should show sku, name, category, orders, items and revenue"
    assert body["total"] == 4, "total should count the products in the report"


def test_top_products_filters_and_pages(api):
    body = get_json(api, "/api/reports/top-products?category=kitchen")
    assert [item["sku"] for item in body["items"]] == ["SKU-002"], "?category=kitchen should keep SKU-002 only"
    body = get_json(api, "/api/reports/top-products?per_page=1&page=2&to=2024-01-04")
    assert [item["sku"] for item in body["items"]] == ["SKU-002"], "filters and pages combine"
    assert body["total"] == 3, "until January 4th, three products sold"


@pytest.mark.parametrize(
    "query",
    [
        "page=0", "page=-1", "page=abc", "page=99999999999999999999", "page=", "page=\uff11",
        "per_page=0", "per_page=101", "from=2024-13-01", "from=2024-02-30", "to=yesterday",
        "from=2024-1-1", "status=lost", "status=PAID", "to=9999-12-31",
    ],
)  # fmt: skip
def test_bad_parameters_answer_json_400(api, query):
    for report in ("daily-revenue", "top-products"):
        response = api.get(f"/api/reports/{report}?{query}")
        assert response.status_code == 400, f"GET /api/reports/{report}?{query} should answer 400 Bad Request"
        assert response.is_json and response.get_json().get("message"), "the 400 should be a JSON error with a message"


def test_an_unknown_category_answers_400(api):
    response = api.get("/api/reports/top-products?category=food")
    assert response.status_code == 400 and response.is_json, "?category=food (not a category) should answer a JSON 400"


def test_reports_refuse_other_methods_with_allow(api):
    response = api.post("/api/reports/daily-revenue")
    assert response.status_code == 405 and response.is_json, "POST on a report should answer a JSON 405"
    assert "GET" in response.headers.get("Allow", ""), "the 405 should keep its Allow header"


def test_large_valid_orders_add_up_exactly(seeded, new_run):
    run_id = new_run()
    # The largest valid order: 10,000 items at 1,000,000.00 is 10,000,000,000.00; twice that in a day.
    rows = [
        order_row(Order(n + 2, f"BIG{n}", datetime(2024, 3, 1, n, tzinfo=UTC), "c@example.com", "SKU-001",
                        10_000, Decimal("1000000.00"), "paid"), run_id)
        for n in range(2)
    ]  # fmt: skip
    with seeded.app_context():
        with db.engine.begin() as connection:
            connection.execute(orders_table.insert(), rows)
    api = seeded.test_client()
    daily = get_json(api, "/api/reports/daily-revenue")
    assert daily["items"] == [{"day": "2024-03-01", "orders": 2, "items": 20_000, "revenue": "20000000000.00"}], (
        "quantity x unit price must be computed in 64 bits: 32-bit integers overflow on PostgreSQL"
    )
    top = get_json(api, "/api/reports/top-products")
    assert [(item["sku"], item["revenue"]) for item in top["items"]] == [("SKU-001", "20000000000.00")], (
        "top-products must add up large orders exactly too"
    )


def test_the_home_page_shows_a_revenue_chart_and_the_runs(api):
    page = api.get("/")
    assert page.status_code == 200, f"the home page should answer 200, not {page.status_code}"
    html = page.get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/style.css">' in html, "the page should use the app's stylesheet"
    style = api.get("/static/style.css")
    assert style.status_code == 200 and style.mimetype == "text/css", "the stylesheet should be served"
    style.close()
    assert "<svg" in html and "<script" not in html, "the chart should be inline SVG, drawn without JavaScript"
    assert html.count('<rect class="bar"') == 3, "the chart should have one bar per day with orders (3 days)"
    assert "<title>2024-01-01: 25.50 (2 orders)</title>" in html, "each bar should say its day, revenue and orders"
    assert "<strong>6</strong>" in html and "<strong>54.00</strong>" in html, (
        "the page should show the orders loaded and their revenue, cancelled orders left out"
    )
    assert "run-1.csv" in html and "status-queued" in html, "the page should list the runs with their status"


def test_the_home_page_shows_a_run_whose_heartbeat_stopped_as_stalled(seeded, new_run, set_run):
    now = datetime.now(UTC)
    stale, live = new_run(), new_run()
    # A worker stopped an hour ago in the middle of its run; another is working now.
    set_run(stale, status="running", started_at=now - timedelta(hours=1), heartbeat_at=now - timedelta(hours=1))
    set_run(live, status="running", started_at=now, heartbeat_at=now)
    html = seeded.test_client().get("/").get_data(as_text=True)
    assert html.count("status-stalled") == 1, (
        "the home page should show the run whose heartbeat stopped an hour ago as stalled (and only that one)"
    )
    assert "<strong>1</strong><span>runs queued or running</span>" in html, (
        "a stalled run should not be counted among the runs queued or running (1: the live one)"
    )
    assert "<strong>1</strong><span>runs stalled (no heartbeat)</span>" in html, "the page should count 1 stalled run"


def test_metrics_are_read_from_the_run_log(seeded, new_run, set_run):
    from prometheus_client.parser import text_string_to_metric_families

    start = datetime(2024, 1, 1, tzinfo=UTC)
    done, failed, _queued = new_run(), new_run(), new_run()
    set_run(done, status="succeeded", started_at=start, finished_at=start + timedelta(seconds=3),
            read=10, loaded=7, rejected=2, skipped=1)  # fmt: skip
    set_run(failed, status="failed", started_at=start, finished_at=start + timedelta(seconds=120),
            read=5, loaded=0, rejected=5)  # fmt: skip
    response = seeded.test_client().get("/metrics")
    assert response.status_code == 200, f"GET /metrics should answer 200, not {response.status_code}"
    assert response.mimetype == "text/plain", "metrics should be in the Prometheus text format (text/plain)"
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }
    runs = {status: samples[("etl_runs", (("status", status),))] for status in ("queued", "succeeded", "failed")}
    assert runs == {"queued": 1, "succeeded": 1, "failed": 1}, f"etl_runs should count the runs by status: {runs}"
    rows = {name: samples[("etl_rows_total", (("outcome", name),))] for name in ("read", "loaded", "rejected")}
    assert rows == {"read": 15, "loaded": 7, "rejected": 7}, f"etl_rows_total should add up the runs' counts: {rows}"
    assert samples[("etl_run_duration_seconds_count", ())] == 2, "both finished runs should be in the duration"
    assert samples[("etl_run_duration_seconds_sum", ())] == pytest.approx(123), "their durations add up to 123 s"
    assert samples[("etl_run_duration_seconds_bucket", (("le", "5.0"),))] == 1, "one run took at most 5 s"


def test_log_records_of_a_run_carry_its_id(seeded, sample, caplog):
    from {{ cookiecutter.project_slug }}.pipeline import run_pipeline

    source = sample("broken.csv", rows=1)
    source.write_bytes(b"no,header,we,know\n1,2,3,4\n")
    with seeded.app_context(), caplog.at_level("INFO"):
        run = run_pipeline(source)
    assert run["status"] == "failed", "a file without the expected header should fail its run"
    logged = [record for record in caplog.records if "failed" in record.getMessage()]
    assert logged and all(getattr(record, "run_id", None) == run["id"] for record in logged), (
        f"the log record of the failed run should carry its run_id ({run['id']}) as an attribute"
    )
