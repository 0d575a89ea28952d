"""The JSON API: start and follow runs, and read reports computed by the database."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from flask import Blueprint, abort, current_app, request, url_for
from sqlalchemy import ColumnElement, Select, func
from werkzeug.exceptions import ServiceUnavailable

# BEGIN SOLUTION background-runs
from . import worker
from .catalog import CATEGORIES
from .extensions import db
from .models import Order, Product, Run
from .pipeline import SourceBusy, create_run, discard_run, get_run
from .records import STATUSES
# STUB
# from .catalog import CATEGORIES
# from .extensions import db
# from .models import Order, Product, Run
# from .records import STATUSES
# END SOLUTION

bp = Blueprint("api", __name__, url_prefix="/api")

# A source is a plain file name in ETL_DATA_DIR: no folders, no hidden files.
SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(csv|jsonl)")
PER_PAGE_MAX = 100
PAGE_MAX = 100_000
# Seconds a client is told to wait when every worker is busy.
RETRY_AFTER = 10


def workers_busy() -> ServiceUnavailable:
    """The 503 for a run that no worker can take now, with a Retry-After header."""
    return ServiceUnavailable("Every worker is busy: try again later.", retry_after=RETRY_AFTER)


def queue_unavailable() -> ServiceUnavailable:
    """The 503 for a run that could not be put on the task queue (its broker is down), with a Retry-After header."""
    return ServiceUnavailable("The task queue cannot be reached: try again later.", retry_after=RETRY_AFTER)


def iso(moment: datetime | None) -> str | None:
    """A time as ISO 8601 with its zone (UTC)."""
    return moment.astimezone(timezone.utc).isoformat() if moment is not None else None


def money(cents: int | None) -> str:
    """A whole number of cents as a decimal string: 123456 -> "1234.56" (money is never a float)."""
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def run_json(run: dict) -> dict:
    """The JSON form of a run log row (a dict from pipeline.get_run)."""
    return {
        "id": run["id"],
        "source": run["source"],
        "status": run["status"],
        "created_at": iso(run["created_at"]),
        "started_at": iso(run["started_at"]),
        "finished_at": iso(run["finished_at"]),
        "read": run["read"],
        "loaded": run["loaded"],
        "rejected": run["rejected"],
        "skipped": run["skipped"],
        "watermark": iso(run["watermark"]),
        "error": run["error"],
        "url": url_for("api.run_status", run_id=run["id"]),
    }


def json_body() -> dict:
    """The request's JSON object; 400 for anything else (not JSON, not an object, nested too deep)."""
    if not request.is_json:
        abort(400, description="Send a JSON object with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None
    if not isinstance(data, dict):
        abort(400, description="The request body must be a JSON object.")
    return data


def int_arg(name: str, default: int, maximum: int) -> int:
    """A positive integer query parameter, at most `maximum`; 400 saying what is wrong otherwise."""
    value = request.args.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9 or not 1 <= int(value) <= maximum:
        abort(400, description=f"'{name}' must be a whole number from 1 to {maximum}.")
    return int(value)


def page_args() -> tuple[int, int]:
    """(page, per_page) from the query string: page >= 1, 1 <= per_page <= 100 (default 20)."""
    return int_arg("page", 1, PAGE_MAX), int_arg("per_page", 20, PER_PAGE_MAX)


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query parameter as a date (None when absent); 400 when it is not a date
    or is the last day of the calendar (9999-12-31: the day after it, which `?to=` needs, does not exist)."""
    value = request.args.get(name)
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        abort(400, description=f"'{name}' must be a date written YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(400, description=f"'{name}' is not a real date.")
    if day == date.max:
        abort(400, description=f"'{name}' must be a day before {date.max.isoformat()}.")
    return day


def choice_arg(name: str, choices: Collection[str]) -> str | None:
    """A query parameter that must be one of `choices` (None when absent); 400 otherwise."""
    value = request.args.get(name)
    if value is not None and value not in choices:
        abort(400, description=f"'{name}' must be one of: {', '.join(choices)}.")
    return value


def source_file(name: object) -> Path:
    """The path of the source file `name` in ETL_DATA_DIR: 400 for a name that is not a plain
    .csv/.jsonl file name (no folders: a client must never choose a path on the server) or that
    is a symbolic link (it could point anywhere), 404 when the file does not exist.

    A name of ETL_API_SOURCES (an HTTP API, exercise 14) is a source too: its path is where
    its name would be in ETL_DATA_DIR (its rejects files go there), and no file is needed.
    """
    if isinstance(name, str) and name in current_app.config["ETL_API_SOURCES"]:
        return Path(current_app.config["ETL_DATA_DIR"]) / name
    if not isinstance(name, str) or not SOURCE_NAME.fullmatch(name):
        abort(400, description="'source' must name a .csv or .jsonl file of the data folder, or an API source.")
    path = Path(current_app.config["ETL_DATA_DIR"]) / name
    if path.is_symlink():
        abort(400, description=f"{name} is a symbolic link: only plain files of the data folder are loaded.")
    if not path.is_file():
        abort(404, description=f"There is no source named {name}.")
    return path


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def paged(items: list, total: int, page: int, per_page: int) -> dict:
    """The page envelope every list answer shares."""
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": -(-total // per_page)}


@bp.get("/runs")
def list_runs() -> dict:
    """The run log, newest first, one page at a time."""
    page, per_page = page_args()
    total = db.session.execute(db.select(func.count()).select_from(Run)).scalar_one()
    # One query for the whole page (not one per run), as plain rows like get_run gives.
    runs = db.session.execute(
        db.select(Run.__table__).order_by(Run.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).mappings()
    return paged([run_json(dict(run)) for run in runs], total, page, per_page)


@bp.post("/runs")
def start_run() -> tuple[dict, int, dict[str, str]]:
    """Start loading a source file of ETL_DATA_DIR in the background: 202 Accepted and the run's URL."""
    # BEGIN SOLUTION background-runs
    data = json_body()
    path = source_file(data.get("source"))
    name = path.name
    full = data.get("full", False)
    if not isinstance(full, bool):
        abort(400, description="'full' must be true or false.")
    try:
        # The database refuses a second unfinished run of a source (a unique index),
        # so two requests at the same instant cannot both get one.
        run_id = create_run(name)
    except SourceBusy as busy:
        abort(409, description=str(busy))
    # Read the run before its worker starts: the answer always says "queued".
    run = get_run(run_id)
    # END SOLUTION
    # BEGIN SOLUTION task-queue
    if current_app.config["ETL_RUNNER"] == "celery":
        from .tasks import BrokerUnreachable, run_source  # only this branch sends to the queue

        try:
            # The message carries the file's name, not its path: a worker finds it in its own ETL_DATA_DIR.
            run_source.delay(run_id, name, full)
        except BrokerUnreachable:
            current_app.logger.exception("run %s could not be queued", run_id)
            discard_run(run_id)
            raise queue_unavailable() from None
        return run_json(run), 202, {"Location": url_for("api.run_status", run_id=run_id)}
    # STUB
    # END SOLUTION
    # BEGIN SOLUTION background-runs
    try:
        # Pass the real app, not the current_app proxy: the proxy only works
        # inside this request, which ends as soon as the 202 is sent.
        worker.start_worker(current_app._get_current_object(), run_id, path, full)
    except worker.WorkersBusy:
        discard_run(run_id)  # never started: leave no trace in the run log
        raise workers_busy() from None
    return run_json(run), 202, {"Location": url_for("api.run_status", run_id=run_id)}
    # END SOLUTION


@bp.get("/runs/<int:run_id>")
def run_status(run_id: int) -> dict:
    """One run's status and counts, or 404."""
    # BEGIN SOLUTION background-runs
    run = get_run(run_id)
    if run is None:
        abort(404, description=f"There is no run {run_id}.")
    return run_json(run)
    # END SOLUTION


def revenue_cents() -> ColumnElement[int]:
    """quantity x unit_price_cents of an order, computed in 64 bits.

    Both columns are 32-bit integers: on PostgreSQL their product is one too, and
    overflows ("integer out of range") past 21,474,836.47 for a single order, which
    valid data reaches (10,000 items at 1,000,000.00). SQLite's integers are 64-bit anyway.
    """
    return db.cast(Order.quantity, db.BigInteger) * Order.unit_price_cents


def order_filters(query: Select) -> Select:
    """Apply the shared report filters: ?from=, ?to= (UTC days, inclusive), ?status= and ?category=.

    Without ?status=, cancelled orders are left out.
    """
    start, end = date_arg("from"), date_arg("to")
    status = choice_arg("status", STATUSES)
    category = choice_arg("category", CATEGORIES)
    if category is not None:
        query = query.where(Order.sku.in_(db.select(Product.sku).where(Product.category == category)))
    if start is not None:
        query = query.where(Order.ordered_at >= start_of_day(start))
    if end is not None:
        query = query.where(Order.ordered_at < start_of_day(end + timedelta(days=1)))
    if status is None:
        return query.where(Order.status != "cancelled")
    return query.where(Order.status == status)


@bp.get("/reports/daily-revenue")
def daily_revenue() -> dict:
    """Orders, items and revenue per UTC day, oldest day first, one page at a time."""
    # BEGIN SOLUTION reports
    page, per_page = page_args()
    day = func.date(Order.ordered_at, type_=db.Date).label("day")
    query = order_filters(
        db.select(
            day,
            func.count().label("orders"),
            func.sum(Order.quantity).label("items"),
            func.sum(revenue_cents()).label("revenue"),
        )
    ).group_by(day)
    total = db.session.execute(db.select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.order_by(day).limit(per_page).offset((page - 1) * per_page))
    items = [
        {"day": row.day.isoformat(), "orders": row.orders, "items": row.items, "revenue": money(row.revenue)}
        for row in rows
    ]
    return paged(items, total, page, per_page)
    # END SOLUTION


@bp.get("/reports/top-products")
def top_products() -> dict:
    """Products by revenue, highest first (ties by sku), one page at a time."""
    # BEGIN SOLUTION reports
    page, per_page = page_args()
    revenue = func.sum(revenue_cents()).label("revenue")
    query = order_filters(
        db.select(
            Product.sku,
            Product.name,
            Product.category,
            func.count().label("orders"),
            func.sum(Order.quantity).label("items"),
            revenue,
        ).join(Order, Order.sku == Product.sku)
    ).group_by(Product.sku, Product.name, Product.category)
    total = db.session.execute(db.select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.order_by(revenue.desc(), Product.sku).limit(per_page).offset((page - 1) * per_page))
    items = [
        {
            "sku": row.sku,
            "name": row.name,
            "category": row.category,
            "orders": row.orders,
            "items": row.items,
            "revenue": money(row.revenue),
        }
        for row in rows
    ]
    return paged(items, total, page, per_page)
    # END SOLUTION
