"""The `flask etl` commands: init-db, generate, run, pull, worker, sweep."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

# BEGIN SOLUTION cli-run
from .extensions import db
from .generate import write_sample
from .load import BATCH_SIZE
from .models import seed_products
from .pipeline import SourceBusy, rejects_path, run_pipeline
# STUB
# from .extensions import db
# from .generate import write_sample
# from .load import BATCH_SIZE
# from .models import seed_products
# END SOLUTION
from .tasks import sweep_runs

etl = AppGroup("etl", help="Load order files into the database.")


@etl.command("init-db")
def init_db_command() -> None:
    """Drop every table, create them again and load the product catalogue."""
    db.drop_all()
    db.create_all()
    count = seed_products()
    click.echo(f"Initialized the database ({db.engine.url.render_as_string(hide_password=True)}): {count} products.")


@etl.command("generate")
@click.argument("name")
@click.option("--rows", type=click.IntRange(0, 100_000_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Default: ETL_DATA_DIR.")
@click.option("--expected", type=click.Path(dir_okay=False, path_type=Path), help="Write the planted problems here.")
def generate_command(name: str, rows: int, seed: int, out_dir: Path | None, expected: Path | None) -> None:
    """Write a sample source NAME (.csv or .jsonl) with ROWS orders and some planted problems."""
    if Path(name).name != name or Path(name).suffix.lower() not in (".csv", ".jsonl"):
        raise click.BadParameter("give a file name ending in .csv or .jsonl, without a folder", param_hint="NAME")
    out_dir = out_dir or Path(current_app.config["ETL_DATA_DIR"])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    reasons = write_sample(path, rows, seed=seed, expected=expected)
    bad = sum(reasons.values())
    click.echo(f"Wrote {path}: {rows:,} records, {rows - bad:,} valid, {bad:,} with planted problems.")
    kinds: dict[str, int] = {}
    for reason, count in reasons.items():
        kind = "duplicate order_id" if reason.startswith("duplicate order_id") else reason
        kinds[kind] = kinds.get(kind, 0) + count
    for kind, count in sorted(kinds.items()):
        click.echo(f"  {count:>8,}  {kind}")


@etl.command("run")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--full", is_flag=True, help="Ignore the watermark and process every record again.")
@click.option("--batch-size", type=click.IntRange(1, 20_000), default=BATCH_SIZE, show_default=True)
def run_command(source: Path, full: bool, batch_size: int) -> None:
    """Load SOURCE (a .csv or .jsonl file of orders) into the database."""

    # BEGIN SOLUTION cli-run
    def show_progress(counts: dict) -> None:
        click.echo(f"... {counts['read']:,} read, {counts['loaded']:,} loaded", err=True)

    try:
        run = run_pipeline(source, full=full, batch_size=batch_size, progress=show_progress)
    except SourceBusy as busy:  # a run of this file is queued or running (the API's, or another terminal's)
        raise click.ClickException(str(busy)) from None
    click.echo(
        f"Run {run['id']} {run['status']}: {run['read']:,} read, {run['loaded']:,} loaded, "
        f"{run['rejected']:,} rejected, {run['skipped']:,} skipped."
    )
    if run["rejected"]:
        click.echo(f"Rejects: {rejects_path(source, run['id'])}")
    if run["status"] != "succeeded":
        raise click.ClickException(f"Run {run['id']} failed: {run['error']}")
    # END SOLUTION


@etl.command("pull")
@click.argument("name")
@click.option("--full", is_flag=True, help="Ignore the watermark and process every record again.")
@click.option("--batch-size", type=click.IntRange(1, 20_000), default=BATCH_SIZE, show_default=True)
@click.pass_context
def pull_command(context: click.Context, name: str, full: bool, batch_size: int) -> None:
    """Load the HTTP API source NAME (a key of ETL_API_SOURCES) into the database, as `run` loads a file."""
    sources = current_app.config["ETL_API_SOURCES"]
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none is configured"
        raise click.BadParameter(f"not an API source of ETL_API_SOURCES ({known})", param_hint="NAME")
    source = Path(current_app.config["ETL_DATA_DIR"]) / name
    context.invoke(run_command, source=source, full=full, batch_size=batch_size)


@etl.command("worker")
@click.option("--beat", is_flag=True, help="Also run the sweeper on its schedule (one worker of the fleet is enough).")
@click.option("--loglevel", default="INFO", show_default=True, help="Celery's log level.")
def worker_command(beat: bool, loglevel: str) -> None:
    """Work on the runs of the task queue (Ctrl-C stops after the current run).

    One run at a time (the solo pool): start more workers, here or on other
    machines that reach the same broker and database, to run more at once.
    """
    arguments = ["worker", "--pool=solo", "--concurrency=1", f"--loglevel={loglevel}"]
    if beat:
        arguments.append("--beat")
    current_app.extensions["celery"].worker_main(arguments)


@etl.command("sweep")
def sweep_command() -> None:
    """Mark failed every running run whose worker stopped (no heartbeat for ETL_RUN_STALE_SECONDS)."""
    swept = sweep_runs()
    click.echo(f"Abandoned runs marked failed: {', '.join(map(str, swept)) or 'none'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(etl)
