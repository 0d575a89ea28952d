"""Exercise 11 (background-runs): POST starts a run, a worker thread does it, GET follows it."""

import threading

import pytest

from {{ cookiecutter.project_slug }} import worker
from {{ cookiecutter.project_slug }}.generate import expected_rejects, expected_valid

pytestmark = pytest.mark.exercise("background-runs")


def wait_for_worker(run_id):
    """Join the run's worker thread (found by its name) if it is still alive.

    No time limit of its own, which a busy machine could miss: a worker that never
    ends is stopped by the test's timeout, and reported as a hang like any other.
    """
    for thread in threading.enumerate():
        if thread.name == f"etl-run-{run_id}":
            thread.join()


@pytest.fixture
def seeded(seeded):
    """The conftest's app, whose runs started over HTTP work in threads (exercise 13 moves them onto a queue)."""
    seeded.config["ETL_RUNNER"] = "threads"
    return seeded


@pytest.fixture
def api(seeded):
    return seeded.test_client()


def test_post_answers_202_with_the_runs_url(api, sample):
    sample("orders.csv", rows=50)
    response = api.post("/api/runs", json={"source": "orders.csv"})
    assert response.status_code == 202, f"POST /api/runs should answer 202 Accepted, not {response.status_code}"
    assert response.headers.get("Location") == "/api/runs/1", "the answer should have a Location header /api/runs/1"
    body = response.get_json()
    assert body["id"] == 1 and body["source"] == "orders.csv", "the answer should be the run's JSON"
    assert body["url"] == "/api/runs/1", "the run's JSON should link to itself"
    wait_for_worker(1)


def test_the_run_proceeds_in_a_worker_thread(api, sample, monkeypatch):
    sample("orders.csv", rows=120)
    go = threading.Event()
    seen = {}
    real = worker.run_pipeline

    def gated(source, **options):
        seen["thread"] = threading.current_thread().name
        assert go.wait(5), "the test never released the worker"
        return real(source, **options)

    assert hasattr(worker, "run_pipeline"), "worker.py should import run_pipeline (from .pipeline) for work()"
    monkeypatch.setattr(worker, "run_pipeline", gated)
    response = api.post("/api/runs", json={"source": "orders.csv"})
    assert response.status_code == 202, "POST /api/runs should answer 202 before the work is done"
    assert response.get_json()["status"] == "queued", "the run should be 'queued' when the POST answers"
    waiting = api.get("/api/runs/1").get_json()
    assert waiting["status"] == "queued" and waiting["loaded"] == 0, (
        "GET /api/runs/1 should show 'queued' while the worker has not started the pipeline"
    )
    go.set()
    wait_for_worker(1)
    assert seen.get("thread") == "etl-run-1", (
        "the pipeline should run in a thread named etl-run-1; if it never ran, did the thread get the real app "
        "(current_app._get_current_object()) and open its own app context?"
    )
    done = api.get("/api/runs/1").get_json()
    assert done["status"] == "succeeded", f"once the worker has ended, the run should be 'succeeded': {done['status']}"
    assert (done["read"], done["loaded"], done["rejected"]) == (120, expected_valid(120), len(expected_rejects(120))), (
        "GET /api/runs/1 should show the counts of the finished run"
    )
    assert done["finished_at"].endswith("+00:00"), "times should be sent with their zone"


def test_the_worker_has_its_own_app_context(seeded, sample):
    path = sample("orders.csv", rows=30)
    from {{ cookiecutter.project_slug }}.pipeline import create_run, get_run

    with seeded.app_context():
        run_id = create_run("orders.csv")
    thread = worker.start_worker(seeded, run_id, path)
    assert isinstance(thread, threading.Thread), "start_worker should return the thread it started"
    thread.join(5)
    assert thread.name == f"etl-run-{run_id}", "the thread should be named etl-run-<run id>"
    assert thread.daemon, "the thread should be a daemon thread (it must not keep the server from stopping)"
    with seeded.app_context():
        assert get_run(run_id)["status"] == "succeeded", (
            "start_worker(app, ...) is called outside any request here: work() must open app.app_context() itself"
        )


