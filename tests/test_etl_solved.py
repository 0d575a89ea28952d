"""The solved etl-pipeline used as a learner uses it: its `flask etl` commands and its benchmark,
and what a learner sees when PostgreSQL is asked for without its driver.

Benchmark timings are not asserted (shared machines are noisy): the script
prints them. What is asserted is what a learner relies on when reading its
figures: every load runs, and the two loads that validate (the project's own
transform with plain sqlite3, and the whole pipeline) keep exactly the rows
without a planted problem.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from scaffolder.generate import new_project

# Each test renders the real etl-pipeline and runs its commands in subprocesses.
pytestmark = pytest.mark.slow

ROWS = 3000


def flask(project, *args):
    """Run `flask ARGS` in the project as a learner would (its .flaskenv names the app)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_URL"))}
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=project, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_new_database_never_overwrites_the_rejects_of_the_old_one(tmp_path):
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, solved=True, git=False).path
    flask(project, "etl", "init-db")
    flask(project, "etl", "generate", "orders.csv", "--rows", "400", "--out", ".")
    first = flask(project, "etl", "run", "orders.csv")
    rejects = project / "orders.run1.rejects.csv"
    assert "Rejects: orders.run1.rejects.csv" in first.stdout, first.stdout
    old_text = rejects.read_text(encoding="utf-8")

    flask(project, "etl", "init-db")  # run ids start at 1 again
    rejects.write_text(old_text + "an edit of the learner's own\n", encoding="utf-8")
    second = flask(project, "etl", "run", "orders.csv")
    assert "Run 1 succeeded" in second.stdout, second.stdout
    kept = list(project.glob("orders.run1.rejects.*.csv"))
    assert len(kept) == 1, f"the older rejects file should be kept under a new name: {sorted(project.iterdir())}"
    assert kept[0].read_text(encoding="utf-8") == old_text + "an edit of the learner's own\n"
    assert rejects.read_text(encoding="utf-8") == old_text, "the new run writes its own rejects file"
    assert "is kept as" in second.stderr, second.stderr


def test_the_benchmark_prints_every_load_and_the_validating_loads_agree(tmp_path):
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, solved=True, git=False).path
    done = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--rows", str(ROWS), "--repeat", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    planted = int(re.search(r"\(([\d,]+) planted problems\)", done.stdout)[1].replace(",", ""))
    assert 0 < planted < ROWS
    loaded = {
        kind: int(count.replace(",", ""))
        for kind, count in re.findall(r"^\s*([\w-]+): .* rows/s .* loaded ([\d,]+)$", done.stdout, re.MULTILINE)
    }
    assert set(loaded) == {"bare", "same-table", "validated", "pipeline"}, done.stdout
    assert loaded["validated"] == loaded["pipeline"] == ROWS - planted, done.stdout
    for kind in ("bare", "same-table", "validated"):
        assert re.search(rf"pipeline rows/s = \d+\.\d\d x {kind}'s \(medians\)", done.stdout), done.stdout
    assert re.search(r"validated rows/s = \d+\.\d\d x same-table's", done.stdout), done.stdout
    assert "interleaved" in done.stdout, "the kinds take turns, and the output says so"


def test_a_postgresql_url_without_psycopg_stops_with_one_line_saying_what_to_install(tmp_path):
    """psycopg comes with scaffolder[postgres] only: without it, the app and its suite say so in one line."""
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, git=False).path
    # With None in sys.modules, importlib finds no psycopg: as if it were not installed.
    hide = "import sys; sys.modules['psycopg'] = None; "
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL="postgresql://learner@127.0.0.1:1/shop", PYTHONDONTWRITEBYTECODE="1")
    for code, args in (
        ("from flask.cli import main; main()", ["etl", "init-db"]),  # the flask command, the app from .flaskenv
        ("import pytest; sys.exit(pytest.main())", ["-p", "no:cacheprovider"]),  # the project's suite
    ):
        command = [sys.executable, "-c", hide + code, *args]
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stderr.splitlines() == [
            "DATABASE_URL names a PostgreSQL database, but its driver psycopg is not installed: "
            'run python -m pip install "scaffolder[postgres]" (or "psycopg[binary]"), or unset DATABASE_URL.'
        ], done.stderr


