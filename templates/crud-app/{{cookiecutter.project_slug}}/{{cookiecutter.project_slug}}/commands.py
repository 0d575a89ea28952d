"""Command line commands, run with `flask <command>` from the project folder."""

import click
from flask import Flask

from .extensions import db


def init_db() -> None:
    """Drop every table and create them again from the models."""
    # BEGIN SOLUTION model-init-db
    db.drop_all()
    db.create_all()
    # END SOLUTION


@click.command("init-db")
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo(f"Initialized the database ({db.engine.url}).")


def init_app(app: Flask) -> None:
    """Register the commands with the app.

    A command registered on `app.cli` runs inside the app's application context:
    the `flask` command pushes it before calling the command (Flask 2.2 and
    later), so `init_db()` can use `db` without `@with_appcontext`.
    """
    app.cli.add_command(init_db_command)