def test_a_failing_run_ends_failed(api, seeded):
    from pathlib import Path

    folder = Path(seeded.config["ETL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.csv").write_text("id,when\n1,today\n", encoding="utf-8")
    response = api.post("/api/runs", json={"source": "broken.csv"})
    assert response.status_code == 202, "a run is accepted before anyone knows it will fail"
    wait_for_worker(1)
    run = api.get("/api/runs/1").get_json()
    assert run["status"] == "failed" and "header" in (run["error"] or ""), (
        "a run of a CSV with a wrong header should end 'failed', with the error in 'error'"
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"source": 42},
        {"source": "../orders.csv"},
        {"source": "/etc/passwd"},
        {"source": ".hidden.csv"},
        {"source": "orders.txt"},
        {"source": "orders\x00.csv"},
        {"source": "orders\ud800.csv"},
        {"source": "orders.csv", "full": "yes"},
    ],
    ids=["no-source", "not-a-string", "parent", "absolute", "hidden", "wrong-suffix", "nul", "surrogate", "full"],
)
def test_bad_requests_answer_json_400(api, sample, body):
    sample("orders.csv", rows=5)
    response = api.post("/api/runs", json=body)
    assert response.status_code == 400, f"POST /api/runs with {body!r} should answer 400 Bad Request"
    assert response.is_json and "error" in response.get_json(), "the 400 should be a JSON error"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("[1, 2]", "application/json"), ("{", "application/json"), ("source=orders.csv", "text/plain")],
    ids=["a-list", "malformed", "not-json"],
)
def test_a_body_that_is_not_a_json_object_answers_400(api, data, content_type):
    response = api.post("/api/runs", data=data, content_type=content_type)
    assert response.status_code == 400 and response.is_json, "a body that is not a JSON object should answer a JSON 400"


def test_an_unknown_source_answers_404(api):
    response = api.post("/api/runs", json={"source": "nowhere.csv"})
    assert response.status_code == 404 and response.is_json, "a file not in the data folder should answer a JSON 404"


def test_a_second_post_while_running_answers_409(api, sample, monkeypatch):
    sample("orders.csv", rows=20)
    go = gate_the_worker(monkeypatch)
    assert api.post("/api/runs", json={"source": "orders.csv"}).status_code == 202, "the first POST should answer 202"
    second = api.post("/api/runs", json={"source": "orders.csv"})
    go.set()
    wait_for_worker(1)
    assert second.status_code == 409 and second.is_json, "a POST while a run of this source is queued should answer 409"


def test_get_an_unknown_run_answers_json_404(api):
    for url in ("/api/runs/999", f"/api/runs/{2**64}"):
        response = api.get(url)
        assert response.status_code == 404 and response.is_json, f"GET {url} should answer a JSON 404"


def test_the_run_list_is_newest_first(api, sample):
    sample("orders.csv", rows=5)
    sample("other.csv", rows=5)
    api.post("/api/runs", json={"source": "orders.csv"})
    wait_for_worker(1)
    api.post("/api/runs", json={"source": "other.csv"})
    wait_for_worker(2)
    body = api.get("/api/runs").get_json()
    assert [run["id"] for run in body["items"]] == [2, 1], "GET /api/runs should list the runs, newest first"


def gate_the_worker(monkeypatch):
    """Make the worker wait for the returned event before it runs the pipeline."""
    go = threading.Event()
    real = worker.run_pipeline

    def gated(source, **options):
        go.wait(5)
        return real(source, **options)

    assert hasattr(worker, "run_pipeline"), "worker.py should import run_pipeline (from .pipeline) for work()"
    monkeypatch.setattr(worker, "run_pipeline", gated)
    return go


def test_the_answer_says_queued_even_when_the_run_is_already_done(api, sample, monkeypatch):
    sample("orders.csv", rows=20)
    real = worker.start_worker

    def start_and_finish(*args, **kwargs):
        thread = real(*args, **kwargs)
        thread.join(5)  # the run ends before the view answers: the worst case for a racy answer
        return thread

    monkeypatch.setattr(worker, "start_worker", start_and_finish)
    response = api.post("/api/runs", json={"source": "orders.csv"})
    assert response.status_code == 202, "POST /api/runs should answer 202"
    assert response.get_json()["status"] == "queued", (
        "the answer to POST /api/runs should always say 'queued' (read the run before its worker starts), "
        f"not {response.get_json()['status']!r}"
    )
    assert api.get("/api/runs/1").get_json()["status"] == "succeeded", (
        "the run itself should have finished: the test replaces worker.start_worker to finish the run before the "
        "view answers, so the view must call it through the module (worker.start_worker(...)), not a name it imported"
    )


