"""Command line commands, run with `flask --app {{ cookiecutter.project_slug }} <command>`."""

import click
from flask.cli import with_appcontext

from .extensions import db


def init_db() -> None:
    """Drop every table and create them again from the models."""
    # BEGIN SOLUTION model-init-db
    db.drop_all()
    db.create_all()
    # END SOLUTION


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo(f"Initialized the database ({db.engine.url}).")


def init_app(app) -> None:
    """Register the commands with the app."""
    app.cli.add_command(init_db_command)
