"""`scaffolder check`: run a practice project's tests and judge each exercise."""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from scaffolder.exceptions import TestRunError
from scaffolder.exercises import (
    STUBS_FILE,
    Stubs,
    changed_test_files,
    load_stubs,
    load_test_record,
    write_test_record,
)
from scaffolder.manifest import Exercise
from scaffolder.project import Project
from scaffolder.report import REPORT_FORMAT, error_location, last_error_line, shorten

PASSED, FAILING, NOT_STARTED, NO_TESTS = "passed", "failing", "not started", "no tests"
TEST_TIMEOUT = 10  # seconds a single test may take before it counts as hanging
MAX_TEST_TIMEOUT = 600  # beyond this a "timeout" is no protection at all
RUN_TIMEOUT = 300  # seconds of CPU time the whole run may use (covers hangs outside tests)
RUN_WAIT_FACTOR = 4  # the wall-clock limit on the run, as a multiple of its CPU limit: only a wait meets it
IMPORT_GRACE = 10  # seconds of CPU time on top of the test timeout for pytest to import the project
IMPORT_WAIT_FACTOR = 6  # the wall-clock limit on importing, as a multiple of its CPU limit: only a wait meets it
POLL_SECONDS = 0.02
MAX_OUTPUT_LINES = 400  # of pytest's own output, kept to explain a run that did not report
MAX_LINE_BYTES = 2000
# Settings in the learner's shell that would change which tests run or how.
IGNORED_ENVIRONMENT = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DEBUG", "PYTEST_CURRENT_TEST"}


@dataclass(frozen=True)
class TestResult:
    """One test's outcome, as the plugin reported it."""

    __test__ = False

    nodeid: str
    name: str
    outcome: str
    message: str = ""
    kind: str = ""
    location: str | None = None
    test_location: str | None = None
    output: str = ""


@dataclass(frozen=True)
class ExerciseResult:
    exercise: Exercise
    status: str
    tests: tuple[TestResult, ...]

    @property
    def failures(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome != "passed"]


@dataclass(frozen=True)
class CheckResult:
    exercises: tuple[ExerciseResult, ...]
    unassigned: tuple[str, ...]
    stopped: dict[str, str] | None = None  # the test that hung, when the run stopped early
    stubs_known: bool = True  # False: .scaffolder/stubs.json is missing or damaged
    changed_tests: tuple[str, ...] = ()  # test files that differ from the generated ones

    @property
    def current(self) -> ExerciseResult | None:
        """The first selected exercise that does not pass."""
        return next((r for r in self.exercises if r.status != PASSED), None)


