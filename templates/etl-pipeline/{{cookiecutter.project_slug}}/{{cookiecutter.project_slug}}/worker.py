"""Runs started over HTTP proceed here, in a thread, after the request has answered.

The request's application context, its `db.session` and `request` are gone
once the response is sent, so the worker must not use them: it gets the
real app object and opens its own application context (and with it, its own
database session).
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


def thread_name(run_id: int) -> str:
    """The name of the thread that works on run `run_id`."""
    return f"etl-run-{run_id}"


def start_worker(app: Flask, run_id: int, source: Path, full: bool = False) -> threading.Thread:
    """Start a thread that runs the pipeline for the queued run `run_id`; return the started thread."""
    # BEGIN SOLUTION background-runs
    thread = threading.Thread(target=work, args=(app, run_id, source, full), name=thread_name(run_id), daemon=True)
    thread.start()
    return thread
    # END SOLUTION


def work(app: Flask, run_id: int, source: Path, full: bool = False) -> None:
    """The thread's body: run the pipeline inside a fresh application context."""
    # BEGIN SOLUTION background-runs
    with app.app_context():
        # run_pipeline records success or failure in the run log itself.
        run_pipeline(source, run_id=run_id, full=full)
    # END SOLUTION
