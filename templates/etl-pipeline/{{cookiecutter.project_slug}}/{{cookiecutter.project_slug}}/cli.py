"""The `flask etl` commands: init-db, generate, run."""

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


def init_app(app: Flask) -> None:
    app.cli.add_command(etl)
