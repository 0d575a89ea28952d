"""The solved etl-pipeline's task queue with a real Redis server and a real worker process.

The test starts a throw-away `redis-server` itself (on a unix socket in a temporary
directory, no TCP port; as root, as the unprivileged user `nobody`, like the PostgreSQL
test), renders the solved project, and starts its worker with the README's command,
`flask etl worker`, against that Redis. A run posted over HTTP (the app's test client:
the web process only sends a message) is picked up by the worker and finishes. Then a
worker is killed with SIGKILL in the middle of a run; the sweeper (`flask etl sweep`)
marks that run failed, and a second run loads exactly the orders the dead one had not
committed. Every process the test starts is stopped.

It needs Debian's `redis-server` (`.ci/run` installs it when missing); without it the
test fails, saying what to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scaffolder.generate import new_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="a Redis server on a unix socket, and runuser, as on Debian"),
]

TEMPLATE = "etl-pipeline"
SERVER_USER = "nobody"  # used only when the tests run as root
# Generous nets for waits that should end in seconds: never a judgement of speed.
NET_SECONDS = 120


def as_server_user(command: list[str]) -> list[str]:
    """Run `command` as the unprivileged server user when we are root, as tests/test_etl_postgres.py does."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def wait_until(condition, what: str, process: subprocess.Popen | None = None, log: Path | None = None):
    """Poll `condition()` until it gives something truthy, and return it; fail after NET_SECONDS (a net)."""
    deadline = time.monotonic() + NET_SECONDS  # wall-clock: a net for a wait that never ends
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    detail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    pytest.fail(f"{what} did not happen\n{detail}")


