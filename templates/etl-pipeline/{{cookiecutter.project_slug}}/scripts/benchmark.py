"""Benchmark: the pipeline against the fastest plain loads of the same file, on SQLite and PostgreSQL.

    python scripts/benchmark.py --rows 100000
    python scripts/benchmark.py --rows 1000000 --postgres postgresql://user@host/dbname

It writes a sample CSV with the generator, then times each kind of load, each time in a
fresh Python process (so that each peak memory figure is its own). The kinds take turns:
every repeat runs each kind once, in a rotated order, so a change in the machine's load
falls on every kind alike instead of on the ones that happened to run at that moment.

SQLite (a fresh file each time):

- bare: csv.reader + sqlite3 executemany of the raw text into a table with no key and
  no index, one transaction: the floor, the fastest way to copy the file into SQLite;
- same-table: the same, into a table shaped like `orders` (the same primary key and
  indexes), with INSERT OR REPLACE so repeated ids do not stop it;
- validated: the same table and statement, but each line goes through this project's
  extract and transform first (exercises 1-4, rejects file included): what validation
  costs, without SQLAlchemy;
- pipeline: `run_pipeline` of this project (validation, quarantine, dedupe, upserts, run
  log).

PostgreSQL (with --postgres URL; the tables are dropped and made again each time, in the
database the URL names: use a scratch one):

- pg-copy: COPY of the valid rows (written beforehand, as the orders table stores them)
  into `orders`: the floor;
- pg-executemany: psycopg's executemany of the same rows, read beforehand, with the
  upsert, a transaction per 5,000 rows;
- pg-pipeline: `run_pipeline` on PostgreSQL (its batches go through COPY and a staging
  table, exercise 7).

It prints rows per second (rows of the file) and the peak resident memory of each
process: the median of --repeat runs (3 by default), with the fastest run in brackets,
and the ratio of the pipeline's median to each other kind's. It is not a test: timings
depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "{{ cookiecutter.project_slug }}"
BATCH = 5000


def peak_memory_mb() -> float:
    """The peak resident set size of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def project(name: str):
    """A module of this project, imported from the project folder."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from importlib import import_module

    return import_module(f"{PACKAGE}.{name}" if name else PACKAGE)


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


def clean_orders(source: Path, rejects_file: Path):
    """(RejectWriter, the clean orders of `source`): this project's extract and transform."""
    quarantine = project("quarantine")
    skus = {product[0] for product in project("catalog").PRODUCTS}
    rejects = quarantine.RejectWriter(rejects_file)
    return rejects, quarantine.clean(project("extract").extract(source), skus, rejects)


def validated(source: Path, database: Path) -> dict:
    """The same-table load, fed by this project's extract and transform instead of csv.reader."""
    rejects, orders = clean_orders(source, database.with_suffix(".rejects.csv"))
    with rejects:
        rows = (
            (o.order_id, o.ordered_at.isoformat(), o.customer, o.sku, o.quantity, str(o.unit_price), o.status)
            for o in orders
        )
        figures = plain_load(database, SAME_TABLE, rows)
    return {**figures, "rejected": rejects.count}


