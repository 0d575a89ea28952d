"""The pytest plugin `scaffolder check` loads into a practice project's test run.

Loaded with `-p scaffolder.pytest_plugin`; it maps each test to its exercise
through the `exercise` marker and writes what happened, in plain words, to the
JSON file named by `--scaffolder-report`. Hooks are in lifecycle order; state
lives in `config.stash`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

import pytest

from scaffolder.report import REPORT_FORMAT, error_location, last_error_line
from scaffolder.storage import write_json

MAX_OUTPUT_LINES = 20
MAX_OUTPUT_CHARS = 2000
MAX_PRINTED_CHARS = 1000  # of what a test printed, kept for `check --format json` (which shows up to 500)
TIMEOUT_MESSAGE = "Timeout (>"  # how pytest-timeout's failures begin
PROGRESS_ENV = "SCAFFOLDER_PROGRESS"
# Seconds of CPU time that importing the project (conftest.py, the test modules and the
# learner's code they import) may use, set by `scaffolder check`. CPU time, not wall-clock
# time: a busy or slow machine does not use it up faster, a loop at import does.
IMPORT_CPU_ENV = "SCAFFOLDER_IMPORT_CPU"
# Seconds of CPU time the whole run may use, set by `scaffolder check` (POSIX: RLIMIT_CPU,
# whose SIGXCPU ends the process; check reports it).
RUN_CPU_ENV = "SCAFFOLDER_RUN_CPU"
report_key = pytest.StashKey[dict[str, Any]]()
_slug_key = pytest.StashKey["str | None"]()
_exitstatus_key = pytest.StashKey[int]()
_files_key = pytest.StashKey[dict[str, tuple["str | None", str]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scaffolder", "scaffolder practice projects")
    group.addoption("--scaffolder-report", metavar="PATH", help="write per-exercise results as JSON to PATH")
    group.addoption("--scaffolder-only", metavar="SLUG", help="run only the tests of this exercise")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[report_key] = {
        "format": REPORT_FORMAT,
        "tests": {},
        "collected": {},
        "collect_errors": [],
        "unassigned": [],
        "stopped": None,
    }


def _progress(text: str) -> None:
    """Tell `scaffolder check` how far the run is (the file it names in SCAFFOLDER_PROGRESS)."""
    target = os.environ.get(PROGRESS_ENV)
    if target:
        Path(target).write_text(text, encoding="utf-8")


_import_stopped = threading.Event()  # the CPU-time limit on importing has fired


def _seconds(name: str) -> float:
    try:
        return max(float(os.environ.get(name, "")), 0.0)
    except ValueError:
        return 0.0


def _limit_run_cpu_time(seconds: float) -> None:
    """From now on, let this process use at most `seconds` more of CPU time (POSIX only)."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
        # SIGXCPU ends the process with a core dump: none in the learner's project.
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    """Before the first conftest.py is imported: start the CPU-time limits on importing and on the run."""
    if _seconds(RUN_CPU_ENV):
        _limit_run_cpu_time(_seconds(RUN_CPU_ENV))
    seconds = _seconds(IMPORT_CPU_ENV)
    if seconds > 0 and hasattr(signal, "setitimer"):

        def stop(signum, frame):
            # Raised where the import was running, and shown there: the learner's loop, not this line.
            __tracebackhide__ = True
            _import_stopped.set()
            raise TimeoutError(
                f"importing the project used more than {seconds:g} s of CPU time: "
                "does the code loop forever when it is imported?"
            )

        signal.signal(signal.SIGPROF, stop)
        signal.setitimer(signal.ITIMER_PROF, seconds)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    if report.failed:
        text = report.longreprtext
        collector.config.stash[report_key]["collect_errors"].append(
            {"nodeid": report.nodeid, "message": last_error_line(text), "location": error_location(text)}
        )
        if _import_stopped.is_set():
            # The next test module would import the looping code again, with no limit left.
            pytest.exit("importing the project used up its CPU time", returncode=pytest.ExitCode.INTERRUPTED)
    return report


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    data = config.stash[report_key]
    only = config.getoption("scaffolder_only")
    keep, drop = [], []
    for item in items:
        slugs = [_marker_slug(mark) for mark in item.iter_markers("exercise")]
        if len(slugs) != 1 or slugs[0] is None:
            data["unassigned"].append(item.nodeid)
            slug = None
        else:
            slug = slugs[0]
        item.stash[_slug_key] = slug
        (keep if only is None or slug == only else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    data["collected"] = {item.nodeid: {"exercise": item.stash[_slug_key], "name": item.name} for item in items}


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.getoption("scaffolder_report"):
        # Nothing reads pytest's own traceback of a failing test: the report carries the
        # message and the locations, taken from the exception itself. Formatting the long
        # traceback (parsing every module on it) took most of a run where many tests fail.
        # Collection is over, so a collection error still gets its full text (and location).
        session.config.option.tbstyle = "line"
    if hasattr(signal, "setitimer") and os.environ.get(IMPORT_CPU_ENV):
        signal.setitimer(signal.ITIMER_PROF, 0)  # imported: the tests have their own limit
    _progress("collected\n")


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _progress(f"running {nodeid}\n")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    data = item.config.stash[report_key]
    entry = data["tests"].setdefault(
        item.nodeid, {"exercise": item.stash.get(_slug_key, None), "outcome": "passed", "name": item.name}
    )
    if report.failed and entry["outcome"] != "failed":
        entry.update(_failure(item, call, report))
        entry["outcome"] = "failed"
        if entry.get("message", "").startswith(TIMEOUT_MESSAGE):
            # A hang usually hangs every later test too (a loop in create_app):
            # one timeout is enough to say so.
            data["stopped"] = {"nodeid": item.nodeid, "name": item.name, "message": entry["message"]}
            item.session.shouldstop = "a test hung"
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"
        entry["message"] = _skip_reason(report)
    # What the test itself printed, passing or not, without pytest's headers; each phase's
    # report holds the output of the phases before it, so the last one holds it all.
    printed = report.capstdout + report.capstderr
    if printed:
        entry["printed"] = printed[:MAX_PRINTED_CHARS]
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_exitstatus_key] = int(exitstatus)
    target = session.config.getoption("scaffolder_report")
    if not target:
        return
    data = session.config.stash[report_key]
    data["exitstatus"] = int(exitstatus)
    write_json(Path(target), data, indent=None)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave at once when the learner's code left a thread running: the report is written."""
    if not config.getoption("scaffolder_report", None):
        return
    lingering = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if lingering:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash.get(_exitstatus_key, 1))


