"""The pytest plugin `scaffolder check` loads into a practice project's test run.

Loaded with `-p scaffolder.pytest_plugin`; it maps each test to its exercise
through the `exercise` marker and writes what happened, in plain words, to the
JSON file named by `--scaffolder-report`. Hooks are in lifecycle order; state
lives in `config.stash`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from scaffolder.report import REPORT_FORMAT, error_location, last_error_line

MAX_OUTPUT_LINES = 20
MAX_OUTPUT_CHARS = 2000
report_key = pytest.StashKey[dict[str, Any]]()
_slug_key = pytest.StashKey["str | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scaffolder", "scaffolder practice projects")
    group.addoption("--scaffolder-report", metavar="PATH", help="write per-exercise results as JSON to PATH")
    group.addoption("--scaffolder-only", metavar="SLUG", help="run only the tests of this exercise")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[report_key] = {"format": REPORT_FORMAT, "tests": {}, "collect_errors": [], "unassigned": []}


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    if report.failed:
        text = report.longreprtext
        collector.config.stash[report_key]["collect_errors"].append(
            {"nodeid": report.nodeid, "message": last_error_line(text), "location": error_location(text)}
        )
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
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"
        entry["message"] = _skip_reason(report)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = session.config.getoption("scaffolder_report")
    if not target:
        return
    data = session.config.stash[report_key]
    data["exitstatus"] = int(exitstatus)
    path = Path(target)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, path)


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
    root = item.config.rootpath.resolve()
    learner = test = None
    for entry in reversed(excinfo.traceback):
        try:
            relative = Path(entry.path).resolve().relative_to(root)
        except (ValueError, OSError):
            continue
        if {"site-packages", ".venv", "venv"}.intersection(relative.parts):
            continue
        where = f"{relative.as_posix()}:{entry.lineno + 1}"
        if relative.parts[0] == "tests" or relative.name.startswith("test_") or relative.name == "conftest.py":
            test = test or where
        else:
            learner = learner or where
    if test is None:
        path, lineno, _ = item.location
        test = f"{path}:{(lineno or 0) + 1}"
    return learner, test


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