def run_check(
    project: Project,
    only: Exercise | None = None,
    test_timeout: float = TEST_TIMEOUT,
    run_timeout: float = RUN_TIMEOUT,
    launcher: Launcher | None = None,
    test_files: tuple[str, ...] = (),
) -> CheckResult:
    """Run the project's suite in a subprocess and sort the results by exercise.

    `launcher` starts the pytest process (default: a plain subprocess; `watch`
    forks one from a process with the heavy imports done). `test_files` limits
    collection to those files, when the caller knows where `only`'s tests are.
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
            command.append(f"--scaffolder-only={only.slug}")
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
            command, project.root, env, progress_path, import_wait, run_wait, launcher or launch_subprocess
        )
        if hasattr(signal, "SIGXCPU") and returncode == -signal.SIGXCPU:
            raise TestRunError(f"The tests used more than {run_timeout:g} s of CPU time; the run was stopped.")
        data = _read_report(report_path, returncode, output, progress_path, project.root)
    if data["collect_errors"]:
        raise TestRunError(_collect_problem(data["collect_errors"][0], project.root))
    selected = [only] if only is not None else list(project.manifest.exercises)
    stubs = load_stubs(project.root)
    if stubs is None or load_test_record(project.root) is None:
        stubs = rebuild_records(project)
    result = judge(data, selected, project.root, stubs)
    return dataclasses.replace(
        result,
        stubs_known=stubs is not None,
        changed_tests=tuple(changed_test_files(project.root, project.manifest.learner_files())),
    )


def rebuild_records(project: Project) -> Stubs | None:
    """Make .scaffolder/stubs.json and tests.json again from the installed template, when they are lost.

    The template rendered for the same package gives the same stubs and tests;
    None when that is not possible (the template is not installed here).
    """
    from scaffolder.exceptions import ScaffolderError
    from scaffolder.generate import new_project

    package = project.package
    if package is None:
        return None
    with tempfile.TemporaryDirectory(prefix="scaffolder-rebuild-") as scratch:
        try:
            fresh = new_project(
                project.manifest.name, {"project_slug": package}, Path(scratch), no_input=True, git=False
            ).path
        except (ScaffolderError, OSError):
            return None
        stubs = load_stubs(fresh)
        try:
            (project.root / STUBS_FILE).parent.mkdir(exist_ok=True)
            shutil.copyfile(fresh / STUBS_FILE, project.root / STUBS_FILE)
            write_test_record(project.root, load_test_record(fresh) or {})
        except OSError:
            pass  # a read-only project: use the records for this run only
    return stubs


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


def _read_report(path: Path, returncode: int, output: str, progress: Path, root: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        running = _running_test(progress)
        if running is not None:
            raise TestRunError(
                f"The test run ended in the middle of {running} (exit code {returncode}) without a result: "
                "does the code call os._exit() or sys.exit(), or crash the interpreter?"
            ) from None
        where = _relative(error_location(output), root)
        detail = _short(last_error_line(output))
        suffix = f" ({where})" if where else ""
        if re.match(r"\w+(Error|Exception)\b", detail):
            if where and _is_test_file(where):
                raise TestRunError(_tests_broken(detail, where)) from None
            # Typically conftest.py importing the learner's package, which raised.
            raise TestRunError(f"Your code does not import, so no test can run: {detail}{suffix}") from None
        raise TestRunError(f"The tests could not start (pytest exit code {returncode}): {detail}{suffix}") from None
    if data.get("format") != REPORT_FORMAT:
        raise TestRunError("The test report is in a format this scaffolder does not understand; reinstall scaffolder.")
    return data


def _running_test(progress: Path) -> str | None:
    try:
        text = progress.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text.removeprefix("running ") if text.startswith("running ") else None


def _short(text: str) -> str:
    """One line of at most 300 characters: a 10 MB line printed at import must not flood the terminal."""
    return shorten(" ".join(text.split()), 300)


def _is_test_file(location: str) -> bool:
    path = PurePosixPath(location.rsplit(":", 1)[0].replace("\\", "/"))
    return path.parts[:1] == ("tests",) or path.name == "conftest.py" or path.name.startswith("test_")


def _tests_broken(detail: str, location: str) -> str:
    file = location.rsplit(":", 1)[0]
    return (
        f"The project's tests do not load: {detail} ({location}). {file} is one of the generated tests, "
        f"not your code: restore it with `git checkout -- {file}` (or copy it from a fresh `scaffolder new`)."
    )


def _relative(location: str | None, root: Path) -> str | None:
    """A file:line inside the project, relative to it (pytest sometimes gives absolute paths)."""
    if not location:
        return location
    file, _, line = location.rpartition(":")
    try:
        file = Path(file).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return location
    return f"{file}:{line}"


def _collect_problem(error: dict[str, Any], root: Path) -> str:
    location = _relative(error.get("location"), root)
    message = _short(error["message"])
    if location and _is_test_file(location):
        return _tests_broken(message, location)
    where = f" ({location})" if location else ""
    return f"Your code does not import, so no test can run: {message}{where}"


def judge(data: dict[str, Any], exercises: list[Exercise], root: Path, stubs: Stubs | None = None) -> CheckResult:
    """Give each exercise a status from its tests' outcomes (and its stubs, for 'not started')."""
    by_slug: dict[str, list[TestResult]] = {}
    for nodeid, raw in data["tests"].items():
        result = TestResult(
            nodeid=nodeid,
            name=raw.get("name", nodeid),
            outcome=raw.get("outcome", "failed"),
            message=raw.get("message", ""),
            kind=raw.get("kind", ""),
            location=raw.get("location"),
            test_location=raw.get("test_location"),
            output=raw.get("output", ""),
        )
        by_slug.setdefault(raw.get("exercise") or "", []).append(result)
    stopped = data.get("stopped")
    for nodeid, raw in data.get("collected", {}).items():
        if nodeid not in data["tests"] and stopped:
            message = f"not run: the run stopped after {stopped.get('name', 'a test')} hung"
            result = TestResult(nodeid=nodeid, name=raw.get("name", nodeid), outcome="not run", message=message)
            by_slug.setdefault(raw.get("exercise") or "", []).append(result)
    results = []
    for exercise in exercises:
        tests = tuple(by_slug.get(exercise.slug, ()))
        untouched = _stubs_untouched((stubs or {}).get(exercise.slug), root)
        results.append(ExerciseResult(exercise, _status(tests, untouched), tests))
    return CheckResult(tuple(results), tuple(data.get("unassigned", ())), stopped=stopped)


def _status(tests: tuple[TestResult, ...], stubs_untouched: bool | None) -> str:
    """passed, not started (stubs untouched, or every test stopped by a stub), or failing."""
    if not tests:
        return NO_TESTS
    if all(t.outcome == "passed" for t in tests):
        return PASSED
    if stubs_untouched is not None:
        return NOT_STARTED if stubs_untouched else FAILING
    return NOT_STARTED if all(t.kind == "not_implemented" for t in tests) else FAILING


def _stubs_untouched(stubs: list[dict[str, str]] | None, root: Path) -> bool | None:
    """Whether every stub of the exercise is still in its file as generated (None: not recorded)."""
    if not stubs:
        return None
    for stub in stubs:
        try:
            if stub["text"] not in (root / stub["file"]).read_text(encoding="utf-8"):
                return False
        except (OSError, UnicodeDecodeError, KeyError, TypeError):
            return False
    return True