def test_simultaneous_posts_start_one_run(api, seeded, sample, monkeypatch):
    sample("orders.csv", rows=20)
    go = gate_the_worker(monkeypatch)
    clients = 4
    barrier = threading.Barrier(clients)
    codes = []

    def post():
        client = seeded.test_client()
        barrier.wait(5)
        codes.append(client.post("/api/runs", json={"source": "orders.csv"}).status_code)

    threads = [threading.Thread(target=post) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    go.set()
    for run in api.get("/api/runs").get_json()["items"]:
        wait_for_worker(run["id"])
    assert sorted(codes) == [202] + [409] * (clients - 1), (
        f"of {clients} POSTs of one source at the same instant, exactly one should start a run (202) "
        f"and the others answer 409: got {sorted(codes)}"
    )
    assert api.get("/api/runs").get_json()["total"] == 1, "only one run should be in the run log"


def test_a_full_pool_answers_503_and_starts_nothing(seeded, sample, monkeypatch):
    seeded.config["ETL_WORKERS"] = 1
    api = seeded.test_client()
    sample("orders.csv", rows=20)
    sample("other.csv", rows=20, seed=2)
    go = gate_the_worker(monkeypatch)
    assert api.post("/api/runs", json={"source": "orders.csv"}).status_code == 202, "the first POST should start"
    refused = api.post("/api/runs", json={"source": "other.csv"})
    threads_before = [thread.name for thread in threading.enumerate() if thread.name.startswith("etl-run-")]
    go.set()
    wait_for_worker(1)
    assert refused.status_code == 503 and refused.is_json, (
        f"with its one worker busy, POST /api/runs should answer a JSON 503, not {refused.status_code}"
    )
    assert refused.headers.get("Retry-After", "").isdigit(), "the 503 should say when to retry (Retry-After)"
    assert threads_before == ["etl-run-1"], f"no thread should start for the refused run: {threads_before}"
    assert [run["source"] for run in api.get("/api/runs").get_json()["items"]] == ["orders.csv"], (
        "the refused run should leave nothing in the run log"
    )
    again = api.post("/api/runs", json={"source": "other.csv"})
    assert again.status_code == 202, "once the worker is free, a new POST should start the run"
    wait_for_worker(again.get_json()["id"])


def test_an_abandoned_run_is_recovered(api, seeded, sample, rows, new_run, set_run):
    from datetime import datetime, timezone

    sample("orders.csv", rows=40)
    # A run that loaded one batch, then its process stopped (a restart): still 'running',
    # its last heartbeat long ago.
    run_id = new_run("orders.csv")
    long_ago = datetime(2000, 1, 1, tzinfo=timezone.utc)
    set_run(run_id, status="running", heartbeat_at=long_ago, loaded=7, read=8, watermark=long_ago)
    fresh = api.post("/api/runs", json={"source": "orders.csv"})
    assert fresh.status_code == 202, (
        f"a run whose heartbeat stopped long ago should not block its source: POST answered {fresh.status_code}"
    )
    wait_for_worker(fresh.get_json()["id"])
    old = api.get(f"/api/runs/{run_id}").get_json()
    assert old["status"] == "failed" and "abandoned" in (old["error"] or ""), (
        f"the abandoned run should be marked failed, its error saying it was abandoned: {old}"
    )
    assert (old["read"], old["loaded"], old["watermark"]) == (8, 7, "2000-01-01T00:00:00+00:00"), (
        "recovering a run should keep what it had recorded (counts and watermark)"
    )


def test_a_live_run_is_not_recovered(api, seeded, sample, monkeypatch):
    sample("orders.csv", rows=20)
    go = gate_the_worker(monkeypatch)
    assert api.post("/api/runs", json={"source": "orders.csv"}).status_code == 202, "the first POST should start"
    second = api.post("/api/runs", json={"source": "orders.csv"})
    go.set()
    wait_for_worker(1)
    assert second.status_code == 409, "a run with a fresh heartbeat is alive: its source stays busy (409)"
    assert api.get("/api/runs/1").get_json()["status"] == "succeeded", "the live run should end normally"


def test_writers_wait_for_each_other(seeded):
    """Runs write at the same time: a writer must wait for another, not fail with "database is locked"."""
    from {{ cookiecutter.project_slug }}.extensions import db

    with seeded.app_context(), db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            waits = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            assert waits >= 10_000, f"SQLite should wait at least 10 s for a lock (busy timeout), not {waits} ms"
            assert journal == "wal", f"SQLite should use write-ahead logging (readers never block), not {journal}"
        else:
            waits = connection.exec_driver_sql("SHOW lock_timeout").scalar()
            assert waits == "0", f"PostgreSQL should wait for locks as long as needed (lock_timeout 0), not {waits}"


def test_a_symbolic_link_is_refused(api, seeded, tmp_path):
    from pathlib import Path

    outside = tmp_path / "secret.csv"
    outside.write_text("order_id,ordered_at,customer,sku,quantity,unit_price,status\n", encoding="utf-8")
    folder = Path(seeded.config["ETL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orders.csv").symlink_to(outside)
    response = api.post("/api/runs", json={"source": "orders.csv"})
    assert response.status_code == 400 and response.is_json, (
        f"a source that is a symbolic link (it may point outside the data folder) should answer a JSON 400, "
        f"not {response.status_code}"
    )
    assert api.get("/api/runs").get_json()["total"] == 0, "no run should be started for a symbolic link"
