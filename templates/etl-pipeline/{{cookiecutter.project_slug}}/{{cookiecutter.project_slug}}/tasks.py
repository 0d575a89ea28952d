"""Runs started over HTTP, on a Celery task queue.

The web process only records a queued run and puts a message on a queue; a
worker process (`flask etl worker`, any number of them, on any machine that
reaches the broker and the database) takes the message and runs the pipeline.

The broker carries the messages: Redis in production (the environment variable
CELERY_BROKER_URL=redis://...), else an embedded one that needs no server, kombu's
SQLAlchemy transport on a SQLite file of the instance folder. There is no result
backend: the run log (the runs table) is the state of every run.

What a queue changes:
- a message may be delivered more than once (a worker that dies before it
  acknowledges it): the task must be idempotent;
- a task can be retried later, with a growing delay, when the failure is
  passing (the database is locked or unreachable); never for bad data;
- a worker that dies mid-run leaves a run marked running whose heartbeat
  stops: the sweeper (sweep_runs, `flask etl sweep`) marks it failed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery import Celery, Task, shared_task
from flask import Flask, current_app
from kombu.exceptions import OperationalError as BrokerUnreachable
from sqlalchemy.exc import OperationalError

# BEGIN SOLUTION task-queue
from .pipeline import recover_abandoned, run_pipeline

# STUB
# END SOLUTION
# OperationalError: SQLAlchemy's error for a database that is locked or cannot be reached.
__all__ = [
    "BrokerUnreachable",
    "OperationalError",
    "broker_url",
    "celery_init_app",
    "run_source",
    "source_path",
    "sweep_runs",
]

# The broker's file when CELERY_BROKER_URL is not set (in the instance folder).
EMBEDDED_BROKER = "broker.sqlite"


def broker_url(url: str | None, instance_path: str) -> str:
    """The broker: `url` when set (redis://... in production), else kombu's SQLAlchemy transport on a SQLite file."""
    return url or f"sqla+sqlite:///{Path(instance_path) / EMBEDDED_BROKER}"


def celery_init_app(app: Flask) -> Celery:
    """Make the Celery app of `app`, configured from CELERY_BROKER_URL and the CELERY mapping.

    Every task runs inside an application context of `app`, so a task can use
    `db` and `current_app` as a request or a CLI command does.
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    stale = app.config["ETL_RUN_STALE_SECONDS"]
    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        broker_connection_retry_on_startup=True,
        # The run log is the result: no result backend.
        task_ignore_result=True,
        # A worker takes one message at a time: a run is long, and a message held by a
        # busy worker is one that an idle worker cannot take.
        worker_prefetch_multiplier=1,
        # Retried eagerly too (tests), instead of raising Retry at the caller.
        task_eager_propagates=False,
        worker_hijack_root_logger=False,
        # The sweeper, for `celery beat` (or `flask etl worker --beat`).
        beat_schedule={"sweep-stuck-runs": {"task": f"{__name__}.sweep_runs", "schedule": timedelta(seconds=stale)}},
        **app.config.get("CELERY", {}),
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def source_path(name: str) -> Path:
    """The path of the source file `name` in ETL_DATA_DIR (a message carries the name, not a path)."""
    return Path(current_app.config["ETL_DATA_DIR"]) / name


# BEGIN SOLUTION task-queue
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=5,
)
def run_source(run_id: int, source: str, full: bool = False) -> str:
    """Work on the queued run `run_id` of the source file `source`; return its final status.

    Idempotent: run_pipeline starts a run only while it is queued, so a message
    delivered again, for a run that has started or ended, changes nothing.
    """
    return run_pipeline(source_path(source), run_id=run_id, full=full)["status"]


@shared_task
def sweep_runs() -> list[int]:
    """Mark failed every running run whose worker stopped (its heartbeat is stale); return their ids."""
    # Queued runs are left alone: they may be waiting their turn in the queue.
    return recover_abandoned(statuses=("running",))
# STUB
# @shared_task
# def run_source(run_id: int, source: str, full: bool = False) -> str:
#     """Work on the queued run `run_id` of the source file `source`; return its final status."""
#     raise NotImplementedError("Exercise 13 (task-queue) is not done yet: see EXERCISES.md")
#
#
# @shared_task
# def sweep_runs() -> list[int]:
#     """Mark failed every running run whose worker stopped (its heartbeat is stale); return their ids."""
#     raise NotImplementedError("Exercise 13 (task-queue) is not done yet: see EXERCISES.md")
# END SOLUTION
