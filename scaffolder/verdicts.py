"""Judging: each exercise's status from its tests' outcomes (and its stubs, for "not started")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.manifest import Exercise
from scaffolder.records import Stubs

# An exercise's status. "incomplete": every test that ran passed, but some were skipped or
# expected to fail, which is not a pass. "blocked": it fails only because another exercise's
# stub raises (after `reset 1`, the later exercises' code is the learner's and still there).
PASSED = "passed"
FAILING = "failing"
NOT_STARTED = "not started"
INCOMPLETE = "incomplete"
BLOCKED = "blocked"
NO_TESTS = "no tests"


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
    phase: str = ""  # of a failure: setup, call or teardown
    printed: str = ""  # what the test printed, passing or not (its start)


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
            phase=raw.get("phase", ""),
            printed=raw.get("printed", ""),
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
        results.append(ExerciseResult(exercise, _status(exercise, tests, untouched), tests))
    return CheckResult(tuple(results), tuple(data.get("unassigned", ())), stopped=stopped)


# What a stub raises: "Exercise 1 (app-factory) is not done yet: see EXERCISES.md" (scaffolder.markers).
STUB_MESSAGE = re.compile(r"Exercise (?P<number>\d+) \((?P<slug>[a-z0-9-]+)\) is not done yet")


def stub_blockers(tests: tuple[TestResult, ...] | list[TestResult]) -> set[str]:
    """The slugs of the exercises whose stubs raised in these tests."""
    return {m["slug"] for t in tests if t.kind == "not_implemented" for m in [STUB_MESSAGE.search(t.message)] if m}


def _status(exercise: Exercise, tests: tuple[TestResult, ...], stubs_untouched: bool | None) -> str:
    """What is true of the exercise: see the statuses at the top of this module."""
    if not tests:
        return NO_TESTS
    if all(t.outcome == "passed" for t in tests):
        return PASSED
    failed = [t for t in tests if t.outcome not in ("passed", "skipped")]
    if not failed:
        return INCOMPLETE
    if stubs_untouched:
        return NOT_STARTED
    stubbed = all(t.kind == "not_implemented" for t in failed)
    blockers = stub_blockers(failed)
    if stubbed and stubs_untouched is None and (not blockers or exercise.slug in blockers):
        return NOT_STARTED  # no record of the stubs: a stub of its own raising is the best sign
    if stubbed and blockers and exercise.slug not in blockers:
        return BLOCKED
    return FAILING


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
