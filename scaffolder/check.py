"""`scaffolder check`: run a practice project's tests and judge each exercise."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.exceptions import TestRunError
from scaffolder.exercises import Stubs, load_stubs
from scaffolder.manifest import Exercise
from scaffolder.project import Project
from scaffolder.report import REPORT_FORMAT, error_location, last_error_line

PASSED, FAILING, NOT_STARTED, NO_TESTS = "passed", "failing", "not started", "no tests"
TEST_TIMEOUT = 10  # seconds a single test may take before it counts as hanging
RUN_TIMEOUT = 120  # seconds the whole run may take (covers hangs outside tests)


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

    @property
    def current(self) -> ExerciseResult | None:
        """The first selected exercise that does not pass."""
        return next((r for r in self.exercises if r.status != PASSED), None)


def run_check(
    project: Project, only: Exercise | None = None, test_timeout: float = TEST_TIMEOUT, run_timeout: float = RUN_TIMEOUT
) -> CheckResult:
    """Run the project's suite in a subprocess and sort the results by exercise."""
    scratch = tempfile.TemporaryDirectory(prefix="scaffolder-check-")
    report_path = Path(scratch.name) / "report.json"
    # Load exactly the plugins check needs: whatever else is installed (random order,
    # xdist, ...) must not change what the learner sees.
    command = [
        *(sys.executable, "-m", "pytest", "-p", "pytest_timeout", "-p", "scaffolder.pytest_plugin"),
        *(f"--scaffolder-report={report_path}", f"--timeout={test_timeout:g}"),
        *("-q", "--no-header", "--color=no", "-p", "no:cacheprovider"),
    ]
    if only is not None:
        command.append(f"--scaffolder-only={only.slug}")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    try:
        completed = subprocess.run(
            command, cwd=project.root, env=env, capture_output=True, text=True, timeout=run_timeout
        )
        data = _read_report(report_path, completed)
    except subprocess.TimeoutExpired as err:
        raise TestRunError(
            f"The tests did not finish within {run_timeout:g} s: does your code loop forever when it is imported?"
        ) from err
    except OSError as err:
        raise TestRunError(f"Could not run the tests with {sys.executable}: {err}.") from err
    finally:
        scratch.cleanup()
    if data["collect_errors"]:
        raise TestRunError(_collect_problem(data["collect_errors"][0]))
    selected = [only] if only is not None else list(project.manifest.exercises)
    return judge(data, selected, project.root, load_stubs(project.root))


def _read_report(path: Path, completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        output = completed.stderr + completed.stdout
        where = error_location(output)
        detail = last_error_line(output)
        suffix = f" ({where})" if where else ""
        if re.match(r"\w+(Error|Exception)\b", detail):
            # Typically conftest.py importing the learner's package, which raised.
            raise TestRunError(f"Your code does not import, so no test can run: {detail}{suffix}") from None
        raise TestRunError(
            f"The tests could not start (pytest exit code {completed.returncode}): {detail}{suffix}"
        ) from None
    if data.get("format") != REPORT_FORMAT:
        raise TestRunError("The test report is in a format this scaffolder does not understand; reinstall scaffolder.")
    return data


def _collect_problem(error: dict[str, Any]) -> str:
    where = f" ({error['location']})" if error.get("location") else ""
    return f"Your code does not import, so no test can run: {error['message']}{where}"


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
    results = []
    for exercise in exercises:
        tests = tuple(by_slug.get(exercise.slug, ()))
        untouched = _stubs_untouched((stubs or {}).get(exercise.slug), root)
        results.append(ExerciseResult(exercise, _status(tests, untouched), tests))
    return CheckResult(tuple(results), tuple(data.get("unassigned", ())))


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