def app_for(url: str):
    """This project's app on the database at `url`, its tables made afresh, products seeded."""
    app = project("").create_app({"TESTING": True, "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url})
    db = project("extensions").db
    with app.app_context():
        db.drop_all()
        db.create_all()
        project("models").seed_products()
    return app


def pipeline(source: Path, url: str) -> dict:
    app = app_for(url)
    with app.app_context():
        started = time.perf_counter()
        run = project("pipeline").run_pipeline(source)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "loaded": run["loaded"], "rejected": run["rejected"], "status": run["status"]}


def write_valid_rows(source: Path, target: Path) -> int:
    """Write the rows a run would load, as the orders table stores them, to the CSV `target`
    (first occurrence of each order_id, run_id 1); return their number."""
    order_row = project("load").order_row
    seen: set[str] = set()
    rejects, orders = clean_orders(source, target.with_suffix(".rejects.csv"))
    with rejects, open(target, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        for order in orders:
            if order.order_id not in seen:
                seen.add(order.order_id)
                writer.writerow(order_row(order, 1).values())
    return len(seen)


def pg_ready(url: str):
    """Fresh tables and run 1 (the valid rows name it) on PostgreSQL; return psycopg's URL."""
    from sqlalchemy import insert

    app = app_for(url)
    db, models = project("extensions").db, project("models")
    with app.app_context():
        with db.engine.begin() as connection:
            now = models.utcnow()
            connection.execute(insert(models.Run.__table__).values(id=1, source="bench", created_at=now))
        return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_copy(rows_file: Path, url: str) -> dict:
    """COPY of the valid rows into orders: psql's \\copy when psql is installed, else psycopg's COPY."""
    plain = pg_ready(url)
    columns = ", ".join(project("load").orders_table.columns.keys())
    started = time.perf_counter()
    if shutil.which("psql"):
        copy = f"\\copy orders ({columns}) FROM '{rows_file}' CSV"
        command = ["psql", plain, "-q", "-v", "ON_ERROR_STOP=1", "-c", copy]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603 (our own arguments, no shell)
    else:
        import psycopg

        with psycopg.connect(plain) as connection, connection.cursor() as cursor:
            with open(rows_file, "rb") as file, cursor.copy(f"COPY orders ({columns}) FROM STDIN CSV") as copy:
                while block := file.read(1 << 16):
                    copy.write(block)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "loaded": pg_count(plain)}


def pg_executemany(rows_file: Path, url: str) -> dict:
    """psycopg's executemany of the valid rows (read beforehand), with the upsert, 5,000 rows a transaction."""
    import psycopg

    plain = pg_ready(url)
    names = project("load").orders_table.columns.keys()
    with open(rows_file, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != "order_id")
    statement = (
        f"INSERT INTO orders ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT (order_id) DO UPDATE SET {updates} WHERE orders.run_id <> excluded.run_id"
    )
    started = time.perf_counter()
    with psycopg.connect(plain) as connection:
        for start in range(0, len(rows), BATCH):
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(statement, rows[start : start + BATCH])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "loaded": pg_count(plain)}


def pg_count(plain_url: str) -> int:
    import psycopg

    with psycopg.connect(plain_url) as connection:
        return connection.execute("SELECT count(*) FROM orders").fetchone()[0]


SQLITE_KINDS = ("bare", "same-table", "validated", "pipeline")
POSTGRES_KINDS = ("pg-copy", "pg-executemany", "pg-pipeline")


def prepare(folder: Path, rows: int, seed: int, postgres: str | None) -> dict:
    """Write the sample file (and, for PostgreSQL, its valid rows); return what was written."""
    started = time.perf_counter()
    reasons = project("generate").write_sample(folder / "orders.csv", rows, seed=seed)
    figures = {"seconds": time.perf_counter() - started, "planted": sum(reasons.values())}
    if postgres:
        figures["valid"] = write_valid_rows(folder / "orders.csv", folder / "valid-rows.csv")
    return figures


def child(kind: str, folder: Path, postgres: str | None, rows: int, seed: int) -> None:
    source, rows_file = folder / "orders.csv", folder / "valid-rows.csv"
    if kind == "prepare":
        print(json.dumps(prepare(folder, rows, seed, postgres)))
        return
    database = folder / f"{kind}.sqlite"
    for leftover in folder.glob(f"{kind}.sqlite*"):  # a fresh database for every run
        leftover.unlink()
    if kind == "pipeline":
        figures = pipeline(source, f"sqlite:///{database}")
    elif kind == "validated":
        figures = validated(source, database)
    elif kind in ("bare", "same-table"):
        figures = baseline(source, database, BARE_TABLE if kind == "bare" else SAME_TABLE)
    elif kind == "pg-pipeline":
        figures = pipeline(source, project("").database_url(postgres, ""))
    elif kind == "pg-copy":
        figures = pg_copy(rows_file, project("").database_url(postgres, ""))
    else:
        figures = pg_executemany(rows_file, project("").database_url(postgres, ""))
    figures["peak_mb"] = peak_memory_mb()
    print(json.dumps(figures))


