"""{{ cookiecutter.project_name }}: a data service that loads a shop's orders from files.

Generate a sample and load it, in the project folder (its `.flaskenv` chooses the
development configuration, `create_app({"DEBUG": True})`):

    flask etl init-db
    flask etl generate orders.csv --rows 10000
    flask etl run instance/data/orders.csv
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from flask.logging import default_handler
from sqlalchemy import event
from werkzeug.routing import IntegerConverter, Map

from . import api, cli, errors, main, metrics, tasks
from .extensions import db
from .pipeline import RunIdFilter

DEV_SECRET_KEY = "dev"  # nosec B105: public on purpose; refused unless create_app is given TESTING or DEBUG
# The largest value of a signed 64-bit column: a bigger id names no row.
INT_MAX = 2**63 - 1

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
}


class BoundedIntConverter(IntegerConverter):
    """The `int` converter, refusing values past a 64-bit integer (so they answer 404, not 500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def database_url(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL when set (PostgreSQL through psycopg 3), else a SQLite file.

    A PostgreSQL URL without psycopg installed stops the program with one line saying what to install.
    """
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "{{ cookiecutter.project_slug }}.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("postgresql+psycopg://") and importlib.util.find_spec("psycopg") is None:
        raise SystemExit(
            "DATABASE_URL names a PostgreSQL database, but its driver psycopg is not installed: "
            'run python -m pip install "scaffolder[postgres]" (or "psycopg[binary]"), or unset DATABASE_URL.'
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite leaves foreign keys off unless asked; WAL lets readers work during a load."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure one instance of the application.

    `test_config` is a mapping applied last: the tests ask for testing mode (and
    then nothing else is read), `.flaskenv` asks for the development
    configuration, `{"DEBUG": True}`, over the instance folder and the
    environment. Without it (gunicorn, `flask --app`), the instance folder and
    the environment configure the app, and a real secret key is required.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=DEV_SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL"), app.instance_path),
        # Source files to load over HTTP must be in this folder.
        ETL_DATA_DIR=os.path.join(app.instance_path, "data"),
        ETL_BATCH_SIZE=5000,
        # Sources that are HTTP APIs (exercise 14): a run names one by its key, {"partner": "https://..."}.
        ETL_API_SOURCES={},
        # The data-quality gate (exercise 14): a run that rejects more than this share of what it
        # read stops, and loads nothing from that batch on. 1.0 turns the gate off.
        ETL_MAX_REJECT_RATE=0.1,
        # Who works on the runs started over HTTP: "celery" (a task queue, exercise 13)
        # or "threads" (threads of the web process, exercise 11).
        ETL_RUNNER="celery",
        # The task queue's broker: Redis in production (CELERY_BROKER_URL=redis://...),
        # else an embedded one, a SQLite file in the instance folder (no server needed).
        CELERY_BROKER_URL=tasks.broker_url(os.environ.get("CELERY_BROKER_URL"), app.instance_path),
        # More Celery settings, by their lower-case names (tests ask for eager mode).
        CELERY={},
        # Runs over HTTP in threads: at most this many at once (more answer 503 until one ends).
        ETL_WORKERS=2,
        # A run that has not written its heartbeat for this long was abandoned.
        ETL_RUN_STALE_SECONDS=60,
        # A queued run may wait its turn on the task queue: only this long without starting is lost.
        ETL_QUEUED_STALE_SECONDS=3600,
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config is None or not test_config.get("TESTING"):
        # Production reads the instance folder and the environment, and so does development
        # (.flaskenv's {"DEBUG": True}): that is where a learner names an API source or a database.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    # Only a configuration chosen in code, for the tests or for development
    # (.flaskenv), may keep the public development key; never an environment
    # variable, which a production server can carry by mistake (FLASK_DEBUG=1).
    chosen_in_code = test_config is not None and bool(test_config.get("TESTING") or test_config.get("DEBUG"))
    if not chosen_in_code:
        check_secret_key(app)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # Dates in reports are UTC days, whatever the server's own zone.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {"options": "-c timezone=UTC"})
    elif str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # Wait up to 30 s for another connection's write to end (SQLite has one
        # writer at a time) instead of failing at once with "database is locked".
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {"timeout": 30})
    os.makedirs(app.instance_path, exist_ok=True)
    app.url_map.converters["int"] = BoundedIntConverter

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    init_logging(app)
    tasks.celery_init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    app.register_blueprint(main.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(metrics.bp)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def init_logging(app: Flask) -> None:
    """Every record of the app's logger carries `run_id` (the run being worked on, or "-"),
    and Flask's own handler shows it, in the web process and in a Celery worker alike."""
    run_ids = RunIdFilter()
    app.logger.addFilter(run_ids)  # for any handler: the attribute is on the record
    default_handler.addFilter(run_ids)
    default_handler.setFormatter(
        logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s [run %(run_id)s]: %(message)s")
    )


def check_secret_key(app: Flask) -> None:
    """Stop with a clear message when SECRET_KEY is missing, blank, not text, or the public key.

    Anyone who knows the key can forge a session cookie, and "dev" is printed in
    this project for everyone to read.
    """
    key = app.config.get("SECRET_KEY")
    if not isinstance(key, str) or key.strip() in ("", DEV_SECRET_KEY):
        raise RuntimeError(
            "SECRET_KEY is missing, blank, not a string, or the public development key: put "
            "SECRET_KEY = '<a long random string>' in instance/config.py or set the FLASK_SECRET_KEY "
            'environment variable (python -c "import secrets; print(secrets.token_hex())" makes one). '
            "While developing, run `flask` in the project folder: its .flaskenv chooses the development configuration."
        )
