"""Fixtures shared by the tests: an app with a fresh database, sample files, helpers.

The tests use SQLite files in a temporary folder; when the environment variable
DATABASE_URL names a PostgreSQL database, they use it instead (its tables are
dropped and created again for every test).
"""

import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from {{ cookiecutter.project_slug }} import create_app, database_url
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.generate import write_sample
from {{ cookiecutter.project_slug }}.records import Order

# Made here, on loading: when it names PostgreSQL and psycopg is missing, the run stops
# with one line saying what to install, before any test.
DATABASE_URL = database_url(os.environ["DATABASE_URL"], "") if os.environ.get("DATABASE_URL") else None


def pytest_report_header(config):
    """Say which database the tests use (shown by pytest without -q)."""
    if not DATABASE_URL:
        return "database: sqlite (a file per test; set DATABASE_URL to use PostgreSQL)"
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE_URL)
    return f"database: {url.get_backend_name()} ({url.render_as_string(hide_password=True)})"


def make_app(tmp_path, **overrides):
    """An app in testing mode with empty tables (no products yet)."""
    uri = DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": uri,
        "ETL_DATA_DIR": str(tmp_path / "data"),
        # The embedded broker of the task queue (exercise 13), in the test's own folder.
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def seeded(app):
    """The app, with the product catalogue loaded (needs exercise 5)."""
    from {{ cookiecutter.project_slug }}.models import seed_products

    with app.app_context():
        seed_products()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sample(app):
    """sample(name, rows, seed=1): write a generated source into the data folder; return its path."""
    from pathlib import Path

    def write(name="orders.csv", rows=100, seed=1):
        folder = Path(app.config["ETL_DATA_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        write_sample(path, rows, seed=seed)
        return path

    return write


START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def make_order(number, *, line=None, sku="SKU-001", quantity=1, price="10.00", status="paid", minutes=None):
    """A clean Order, built directly (no parsing involved)."""
    return Order(
        line=line if line is not None else number + 1,
        order_id=f"T{number:07d}",
        ordered_at=START + timedelta(minutes=number if minutes is None else minutes),
        customer=f"c{number}@example.com",
        sku=sku,
        quantity=quantity,
        unit_price=Decimal(price),
        status=status,
    )


def table_rows(app, table_name, order_by):
    """Every row of a table as a list of dicts, read with a fresh connection."""
    with app.app_context():
        table = db.metadata.tables[table_name]
        with db.engine.connect() as connection:
            result = connection.execute(table.select().order_by(table.c[order_by]))
            return [dict(row) for row in result.mappings()]


@pytest.fixture
def new_order():
    """new_order(number, **fields): a clean Order built directly, order_id T<number>."""
    return make_order


@pytest.fixture
def rows(app):
    """rows("orders") or rows("runs"): every row of the table, as dicts, ordered by its key."""

    def read(table_name):
        return table_rows(app, table_name, "order_id" if table_name == "orders" else "id")

    return read


@pytest.fixture
def new_run(seeded):
    """new_run(source=None): add a queued run to the run log and return its id (needs exercise 5).

    Without a source, each run gets one of its own (run-1.csv, run-2.csv...): a source
    can have only one unfinished run at a time.
    """
    from {{ cookiecutter.project_slug }}.pipeline import create_run

    made = []

    def add(source=None):
        made.append(source)
        with seeded.app_context():
            return create_run(source or f"run-{len(made)}.csv")

    return add


@pytest.fixture
def set_run(seeded):
    """set_run(run_id, **values): write `values` into the run log row of `run_id`, as a worker would."""
    from {{ cookiecutter.project_slug }}.pipeline import runs_table

    def write(run_id, **values):
        with seeded.app_context(), db.engine.begin() as connection:
            connection.execute(runs_table.update().where(runs_table.c.id == run_id).values(**values))

    return write


class CountingStatements:
    """Counts INSERT statements into a table, and commits, on an engine (through SQLAlchemy events)."""

    def __init__(self, engine, table="orders"):
        from sqlalchemy import event

        self.prefix = f"INSERT INTO {table.upper()} "
        self.inserts = 0
        self.commits = 0
        self.engine = engine
        self._event = event
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "commit", self._on_commit)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(self.prefix):
            self.inserts += 1

    def _on_commit(self, conn):
        self.commits += 1

    def close(self):
        if not self._event.contains(self.engine, "commit", self._on_commit):
            return
        self._event.remove(self.engine, "before_cursor_execute", self._on_execute)
        self._event.remove(self.engine, "commit", self._on_commit)


@pytest.fixture
def counting():
    """counting(engine, table="orders"): start counting INSERTs and commits; call .close() to stop."""
    counters = []

    def start(engine, table="orders"):
        counter = CountingStatements(engine, table)
        counters.append(counter)
        return counter

    yield start
    for counter in counters:
        counter.close()


def probe_app():
    """The app for scaffolder's route probe: a database with products, one order and one run."""
    import tempfile
    from pathlib import Path

    from {{ cookiecutter.project_slug }}.load import order_row, orders_table
    from {{ cookiecutter.project_slug }}.models import Run, seed_products

    folder = Path(tempfile.mkdtemp(prefix="etl-probe-"))
    app = make_app(folder)
    with app.app_context():
        seed_products()
        run = Run(source="orders.csv", status="succeeded")
        db.session.add(run)
        db.session.commit()
        db.session.execute(orders_table.insert(), [order_row(make_order(1), run.id)])
        db.session.commit()
    return app
