"""The solved etl-pipeline's own suite, run against a real PostgreSQL server.

The test starts a throw-away server itself: `initdb` in a temporary directory, a
free port on 127.0.0.1, no password (trust, local only), and stops and removes it
afterwards. PostgreSQL refuses to run as root, so as root the server runs as the
unprivileged user `nobody` (the data directory is handed to it).

It needs the server binaries (`initdb`, `pg_ctl`, `postgres`): on PATH or in
/usr/lib/postgresql/<version>/bin (Debian's `postgresql` package; `.ci/run`
installs it when it is missing). Without them the test fails, saying what to install.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from scaffolder.generate import new_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="a PostgreSQL server laid out as on Debian, via runuser"),
]

TEMPLATE = "etl-pipeline"
SERVER_USER = "nobody"  # used only when the tests run as root


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(re.search(r"/(\d+)/bin/", path).group(1)),
        reverse=True,
    )
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_server_user(command: list[str]) -> list[str]:
    """Run `command` as the unprivileged server user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


@pytest.fixture(scope="module")
def postgres_url():
    """Start a temporary PostgreSQL server; yield a DATABASE_URL for it; stop and remove it."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin: "
            "install the `postgresql` package (.ci/run does) to run the etl-pipeline suite on PostgreSQL"
        )
    try:
        import psycopg  # noqa: F401 (the driver the generated project uses)
    except ImportError:
        pytest.fail('psycopg is not installed: pip install -e ".[dev,postgres]" (as .ci/run does)')

    # Not under pytest's tmp_path: its parent folders are private to the current user,
    # and the server may run as another one.
    root = Path(tempfile.mkdtemp(prefix="scaffolder-postgres-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam(SERVER_USER)
        for path in (root, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = free_port()
    # UTF8 explicitly: with the C locale, initdb would otherwise pick SQL_ASCII, and the driver
    # then hands back bytes instead of text.
    env = dict(os.environ, LC_ALL="C", LANG="C")
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    subprocess.run(
        as_server_user([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"]),
        check=True, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    started = subprocess.run(
        as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    if started.returncode != 0:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {started.stdout}{started.stderr}\n{server_log}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True, env=env, timeout=120,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def test_the_solved_etl_pipeline_passes_its_suite_on_postgresql(postgres_url, tmp_path):
    project = new_project(TEMPLATE, {}, tmp_path, no_input=True, solved=True, git=False).path
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfE"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, DATABASE_URL=postgres_url, PYTHONDONTWRITEBYTECODE="1"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "database: postgresql" in result.stdout, "the project's suite should report that it ran on PostgreSQL"
    assert re.search(r"\b\d+ passed\b", result.stdout) and " skipped" not in result.stdout, result.stdout[-1000:]


def test_the_benchmark_measures_postgresql_beside_its_floors(postgres_url, tmp_path):
    """benchmark.py --postgres: the pipeline, COPY and executemany of the same valid rows load the same count."""
    project = new_project(TEMPLATE, {}, tmp_path, no_input=True, solved=True, git=False).path
    done = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--rows", "2000", "--repeat", "1", "--postgres", postgres_url],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {
        kind: int(count.replace(",", ""))
        for kind, count in re.findall(r"^\s*([\w-]+): .* rows/s .* loaded ([\d,]+)$", done.stdout, re.MULTILINE)
    }
    assert {"pg-copy", "pg-executemany", "pg-pipeline"} <= set(loaded), done.stdout
    assert loaded["pg-pipeline"] == loaded["pg-copy"] == loaded["pg-executemany"] == loaded["pipeline"], done.stdout
    for kind in ("pg-copy", "pg-executemany"):
        assert re.search(rf"pg-pipeline rows/s = \d+\.\d\d x {kind}'s \(medians\)", done.stdout), done.stdout
