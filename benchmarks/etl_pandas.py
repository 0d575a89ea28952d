"""The etl-pipeline's reference load against pandas (`read_csv`, vectorised validation, `to_sql`) on SQLite.

Usage: python benchmarks/etl_pandas.py [--rows 100000 1000000] [--repeat 3]

It renders the solved etl-pipeline, writes its sample file with the project's own
generator, and times, in fresh processes taking turns (rotated every repeat), the
project's `run_pipeline` and what many users reach for instead: pandas reading the whole
file, validating it column by column (to the same rows: both load the same orders of the
sample), dropping repeated order ids and writing it with `to_sql` into a table of the same
shape. It prints rows per second and peak memory of each, per size, and the ratio of the
medians. pandas is not a dependency of scaffolder: install it beside it to run this
(python -m pip install pandas).

Figures, not assertions: a shared machine is noisy, so read the medians.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAME_TABLE = (
    "CREATE TABLE orders (order_id VARCHAR(20) PRIMARY KEY, ordered_at VARCHAR(26), customer VARCHAR(254),"
    " sku VARCHAR(20), quantity INTEGER, unit_price_cents INTEGER, status VARCHAR(20))",
    "CREATE INDEX ix_orders_ordered_at ON orders (ordered_at)",
    "CREATE INDEX ix_orders_sku ON orders (sku)",
)


def pandas_load(project: Path, folder: Path) -> dict:
    """read_csv + vectorised validation + to_sql of the sample into a fresh SQLite file."""
    import sqlite3

    import pandas as pd

    sys.path.insert(0, str(project))
    (package,) = (path.parent.name for path in project.glob("*/catalog.py"))
    from importlib import import_module

    skus = [product[0] for product in import_module(f"{package}.catalog").PRODUCTS]
    statuses = list(import_module(f"{package}.records").STATUSES)
    database = folder / "pandas.sqlite"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    frame = pd.read_csv(
        folder / "orders.csv", dtype=str, keep_default_na=False, encoding_errors="replace", on_bad_lines="skip"
    )
    frame = frame.apply(lambda column: column.str.strip())
    frame["customer"] = frame["customer"].str.lower()
    frame["sku"] = frame["sku"].str.upper()
    frame["status"] = frame["status"].str.lower()
    ordered_at = pd.to_datetime(frame["ordered_at"], utc=True, errors="coerce", format="ISO8601")
    # The pipeline's rules that pandas does not apply by itself: a time must name its zone
    # (to_datetime takes a bare one for UTC), and a value read with a replaced byte was not UTF-8.
    has_zone = frame["ordered_at"].str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    not_utf8 = frame.apply(lambda column: column.str.contains("\ufffd", regex=False)).any(axis=1)
    quantity = pd.to_numeric(frame["quantity"], errors="coerce")
    price = pd.to_numeric(frame["unit_price"], errors="coerce")
    valid = (
        frame["order_id"].str.fullmatch(r"[A-Za-z0-9-]{1,20}")
        & ordered_at.notna()
        & has_zone
        & ~not_utf8
        & (frame["customer"].str.count("@") == 1)
        & ~frame["customer"].str.contains(" ", regex=False)
        & (frame["customer"].str.len() <= 254)
        & frame["sku"].isin(skus)
        & quantity.between(1, 10_000)
        & (quantity == quantity.round())
        & price.between(0, 1_000_000)
        & frame["status"].isin(statuses)
    )
    frame[~valid].to_csv(folder / "pandas.rejects.csv", index=False)
    good = frame[valid].assign(
        ordered_at=ordered_at[valid].dt.strftime("%Y-%m-%d %H:%M:%S.%f"),
        quantity=quantity[valid].astype("int64"),
        unit_price_cents=(price[valid] * 100).round().astype("int64"),
    )
    good = good.drop_duplicates("order_id", keep="first")
    good = good[["order_id", "ordered_at", "customer", "sku", "quantity", "unit_price_cents", "status"]]
    connection = sqlite3.connect(database)
    for statement in SAME_TABLE:
        connection.execute(statement)
    with connection:
        good.to_sql("orders", connection, if_exists="append", index=False, chunksize=5000)
    seconds = time.perf_counter() - started
    loaded = connection.execute("SELECT count(*) FROM orders").fetchone()[0]
    connection.close()
    return {"seconds": seconds, "loaded": loaded}


def run_child(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 (our own scripts, no shell)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[1:4])} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = pandas_load(args.project, args.folder)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        figures["peak_mb"] = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
        print(json.dumps(figures))
        return
    if min(args.rows) < 1 or args.repeat < 1:
        sys.exit("--rows and --repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="etl-pandas-") as scratch:
        root = Path(scratch)
        # A child renders the project: this process stays small (Linux counts a parent's
        # peak memory in its children's).
        subprocess.run(  # noqa: S603 (our own command, no shell)
            [sys.executable, "-m", "scaffolder", "new", "etl-pipeline", "--solved", "--no-input", "--no-git",
             "-o", str(root / "project")],
            check=True, capture_output=True,
        )  # fmt: skip
        (project,) = (root / "project").iterdir()
        script = project / "scripts" / "benchmark.py"
        for rows in args.rows:
            folder = root / f"rows-{rows}"
            folder.mkdir()
            run_child([sys.executable, str(script), "--child", "prepare", "--folder", str(folder), "--rows", str(rows)])
            commands = {
                "pipeline": [sys.executable, str(script), "--child", "pipeline", "--folder", str(folder)],
                "pandas": [sys.executable, __file__, "--child", "--project", str(project), "--folder", str(folder)],
            }
            results: dict[str, list[dict]] = {kind: [] for kind in commands}
            kinds = list(commands)
            for repeat in range(args.repeat):
                for kind in kinds[repeat % 2 :] + kinds[: repeat % 2]:
                    results[kind].append(run_child(commands[kind]))
            print(f"SQLite, {rows:,} rows, median of {args.repeat} interleaved runs:")
            for kind, runs in results.items():
                seconds = statistics.median(run["seconds"] for run in runs)
                print(
                    f"{kind:>9}: {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s  "
                    f"peak {max(run['peak_mb'] for run in runs):7.1f} MiB  loaded {runs[-1]['loaded']:,}"
                )
            ratio = statistics.median(r["seconds"] for r in results["pandas"]) / statistics.median(
                r["seconds"] for r in results["pipeline"]
            )
            print(f"pipeline rows/s = {ratio:.2f} x pandas' (medians)")


if __name__ == "__main__":
    main()