def run_in_solved_project(tmp_path, script):
    """Run `script` (formatted with the package's name; tmp_path is its argv[1]) in a solved render.

    Returns what it printed, each line "KEY VALUE", as a dict, and the whole output for messages.
    """
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, solved=True, git=False).path
    package = next(path.parent.name for path in project.glob("*/load.py"))
    done = subprocess.run(
        [sys.executable, "-c", script.format(package=package), str(tmp_path)],
        cwd=project, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.splitlines()), done.stdout


WRITE_BOTH_WAYS = """
import sqlite3, sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from sqlalchemy import insert
from sqlalchemy.dialects import sqlite
from {package} import create_app
from {package}.extensions import db
from {package}.load import on_conflict_update, order_row, orders_table, write_rows
from {package}.models import Run, seed_products, utcnow
from {package}.records import Order

zone = timezone(timedelta(hours=2))
orders = [Order(n + 2, f"W{{n}}", datetime(2024, 3, 1, n, 30, 15, 250, tzinfo=zone), "c@example.com",
                "SKU-001", n + 1, Decimal("9.99"), "paid") for n in range(5)]
own_literal = sqlite.insert(orders_table).on_conflict_do_update(
    index_elements=["order_id"], set_={{"status": "changed"}}, where=orders_table.c.status != "cancelled")
for name, statement in (("prepared", on_conflict_update(sqlite.insert(orders_table))),
                        ("through-sqlalchemy", own_literal)):
    path = sys.argv[1] + "/" + name + ".sqlite"
    app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + path}})
    with app.app_context():
        db.create_all()
        seed_products()
        with db.engine.begin() as connection:
            connection.execute(insert(Run.__table__).values(id=1, source="s", created_at=utcnow()))
            written = write_rows(connection, statement, [order_row(order, 1) for order in orders])
        db.engine.dispose()
    stored = sqlite3.connect(path).execute("SELECT * FROM orders ORDER BY order_id").fetchall()
    print(name, written, stored)
"""


def test_both_ways_of_writing_a_batch_on_sqlite_store_the_same_values(tmp_path):
    """write_rows hands SQLite ready tuples when every value comes from the rows (prepared), and
    leaves a statement with values of its own (a learner's literal) to SQLAlchemy: both store
    what SQLAlchemy itself would, dates as UTC text."""
    lines, stdout = run_in_solved_project(tmp_path, WRITE_BOTH_WAYS)
    assert lines["prepared"] == lines["through-sqlalchemy"], stdout
    assert lines["prepared"].startswith("5 "), f"write_rows should report the 5 rows it wrote: {stdout}"
    assert "'2024-03-01 02:30:15.000250'" in lines["prepared"], "dates are stored as UTC text, to the microsecond"


def test_a_recovered_run_says_which_silence_ended_it(tmp_path):
    """A running run is given up after ETL_RUN_STALE_SECONDS without a heartbeat, a queued one after
    ETL_QUEUED_STALE_SECONDS without starting: each failed run's error names its own limit."""
    errors, stdout = run_in_solved_project(tmp_path, RECOVER_BOTH)
    assert errors["running"] == "abandoned: no heartbeat for over 60 seconds (its process stopped)", stdout
    assert errors["queued"] == "abandoned: queued for over 3600 seconds and never started", stdout


RECOVER_BOTH = """
import sys
from datetime import timedelta
from sqlalchemy import insert, select
from {package} import create_app
from {package}.extensions import db
from {package}.models import Run, utcnow
from {package}.pipeline import recover_abandoned

app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1] + "/runs.sqlite"}})
with app.app_context():
    db.create_all()
    long_ago = utcnow() - timedelta(days=1)
    with db.engine.begin() as connection:
        for number, status in enumerate(("running", "queued"), start=1):
            connection.execute(insert(Run.__table__).values(
                id=number, source=status + ".csv", status=status, created_at=long_ago, heartbeat_at=long_ago))
    assert sorted(recover_abandoned()) == [1, 2]
    with db.engine.connect() as connection:
        for source, error in connection.execute(select(Run.source, Run.error).order_by(Run.id)):
            print(source.removesuffix(".csv"), error)
"""
