"""Exercise 13 (task-queue): runs on a Celery task queue, with retries, late acks and a sweeper.

No server is needed: the tests run the tasks eagerly (in the caller, Celery's eager mode)
or with a worker thread on the embedded broker (a SQLite file in the test's folder).
"""

import threading
from datetime import datetime, timezone

import pytest
from celery.signals import task_postrun, task_retry
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.project_slug }} import tasks
from {{ cookiecutter.project_slug }}.generate import expected_rejects, expected_valid

pytestmark = pytest.mark.exercise("task-queue")

# A generous net for a worker that never reports: not a judgement of speed.
NET_SECONDS = 60
LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


def join_run_threads():
    """Wait for any exercise 11 worker thread (a run that went to a thread instead of the queue)."""
    for thread in threading.enumerate():
        if thread.name.startswith("etl-run-"):
            thread.join()


def applied(task, *args):
    """Run `task` eagerly (retries included, at once) and return Celery's result.

    A stub's NotImplementedError is raised here, so that check can say "not started".
    """
    result = task.apply(args=args)
    if isinstance(result.result, NotImplementedError):
        raise result.result
    return result


@pytest.fixture
def retries():
    """The countdowns (seconds) of the retries Celery schedules while the test runs."""
    seen = []

    def record(sender=None, reason=None, **kwargs):
        seen.append(reason.when)

    task_retry.connect(record, weak=False)
    yield seen
    task_retry.disconnect(record)


@pytest.fixture
def queued_run(seeded, sample):
    """queued_run(name="orders.csv", rows=60): write a sample and add a queued run of it; return the run's id."""
    from {{ cookiecutter.project_slug }}.pipeline import create_run

    def add(name="orders.csv", rows=60):
        sample(name, rows=rows)
        with seeded.app_context():
            return create_run(name)

    return add


def run_row(app, run_id):
    from {{ cookiecutter.project_slug }}.pipeline import get_run

    with app.app_context():
        return get_run(run_id)


def failing_first(monkeypatch, times):
    """Make `tasks.run_pipeline` raise a passing database error `times` times, then work."""
    assert hasattr(tasks, "run_pipeline"), "tasks.py should import run_pipeline (from .pipeline) for run_source"
    real = tasks.run_pipeline
    calls = []

    def flaky(source, **options):
        calls.append(options.get("run_id"))
        if len(calls) <= times:
            raise OperationalError("UPDATE runs ...", {}, Exception("database is locked"))
        return real(source, **options)

    monkeypatch.setattr(tasks, "run_pipeline", flaky)
    return calls


@pytest.mark.timeout(120)  # a worker thread starts and stops: seconds, far below this net
def test_a_post_is_queued_and_a_worker_runs_it(seeded, sample):
    from celery.contrib.testing.worker import start_worker

    sample("orders.csv", rows=80)
    api = seeded.test_client()
    response = api.post("/api/runs", json={"source": "orders.csv"})
    join_run_threads()
    assert response.status_code == 202, f"POST /api/runs should answer 202 Accepted, not {response.status_code}"
    assert response.get_json()["status"] == "queued", "the answer should say the run is 'queued'"
    assert response.headers.get("Location") == "/api/runs/1", "the answer should have a Location header /api/runs/1"
    assert api.get("/api/runs/1").get_json()["status"] == "queued", (
        "with ETL_RUNNER 'celery', POST /api/runs should send the run to the queue and start no thread: "
        "the run should stay 'queued' until a worker takes it (was it run in a thread instead?)"
    )
    celery_app = seeded.extensions["celery"]
    with celery_app.connection_for_write() as connection:
        _, waiting, _ = connection.default_channel.queue_declare(queue="celery", passive=True)
    assert waiting == 1, f"one message should wait on the queue for a worker, not {waiting}"

    finished = threading.Event()

    def on_postrun(sender=None, **kwargs):
        finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=NET_SECONDS):
            assert finished.wait(NET_SECONDS), "the worker should take the message and run the task"  # wall-clock: net
    finally:
        task_postrun.disconnect(on_postrun)
    done = api.get("/api/runs/1").get_json()
    assert done["status"] == "succeeded", f"once the worker has run it, the run should be 'succeeded': {done}"
    assert (done["read"], done["loaded"], done["rejected"]) == (80, expected_valid(80), len(expected_rejects(80))), (
        "GET /api/runs/1 should show the counts of the file"
    )


