"""A pytest plugin for CI: the exercise table `scaffolder check` prints, without scaffolder.

The workflows in .github/workflows run `python .github/exercise_summary.py [PYTEST ARGS]`: that is
`python -m pytest` with this plugin loaded (`-p exercise_summary`), so the tests run as the project's
own test command runs them. After the run it prints one line per exercise (passed, failing, not
started, incomplete, blocked, no tests) and, when GITHUB_STEP_SUMMARY names a file (as on GitHub
Actions), appends the same table there as Markdown. `--exercise N` (a number or slug) runs one
exercise's tests alone, as the Classroom autograding steps do. It changes no test's outcome.

"Not started" means the exercise's stubs are untouched. Where scaffolder's record of the stubs
(.scaffolder/stubs.json, not committed) is missing, as in CI, it means that every failure is the
stub's own NotImplementedError, as `scaffolder check` says when its record is lost.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

STUB = re.compile(r"Exercise \d+ \(([a-z0-9-]+)\) is not done yet")


def pytest_addoption(parser):
    parser.addoption("--exercise", metavar="N", help="run only this exercise's tests (its number or slug)")


def _exercises(root: Path) -> list[tuple[int, str, str]]:
    """(number, slug, title) of each exercise, from exercises.toml."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the table then lists the exercises by the tests' markers only
        return []
    try:
        data = tomllib.loads((root / "exercises.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [(e["number"], e["slug"], e["title"]) for e in data.get("exercises", [])]


def _stubs(root: Path) -> dict:
    """The stubs scaffolder recorded when it made the project: slug -> [{"file", "text"}]; {} when unknown."""
    try:
        stubs = json.loads((root / ".scaffolder" / "stubs.json").read_text(encoding="utf-8")).get("stubs")
    except (OSError, ValueError, AttributeError):
        return {}
    return stubs if isinstance(stubs, dict) else {}


def _untouched(root: Path, stubs: list) -> bool:
    try:
        return all(stub["text"] in (root / stub["file"]).read_text(encoding="utf-8") for stub in stubs)
    except (OSError, UnicodeDecodeError, KeyError, TypeError):
        return False


def _slug_of(item) -> str | None:
    marker = item.get_closest_marker("exercise")
    return str(marker.args[0]) if marker is not None and marker.args else None


class ExerciseSummary:
    def __init__(self, config):
        self.config = config
        self.exercises = _exercises(config.rootpath)
        self.stubs = _stubs(config.rootpath)
        self.slugs: dict[str, str] = {}  # nodeid -> slug
        self.outcomes: dict[str, dict[str, tuple[str, str]]] = {}  # slug -> nodeid -> (outcome, message)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        wanted = config.getoption("exercise")
        if wanted is not None:
            known = {str(number): slug for number, slug, _ in self.exercises}
            slug = known.get(wanted, wanted)
            kept = [item for item in items if _slug_of(item) == slug]
            config.hook.pytest_deselected(items=[item for item in items if _slug_of(item) != slug])
            items[:] = kept
            if not kept:
                raise pytest.UsageError(f"no test belongs to exercise {wanted!r}")
            self.exercises = [e for e in self.exercises if e[1] == slug] or [(0, slug, slug)]
        for item in items:
            slug = _slug_of(item)
            if slug is not None:
                self.slugs[item.nodeid] = slug

    def pytest_runtest_logreport(self, report):
        slug = self.slugs.get(report.nodeid)
        if slug is None:
            return
        tests = self.outcomes.setdefault(slug, {})
        if report.when == "call" or report.failed or report.skipped:
            if tests.get(report.nodeid, ("passed",))[0] == "passed":  # one outcome per test: its first failure
                crash = getattr(report.longrepr, "reprcrash", None)
                tests[report.nodeid] = (report.outcome, crash.message if crash is not None else "")

    def status(self, slug: str) -> str:
        tests = list(self.outcomes.get(slug, {}).values())
        if not tests:
            return "no tests"
        if all(outcome == "passed" for outcome, _ in tests):
            return "passed"
        failed = [message for outcome, message in tests if outcome == "failed"]
        if not failed:
            return "incomplete"
        if self.stubs.get(slug) and _untouched(self.config.rootpath, self.stubs[slug]):
            return "not started"
        if all(message.startswith("NotImplementedError") for message in failed):
            stubs = {match.group(1) for match in map(STUB.search, failed) if match}
            return "blocked" if stubs and slug not in stubs else "not started"
        return "failing"

    def rows(self) -> list[tuple[str, str, str, str]]:
        exercises = self.exercises or [(0, slug, slug) for slug in self.outcomes]
        rows = []
        for number, slug, title in exercises:
            tests = list(self.outcomes.get(slug, {}).values())
            passed = sum(outcome == "passed" for outcome, _ in tests)
            rows.append((str(number or ""), title, self.status(slug), f"{passed} of {len(tests)}"))
        return rows

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        rows = self.rows()
        if not rows:
            return
        done = sum(status == "passed" for _, _, status, _ in rows)
        terminalreporter.section(f"exercises: {done} of {len(rows)} pass")
        for number, title, status, tests in rows:
            terminalreporter.line(f"{number:>3}  {title:<60}  {status:<12} tests passed: {tests}")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            lines = [f"### Exercises: {done} of {len(rows)} pass", "", "| # | exercise | status | tests passed |"]
            lines.append("|---|---|---|---|")
            lines += [f"| {n} | {title.replace('|', '/')} | {status} | {tests} |" for n, title, status, tests in rows]
            with open(summary, "a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n\n")


def pytest_configure(config):
    config.pluginmanager.register(ExerciseSummary(config), "exercise-summary-table")


if __name__ == "__main__":
    import sys

    sys.exit(pytest.main(["-p", "exercise_summary", *sys.argv[1:]]))
