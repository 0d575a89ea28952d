"""Running: a practice project's pytest in a subprocess, with scaffolder's plugin, stopped when it hangs."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from scaffolder.diagnose import explain_missing_report
from scaffolder.exceptions import TestRunError
from scaffolder.report import REPORT_FORMAT

TEST_TIMEOUT = 10  # seconds a single test may take before it counts as hanging
RUN_TIMEOUT = 300  # seconds of CPU time the whole run may use (covers hangs outside tests)
RUN_WAIT_FACTOR = 4  # the wall-clock limit on the run, as a multiple of its CPU limit: only a wait meets it
IMPORT_GRACE = 10  # seconds of CPU time on top of the test timeout for pytest to import the project
IMPORT_WAIT_FACTOR = 6  # the wall-clock limit on importing, as a multiple of its CPU limit: only a wait meets it
POLL_SECONDS = 0.02
MAX_OUTPUT_LINES = 400  # of pytest's own output, kept to explain a run that did not report
MAX_LINE_BYTES = 2000
# Settings in the learner's shell that would change which tests run or how.
IGNORED_ENVIRONMENT = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DEBUG", "PYTEST_CURRENT_TEST"}


def run_pytest(
    root: Path,
    only: str | None = None,
    test_timeout: float = TEST_TIMEOUT,
    run_timeout: float = RUN_TIMEOUT,
    launcher: Launcher | None = None,
    test_files: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Run the project's suite in a subprocess; returns the plugin's report.

    `only` is an exercise slug to run alone. `launcher` starts the pytest process
    (default: a plain subprocess; `watch` forks one from a process with the heavy
    imports done). `test_files` limits collection to those files.
    """
    with tempfile.TemporaryDirectory(prefix="scaffolder-check-") as scratch:
        report_path = Path(scratch) / "report.json"
        progress_path = Path(scratch) / "progress"
        # Load exactly the plugins check needs: whatever else is installed (random order,
        # xdist, ...) must not change what the learner sees.
        command = [
            *(sys.executable, "-m", "pytest", "-p", "pytest_timeout", "-p", "scaffolder.pytest_plugin"),
            *(f"--scaffolder-report={report_path}", f"--timeout={test_timeout:g}"),
            *("-q", "--no-header", "--color=no", "-p", "no:cacheprovider"),
        ]
        if only is not None:
            command.append(f"--scaffolder-only={only}")
        command.extend(test_files)
        env = {k: v for k, v in os.environ.items() if k not in IGNORED_ENVIRONMENT}
        # Importing the learner's code should take seconds; a loop there is found
        # long before the whole run's limit: by CPU time in the plugin (POSIX), so a
        # busy machine is not taken for a loop, and by a generous wall-clock limit here.
        import_timeout = test_timeout + IMPORT_GRACE
        env.update(
            PYTHONDONTWRITEBYTECODE="1",
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            SCAFFOLDER_PROGRESS=str(progress_path),
            SCAFFOLDER_IMPORT_CPU=f"{import_timeout:g}",
            SCAFFOLDER_RUN_CPU=f"{run_timeout:g}",
        )
        import_wait = import_timeout * (IMPORT_WAIT_FACTOR if hasattr(signal, "setitimer") else 1)
        run_wait = run_timeout * (RUN_WAIT_FACTOR if hasattr(signal, "SIGXCPU") else 1)
        returncode, output = _run(
            command, root, env, progress_path, import_wait, run_wait, launcher or launch_subprocess
        )
        if hasattr(signal, "SIGXCPU") and returncode == -signal.SIGXCPU:
            raise TestRunError(f"The tests used more than {run_timeout:g} s of CPU time; the run was stopped.")
        try:
            data = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise TestRunError(explain_missing_report(returncode, output, progress_path, root)) from None
    if data.get("format") != REPORT_FORMAT:
        raise TestRunError("The test report is in a format this scaffolder does not understand; reinstall scaffolder.")
    return data


class Process(Protocol):
    """A running test process: what `_run` needs of it (subprocess.Popen has all of it)."""

    def wait(self, timeout: float | None = None) -> int: ...
    def poll(self) -> int | None: ...
    def kill(self) -> None: ...


Launcher = Callable[[list[str], Path, dict[str, str], Path], Process]


def launch_subprocess(command: list[str], cwd: Path, env: dict[str, str], output: Path) -> Process:
    """Start `command` as a plain subprocess, its output (both streams) going to the file `output`."""
    with open(output, "wb") as out:
        try:
            return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        except OSError as err:
            raise TestRunError(f"Could not run the tests with {sys.executable}: {err}.") from err


def _run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    progress: Path,
    import_timeout: float,
    run_timeout: float,
    launcher: Launcher,
) -> tuple[int, str]:
    """Run pytest; stop it when importing or the whole run takes too long. Returns (exit code, output)."""
    output = progress.with_name("output")
    process = launcher(command, cwd, env, output)
    started = time.monotonic()
    try:
        while True:
            try:
                returncode = process.wait(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            elapsed = time.monotonic() - started
            if elapsed > import_timeout and not progress.exists():
                raise TestRunError(
                    f"Your code did not finish importing within {import_timeout:g} s, so no test ran: "
                    "does it loop forever (or wait for input) when it is imported?"
                )
            if elapsed > run_timeout:
                raise TestRunError(f"The tests did not finish within {run_timeout:g} s; the run was stopped.")
    finally:
        # Whatever ends this function (a hang, Ctrl-C, SIGTERM), no test process is left behind.
        if process.poll() is None:
            process.kill()
            process.wait()
    # Keep the last lines, each cut short: enough to explain a run that did
    # not report, whatever the learner's code printed.
    try:
        with open(output, "rb") as out:
            tail = collections.deque((line[:MAX_LINE_BYTES] for line in out), maxlen=MAX_OUTPUT_LINES)
    except OSError:
        tail = collections.deque()
    return returncode, b"".join(tail).decode("utf-8", "replace")