@pytest.fixture
def unreachable_broker_app(tmp_path):
    """An app whose broker is out of reach (port 1: nothing listens there), torn down as the app fixture is."""
    from conftest import make_app

    from {{ cookiecutter.project_slug }}.extensions import db

    app = make_app(
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        # Give up at the first refusal (kombu retries for seconds by default).
        CELERY={"task_publish_retry": False, "broker_transport_options": {"max_retries": 0}},
    )
    yield app
    with app.app_context():  # close the pooled connections: PostgreSQL's driver warns about one left open
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_an_unreachable_broker_answers_503_and_leaves_no_run(unreachable_broker_app, tmp_path):
    from {{ cookiecutter.project_slug }}.models import seed_products

    app = unreachable_broker_app
    with app.app_context():
        seed_products()
    (tmp_path / "data").mkdir(exist_ok=True)
    from {{ cookiecutter.project_slug }}.generate import write_sample

    write_sample(tmp_path / "data" / "orders.csv", 10)
    api = app.test_client()
    response = api.post("/api/runs", json={"source": "orders.csv"})
    join_run_threads()
    assert response.status_code == 503 and response.is_json, (
        f"with the broker out of reach, POST /api/runs should answer a JSON 503, not {response.status_code}"
    )
    assert response.headers.get("Retry-After", "").isdigit(), "the 503 should say when to retry (Retry-After)"
    assert api.get("/api/runs").get_json()["total"] == 0, "a run that could not be queued should leave no trace"


def test_run_source_runs_the_queued_run(seeded, queued_run):
    run_id = queued_run(rows=60)
    result = applied(tasks.run_source, run_id, "orders.csv")
    assert result.result == "succeeded", f"run_source should return the run's final status, not {result.result!r}"
    run = run_row(seeded, run_id)
    assert run["status"] == "succeeded" and run["loaded"] == expected_valid(60), (
        f"run_source should run the queued run {run_id} of orders.csv: {run}"
    )


def test_a_message_delivered_twice_loads_once(seeded, queued_run, rows):
    run_id = queued_run(rows=60)
    applied(tasks.run_source, run_id, "orders.csv")
    orders, run = rows("orders"), run_row(seeded, run_id)
    again = applied(tasks.run_source, run_id, "orders.csv")
    assert again.successful(), f"a second delivery should not fail: {again.result!r}"
    assert rows("orders") == orders, "a second delivery of the same run should not change the orders"
    assert run_row(seeded, run_id) == run, "a second delivery of a finished run should leave its row as it was"


def test_a_passing_database_error_is_retried_with_backoff(seeded, queued_run, monkeypatch, retries):
    run_id = queued_run(rows=40)
    calls = failing_first(monkeypatch, times=3)
    result = applied(tasks.run_source, run_id, "orders.csv")
    assert retries == [1, 2, 4], (
        f"a locked database (OperationalError) should be retried after 1, 2 and 4 seconds, not {retries}"
    )
    assert len(calls) == 4 and result.successful(), "once the error has passed, the fourth attempt should succeed"
    assert run_row(seeded, run_id)["status"] == "succeeded", "the retried run should end 'succeeded'"


def test_retries_stop_after_five(seeded, queued_run, monkeypatch, retries):
    run_id = queued_run(rows=10)
    calls = failing_first(monkeypatch, times=100)
    result = applied(tasks.run_source, run_id, "orders.csv")
    assert retries == [1, 2, 4, 8, 16], f"the delays should double from 1 s, five retries at most: {retries}"
    assert len(calls) == 6, f"one attempt and five retries, then give up: {len(calls)} attempts"
    assert result.failed() and isinstance(result.result, OperationalError), "the task should end with the error"
    assert run_row(seeded, run_id)["status"] == "queued", "the run never started: it stays 'queued'"


