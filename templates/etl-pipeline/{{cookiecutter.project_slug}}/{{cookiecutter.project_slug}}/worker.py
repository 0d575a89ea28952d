"""Runs started over HTTP proceed here, in a thread, after the request has answered.

The request's application context, its `db.session` and `request` are gone
once the response is sent, so the worker must not use them: it gets the
real app object and opens its own application context (and with it, its own
database session).

At most ETL_WORKERS runs work at once: each takes a slot of a semaphore and
gives it back when it ends. With every slot taken, start_worker refuses at
once (WorkersBusy) instead of piling up threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

# BEGIN SOLUTION background-runs
from flask import Flask

from .pipeline import run_pipeline
# STUB
# from flask import Flask
# END SOLUTION

_slots_lock = threading.Lock()


class WorkersBusy(Exception):
    """Every worker slot is taken: try again when a run has ended."""


def thread_name(run_id: int) -> str:
    """The name of the thread that works on run `run_id`."""
    return f"etl-run-{run_id}"


def slots(app: Flask) -> threading.BoundedSemaphore:
    """The app's worker slots: a semaphore of ETL_WORKERS, made on first use."""
    with _slots_lock:
        if "etl_workers" not in app.extensions:
            app.extensions["etl_workers"] = threading.BoundedSemaphore(app.config["ETL_WORKERS"])
        return app.extensions["etl_workers"]


def start_worker(app: Flask, run_id: int, source: Path, full: bool = False) -> threading.Thread:
    """Start a thread that runs the pipeline for the queued run `run_id`; return the started thread.

    Raise WorkersBusy, starting nothing, when ETL_WORKERS runs are already working.
    """
    # BEGIN SOLUTION background-runs
    slot = slots(app)
    if not slot.acquire(blocking=False):
        raise WorkersBusy(f"all {app.config['ETL_WORKERS']} workers are busy")
    thread = threading.Thread(target=work, args=(app, run_id, source, full), name=thread_name(run_id), daemon=True)
    try:
        thread.start()
    except BaseException:
        slot.release()
        raise
    return thread
    # END SOLUTION


def work(app: Flask, run_id: int, source: Path, full: bool = False) -> None:
    """The thread's body: run the pipeline inside a fresh application context, then free the slot."""
    # BEGIN SOLUTION background-runs
    try:
        with app.app_context():
            # run_pipeline records success or failure in the run log itself.
            run_pipeline(source, run_id=run_id, full=full)
    finally:
        slots(app).release()
    # END SOLUTION