def measure(kind: str, folder: Path, postgres: str | None, extra: list[str] | None = None) -> dict:
    """Run one load (or the preparation) in a child process and return its figures."""
    command = [sys.executable, __file__, "--child", kind, "--folder", str(folder), *(extra or [])]
    if postgres:
        command += ["--postgres", postgres]
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 (our own script, no shell)
    if done.returncode != 0:
        sys.exit(f"the {kind} load failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict, rows: int, pipeline_kind: str, others: tuple[str, ...]) -> None:
    for kind in (*others, pipeline_kind):
        runs = results[kind]
        seconds = statistics.median(run["seconds"] for run in runs)
        best = min(run["seconds"] for run in runs)
        peak = max(run["peak_mb"] for run in runs)
        print(
            f"{kind:>15}: {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s (best {rows / best:,.0f})  "
            f"peak {peak:6.1f} MiB  loaded {runs[-1]['loaded']:,}"
        )
    pipeline_seconds = statistics.median(run["seconds"] for run in results[pipeline_kind])
    for kind in others:
        ratio = statistics.median(run["seconds"] for run in results[kind]) / pipeline_seconds
        print(f"{pipeline_kind} rows/s = {ratio:.2f} x {kind}'s (medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load; the median counts")
    parser.add_argument(
        "--postgres", metavar="URL", help="also measure on this PostgreSQL database (its tables are dropped)"
    )
    parser.add_argument("--child", choices=("prepare", *SQLITE_KINDS, *POSTGRES_KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.postgres, args.rows, args.seed)
        return
    if args.rows < 1 or args.repeat < 1:
        sys.exit("--rows and --repeat must be at least 1")

    kinds = SQLITE_KINDS + (POSTGRES_KINDS if args.postgres else ())
    with tempfile.TemporaryDirectory(prefix="etl-benchmark-") as name:
        folder = Path(name)
        # The sample is written by a child too: this process stays small, and Linux counts a
        # parent's peak memory in its children's (it survives the fork).
        prepared = measure("prepare", folder, args.postgres, ["--rows", str(args.rows), "--seed", str(args.seed)])
        print(f"generated {args.rows:,} rows ({prepared['planted']:,} planted problems) in {prepared['seconds']:.1f} s")
        if args.postgres:
            print(f"wrote the {prepared['valid']:,} valid rows for the PostgreSQL floors")
        results: dict[str, list[dict]] = {kind: [] for kind in kinds}
        for repeat in range(args.repeat):
            shift = repeat % len(kinds)  # rotate: no kind always runs first, or right after another
            for kind in kinds[shift:] + kinds[:shift]:
                results[kind].append(measure(kind, folder, args.postgres))
            print(f"repeat {repeat + 1} of {args.repeat} done", file=sys.stderr)
    print(f"SQLite, {args.rows:,} rows, median of {args.repeat} interleaved runs:")
    # "bare" is the floor; "same-table" has the same key and indexes as `orders`.
    report(results, args.rows, "pipeline", ("bare", "same-table", "validated"))
    # What validation alone costs: the same table and statement, fed by extract and transform.
    validation = statistics.median(r["seconds"] for r in results["same-table"]) / statistics.median(
        r["seconds"] for r in results["validated"]
    )
    print(f"validated rows/s = {validation:.2f} x same-table's (medians)")
    if args.postgres:
        print(f"PostgreSQL, {args.rows:,} rows, median of {args.repeat} interleaved runs:")
        report(results, args.rows, "pg-pipeline", ("pg-copy", "pg-executemany"))


if __name__ == "__main__":
    main()