def test_bad_data_is_not_retried(seeded, retries):
    from pathlib import Path

    from {{ cookiecutter.project_slug }}.pipeline import create_run

    folder = Path(seeded.config["ETL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.csv").write_text("id,when\n1,today\n", encoding="utf-8")
    with seeded.app_context():
        run_id = create_run("broken.csv")
    result = applied(tasks.run_source, run_id, "broken.csv")
    assert result.result == "failed", "a file with a wrong header should fail its run (run_source returns 'failed')"
    assert retries == [], f"bad data should never be retried: retries were scheduled after {retries} s"


def test_the_task_acknowledges_late(seeded):
    assert tasks.run_source.acks_late is True, (
        "run_source should acknowledge its message late (acks_late), after the run, so that a message "
        "whose worker died is delivered again"
    )


def die_mid_run(app, path, run_id, batches):
    """Run the pipeline of `run_id` and stop it dead after `batches` batches, as a killed worker does:
    nothing after that point runs (no error is recorded, the run stays 'running')."""
    from {{ cookiecutter.project_slug }}.pipeline import run_pipeline

    class Killed(BaseException):
        pass

    seen = []

    def progress(counts):
        seen.append(counts)
        if len(seen) == batches:
            raise Killed

    with app.app_context(), pytest.raises(Killed):
        run_pipeline(path, run_id=run_id, batch_size=50, progress=progress)


def test_the_sweeper_frees_a_dead_workers_run(seeded, sample, rows, set_run):
    from {{ cookiecutter.project_slug }}.pipeline import create_run

    path = sample("orders.csv", rows=300)
    with seeded.app_context():
        dead = create_run("orders.csv")
    die_mid_run(seeded, path, dead, batches=3)
    api = seeded.test_client()
    assert api.post("/api/runs", json={"source": "orders.csv"}).status_code == 409, (
        "while the dead run's heartbeat is fresh, its source is busy (409)"
    )
    set_run(dead, heartbeat_at=LONG_AGO)
    before = run_row(seeded, dead)
    assert before["status"] == "running" and before["loaded"] == 100, (
        f"the dead run committed two batches of 50 (the third died with it): {before}"
    )
    swept = applied(tasks.sweep_runs).result
    assert swept == [dead], f"sweep_runs should mark the dead run {dead} failed and return its id: {swept!r}"
    after = run_row(seeded, dead)
    assert after["status"] == "failed" and "abandoned" in (after["error"] or ""), (
        f"the dead run should be 'failed', its error saying it was abandoned: {after}"
    )
    assert (after["loaded"], after["watermark"]) == (before["loaded"], before["watermark"]), (
        "sweeping a run should keep its counts and watermark"
    )
    assert applied(tasks.sweep_runs).result == [], "a second sweep should find nothing"

    seeded.extensions["celery"].conf.task_always_eager = True  # the POST runs the task at once
    try:
        response = api.post("/api/runs", json={"source": "orders.csv"})
    finally:
        seeded.extensions["celery"].conf.task_always_eager = False
    join_run_threads()
    assert response.status_code == 202, (
        f"after the sweep, a POST of the source should start a run: {response.status_code}"
    )
    second = run_row(seeded, response.get_json()["id"])
    assert second["status"] == "succeeded", f"the second run should succeed: {second}"
    assert second["loaded"] == expected_valid(300) - before["loaded"], (
        f"the second run should load exactly the {expected_valid(300) - before['loaded']} orders the dead run "
        f"had not committed, not {second['loaded']}"
    )
    assert len(rows("orders")) == expected_valid(300), "every valid order should be loaded once, no more"


def test_the_sweeper_leaves_live_and_queued_runs_alone(seeded, queued_run, new_run, set_run):
    waiting = queued_run("orders.csv")
    live = new_run()
    set_run(waiting, heartbeat_at=LONG_AGO)  # queued for a long time: waiting its turn on the queue
    set_run(live, status="running")
    assert applied(tasks.sweep_runs).result == [], "sweep_runs should leave a live run and a queued run alone"
    assert [run_row(seeded, run_id)["status"] for run_id in (waiting, live)] == ["queued", "running"], (
        "the queued run and the live run should keep their status"
    )


def test_flask_etl_sweep_marks_and_says(seeded, new_run, set_run):
    run_id = new_run()
    set_run(run_id, status="running", heartbeat_at=LONG_AGO)
    result = seeded.test_cli_runner().invoke(args=["etl", "sweep"])
    if isinstance(result.exception, NotImplementedError):
        raise result.exception
    assert result.exit_code == 0, f"flask etl sweep should succeed: {result.output}"
    assert f"Abandoned runs marked failed: {run_id}." in result.output, (
        f"flask etl sweep should say `Abandoned runs marked failed: {run_id}.`, not {result.output!r}"
    )
    again = seeded.test_cli_runner().invoke(args=["etl", "sweep"])
    assert "Abandoned runs marked failed: none." in again.output, (
        f"a second flask etl sweep should say `Abandoned runs marked failed: none.`, not {again.output!r}"
    )