# Helpers below the hooks.


def _marker_slug(mark: pytest.Mark) -> str | None:
    value = mark.args[0] if mark.args else mark.kwargs.get("slug")
    return value if isinstance(value, str) else None


def _failure(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> dict[str, Any]:
    failure: dict[str, Any] = {"phase": report.when, "output": _captured(report)}
    excinfo = call.excinfo
    if excinfo is None:
        failure.update(message=last_error_line(report.longreprtext), kind="error", location=None)
        return failure
    failure["kind"] = "not_implemented" if excinfo.errisinstance(NotImplementedError) else "error"
    if excinfo.errisinstance(AssertionError):
        failure["kind"] = "assertion"
    failure["message"] = _plain_message(excinfo)
    failure["location"], failure["test_location"] = _locations(excinfo, item)
    return failure


def _plain_message(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    if excinfo.errisinstance(pytest.fail.Exception):
        return str(excinfo.value.msg or "failed").strip()
    if excinfo.errisinstance(AssertionError):
        text = str(excinfo.value).strip()
        lines = text.splitlines() or ["assertion failed"]
        if lines[0].startswith("assert "):
            return lines[0]
        said = []
        for line in lines:
            if line.startswith("assert "):
                break
            said.append(line)
        return "\n".join(said).strip()
    return excinfo.exconly().strip().splitlines()[0]


def _locations(excinfo: pytest.ExceptionInfo[BaseException], item: pytest.Item) -> tuple[str | None, str]:
    """The innermost frame in the learner's own code, and the innermost frame in the tests."""
    learner = test = None
    for frame, lineno in reversed(list(traceback.walk_tb(excinfo.tb))):
        kind, relative = _classify(item.config, frame.f_code.co_filename)
        if kind == "test":
            test = test or f"{relative}:{lineno}"
        elif kind == "learner":
            learner = learner or f"{relative}:{lineno}"
    if test is None:
        path, lineno, _ = item.location
        test = f"{path}:{(lineno or 0) + 1}"
    return learner, test


def _classify(config: pytest.Config, filename: str) -> tuple[str | None, str]:
    """("test" | "learner" | None, the path relative to the project) for a frame's file, worked out once per file."""
    cache = config.stash.setdefault(_files_key, {})
    absolute = os.path.abspath(filename) if filename else ""
    if absolute not in cache:
        cache[absolute] = _classify_file(config.rootpath.resolve(), absolute)
    return cache[absolute]


def _classify_file(root: Path, filename: str) -> tuple[str | None, str]:
    path = Path(filename)
    if not filename or not path.is_file():
        return None, ""  # generated code, such as "<sqlalchemy generated wrapper>"
    try:
        relative = path.resolve().relative_to(root)
    except (ValueError, OSError):
        return None, ""
    if {"site-packages", ".venv", "venv"}.intersection(relative.parts):
        return None, ""
    if relative.parts[0] == "tests" or relative.name.startswith("test_") or relative.name == "conftest.py":
        return "test", relative.as_posix()
    return "learner", relative.as_posix()


def _captured(report: pytest.TestReport) -> str:
    chunks = [f"--- {title} ---\n{content.rstrip()}" for title, content in report.sections if content.strip()]
    return cut("\n".join(chunks))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def cut(text: str) -> str:
    """Keep the end of long output: the last lines are the ones that explain."""
    lines = text.splitlines()
    if len(lines) > MAX_OUTPUT_LINES:
        lines = [f"... ({len(lines) - MAX_OUTPUT_LINES} earlier lines cut)", *lines[-MAX_OUTPUT_LINES:]]
    text = "\n".join(lines)
    if len(text) > MAX_OUTPUT_CHARS:
        text = "... " + text[-MAX_OUTPUT_CHARS:]
    return text
