"""Benchmark: the pipeline against a plain sqlite3 executemany of the same rows.

    python scripts/benchmark.py --rows 100000
    python scripts/benchmark.py --rows 1000000

It writes a sample CSV with the generator, then loads it three times, each time
in a fresh Python process (so that each peak memory figure is its own):

- bare: csv.reader + sqlite3 executemany of the raw text into a table with no
  key and no index, one transaction: the fastest way to copy the file into SQLite;
- same-table: the same, into a table shaped like `orders` (the same primary key
  and indexes), with INSERT OR REPLACE so repeated ids do not stop it;
- validated: the same table and statement, but each line goes through this
  project's extract and transform first (exercises 1-4, rejects file included):
  what validation costs, without SQLAlchemy;
- pipeline: `run_pipeline` of this project (validation, quarantine, dedupe,
  upserts, run log), on a fresh SQLite file.

The first two validate nothing: they show what the database itself costs.
The step from "validated" to "pipeline" is what SQLAlchemy Core, batches,
de-duplication, upserts and the run log add.

It prints rows per second (rows of the file) and the peak resident memory of
each process: the median of --repeat runs (3 by default: a shared machine is
noisy), with the fastest run in brackets. It is not a test: timings depend on
the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "{{ cookiecutter.project_slug }}"


def peak_memory_mb() -> float:
    """The peak resident set size of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


BARE_TABLE = (
    "CREATE TABLE orders (order_id TEXT, ordered_at TEXT, customer TEXT, sku TEXT,"
    " quantity TEXT, unit_price TEXT, status TEXT)",
)
SAME_TABLE = (
    "CREATE TABLE orders (order_id VARCHAR(20) PRIMARY KEY, ordered_at DATETIME, customer VARCHAR(254),"
    " sku VARCHAR(20), quantity INTEGER, unit_price TEXT, status VARCHAR(20))",
    "CREATE INDEX ix_orders_ordered_at ON orders (ordered_at)",
    "CREATE INDEX ix_orders_sku ON orders (sku)",
)


def plain_load(database: Path, schema: tuple[str, ...], rows) -> dict:
    """Make the table with `schema`, then time one executemany of `rows` (read lazily) in one transaction."""
    connection = sqlite3.connect(database)
    for statement in schema:
        connection.execute(statement)
    started = time.perf_counter()
    with connection:
        connection.executemany("INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    seconds = time.perf_counter() - started
    count = connection.execute("SELECT count(*) FROM orders").fetchone()[0]
    connection.close()
    return {"seconds": seconds, "loaded": count}


def baseline(source: Path, database: Path, schema: tuple[str, ...]) -> dict:
    """The lines of the file as they are, through csv.reader."""
    # errors="replace": sqlite3 cannot store the planted bytes that are not UTF-8.
    with open(source, encoding="utf-8", errors="replace", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        return plain_load(database, schema, (row for row in reader if len(row) == 7))


def validated(source: Path, database: Path) -> dict:
    """The same-table load, fed by this project's extract and transform instead of csv.reader."""
    sys.path.insert(0, str(ROOT))
    from importlib import import_module

    extract = import_module(f"{PACKAGE}.extract").extract
    quarantine = import_module(f"{PACKAGE}.quarantine")
    skus = {product[0] for product in import_module(f"{PACKAGE}.catalog").PRODUCTS}
    with quarantine.RejectWriter(database.with_suffix(".rejects.csv")) as rejects:
        orders = quarantine.clean(extract(source), skus, rejects)
        rows = (
            (
                order.order_id,
                order.ordered_at.isoformat(),
                order.customer,
                order.sku,
                order.quantity,
                str(order.unit_price),
                order.status,
            )
            for order in orders
        )
        figures = plain_load(database, SAME_TABLE, rows)
    return {**figures, "rejected": rejects.count}


def pipeline(source: Path, database: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    package = __import__(PACKAGE, fromlist=["create_app"])
    from importlib import import_module

    db = import_module(f"{PACKAGE}.extensions").db
    models = import_module(f"{PACKAGE}.models")
    run_pipeline = import_module(f"{PACKAGE}.pipeline").run_pipeline

    app = package.create_app(
        {"TESTING": True, "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    )
    with app.app_context():
        db.create_all()
        models.seed_products()
        started = time.perf_counter()
        run = run_pipeline(source)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "loaded": run["loaded"], "rejected": run["rejected"], "status": run["status"]}


def measure(kind: str, source: Path, folder: Path) -> dict:
    """Run one load in a child process and return its figures."""
    command = [sys.executable, __file__, "--child", kind, "--source", str(source), "--folder", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 (our own script, no shell)
    if done.returncode != 0:
        sys.exit(f"the {kind} load failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


KINDS = ("bare", "same-table", "validated", "pipeline")


def child(kind: str, source: Path, folder: Path) -> None:
    database = folder / f"{kind}.sqlite"
    for leftover in folder.glob(f"{kind}.sqlite*"):  # a fresh database for every run
        leftover.unlink()
    if kind == "pipeline":
        figures = pipeline(source, database)
    elif kind == "validated":
        figures = validated(source, database)
    else:
        figures = baseline(source, database, BARE_TABLE if kind == "bare" else SAME_TABLE)
    figures["peak_mb"] = peak_memory_mb()
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load; the median counts")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source, args.folder)
        return

    sys.path.insert(0, str(ROOT))
    write_sample = __import__(f"{PACKAGE}.generate", fromlist=["write_sample"]).write_sample
    with tempfile.TemporaryDirectory(prefix="etl-benchmark-") as name:
        folder = Path(name)
        source = folder / "orders.csv"
        started = time.perf_counter()
        reasons = write_sample(source, args.rows, seed=args.seed)
        seconds = time.perf_counter() - started
        print(f"generated {args.rows:,} rows ({sum(reasons.values()):,} planted problems) in {seconds:.1f} s")
        results = {}
        for kind in KINDS:
            runs = [measure(kind, source, folder) for _ in range(max(1, args.repeat))]
            seconds = [figures["seconds"] for figures in runs]
            results[kind] = {
                "seconds": statistics.median(seconds),
                "best": min(seconds),
                "peak_mb": max(figures["peak_mb"] for figures in runs),
                "loaded": runs[-1]["loaded"],
            }
    for kind, figures in results.items():
        rate, best = args.rows / figures["seconds"], args.rows / figures["best"]
        print(
            f"{kind:>10}: {figures['seconds']:7.2f} s  {rate:>10,.0f} rows/s (best {best:,.0f})  "
            f"peak {figures['peak_mb']:6.1f} MiB  loaded {figures['loaded']:,}"
        )
    # The fair comparison is with "same-table": the same key and indexes as `orders`.
    for kind in ("bare", "same-table", "validated"):
        ratio = results[kind]["seconds"] / results["pipeline"]["seconds"]
        print(f"pipeline rows/s = {ratio:.2f} x the {kind} baseline's (medians)")


if __name__ == "__main__":
    main()