@pytest.fixture(scope="module")
def redis_url():
    """Start a temporary redis-server on a unix socket; yield its URL; stop it and remove its folder."""
    server = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if server is None:
        pytest.fail("redis-server not found: install Debian's `redis-server` package (.ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="scaffolder-redis-"))
    socket_path, log = root / "redis.sock", root / "redis.log"
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam(SERVER_USER)
        os.chown(root, user.pw_uid, user.pw_gid)
    command = [
        server, "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "777",
        "--dir", str(root), "--save", "", "--appendonly", "no", "--logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(as_server_user(command), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_until(socket_path.exists, "redis-server listening on its socket", process, log)
        yield f"redis+socket://{socket_path}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def project(tmp_path_factory):
    return new_project(TEMPLATE, {}, tmp_path_factory.mktemp("celery"), no_input=True, solved=True, git=False).path


def project_env(project: Path, redis_url: str) -> dict[str, str]:
    """The environment of every process of the project: the app as production builds it, on the test's Redis."""
    return dict(
        os.environ,
        FLASK_APP=project.name,
        FLASK_SECRET_KEY="a-secret-for-this-test-only",
        CELERY_BROKER_URL=redis_url,
        # A worker that stops beating is abandoned after 3 s (the default is a minute).
        FLASK_ETL_RUN_STALE_SECONDS="3",
        # One batch at a time, small enough that a run lasts many batches.
        FLASK_ETL_BATCH_SIZE="100",
        PYTHONDONTWRITEBYTECODE="1",
    )


def flask(project: Path, env: dict, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "flask", *arguments], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"flask {' '.join(arguments)} failed: {result.stdout}{result.stderr}"
    return result


class Worker:
    """`flask etl worker` in its own process group, its output in a log file."""

    def __init__(self, project: Path, env: dict, log: Path):
        self.log = log
        self._out = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "etl", "worker", "--loglevel=INFO"],
            cwd=project, env=env, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._out.close()


@pytest.fixture
def workers():
    started: list[Worker] = []

    def start(project: Path, env: dict, name: str) -> Worker:
        worker = Worker(project, env, project / f"{name}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill(signal.SIGTERM)


def run_json(project: Path, env: dict, script: str) -> str:
    """Run a small Python script in the project, with the app as production builds it; return stdout."""
    preamble = f"from {project.name} import create_app\napp = create_app()\nclient = app.test_client()\n"
    result = subprocess.run(
        [sys.executable, "-c", preamble + script], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def post_run(project: Path, env: dict, source: str) -> tuple[int, int | None]:
    out = run_json(
        project,
        env,
        f"r = client.post('/api/runs', json={{'source': {source!r}}})\n"
        "print(r.status_code, (r.get_json() or {}).get('id'))",
    )
    status, run_id = out.split()
    return int(status), (int(run_id) if run_id != "None" else None)


def get_run(project: Path, run_id: int) -> dict:
    """The run's row, read straight from the project's SQLite file (quicker than starting the app)."""
    with sqlite3.connect(project / "instance" / f"{project.name}.sqlite", timeout=60) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    return dict(row) if row is not None else {}


def count_orders(project: Path) -> int:
    with sqlite3.connect(project / "instance" / f"{project.name}.sqlite", timeout=60) as connection:
        return connection.execute("SELECT count(*) FROM orders").fetchone()[0]


def expected_valid(project: Path, env: dict, rows: int) -> int:
    return int(
        run_json(project, env, f"from {project.name}.generate import expected_valid\nprint(expected_valid({rows}))")
    )


@pytest.mark.timeout(900)
def test_a_posted_run_goes_through_redis_to_a_worker_process(redis_url, project, workers):
    env = project_env(project, redis_url)
    flask(project, env, "etl", "init-db")
    flask(project, env, "etl", "generate", "small.csv", "--rows", "500")
    worker = workers(project, env, "worker")
    status, run_id = post_run(project, env, "small.csv")
    assert status == 202, f"POST /api/runs should answer 202, not {status}"
    done = wait_until(
        lambda: (run := get_run(project, run_id))["status"] in ("succeeded", "failed") and run,
        f"run {run_id} finishing in the worker",
        worker.process,
        worker.log,
    )
    assert done["status"] == "succeeded", done
    assert done["loaded"] == expected_valid(project, env, 500), done
    assert "redis+socket://" in worker.log.read_text(errors="replace"), "the worker should have used the test's Redis"
    assert not (project / "instance" / "broker.sqlite").exists(), "the embedded broker should not be used with Redis"


@pytest.mark.timeout(900)
def test_a_killed_worker_is_swept_and_the_next_run_loads_exactly_the_rest(redis_url, project, workers):
    env = project_env(project, redis_url)
    rows = 200_000
    flask(project, env, "etl", "init-db")
    flask(project, env, "etl", "generate", "orders.csv", "--rows", str(rows))
    valid = expected_valid(project, env, rows)
    worker = workers(project, env, "first-worker")
    status, dead = post_run(project, env, "orders.csv")
    assert status == 202, f"POST /api/runs should answer 202, not {status}"
    # Kill it once it has committed a few batches, well before the end.
    wait_until(lambda: get_run(project, dead)["loaded"] >= 1000, "the first run loading", worker.process, worker.log)
    worker.kill(signal.SIGKILL)
    killed = get_run(project, dead)
    assert killed["status"] == "running" and 0 < killed["loaded"] < valid, (
        f"a worker killed mid-run leaves its run 'running' with part of the file loaded: {killed}"
    )
    assert post_run(project, env, "orders.csv")[0] == 409, "while its heartbeat is fresh, the source stays busy"

    # The sweeper: once the heartbeat is older than ETL_RUN_STALE_SECONDS, it marks the run failed.
    wait_until(
        lambda: f"Abandoned runs marked failed: {dead}." in flask(project, env, "etl", "sweep").stdout,
        "the sweeper marking the dead run failed",
    )
    swept = get_run(project, dead)
    assert swept["status"] == "failed" and "abandoned" in swept["error"], swept
    assert swept["loaded"] == killed["loaded"], f"sweeping keeps the counts of the dead run: {swept}"
    loaded_by_dead = swept["loaded"]

    second_worker = workers(project, env, "second-worker")
    status, second = post_run(project, env, "orders.csv")
    assert status == 202, f"after the sweep, a POST of the source should start a run, not answer {status}"
    done = wait_until(
        lambda: (run := get_run(project, second))["status"] in ("succeeded", "failed") and run,
        f"run {second} finishing in the second worker",
        second_worker.process,
        second_worker.log,
    )
    assert done["status"] == "succeeded", done
    assert done["loaded"] == valid - loaded_by_dead, (
        f"the second run should load exactly the {valid - loaded_by_dead} orders the dead run had not committed, "
        f"not {done['loaded']}"
    )
    count = count_orders(project)
    assert count == valid, f"every valid order should be stored once: {count} rows, {valid} valid"
