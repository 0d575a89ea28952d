"""`scaffolder check --format json`: results in the shape of Exercism's test-runner interface, version 3.

https://exercism.org/docs/building/tooling/test-runners/interface: classroom
autograders that read that shape can grade a practice project. Each test
carries its exercise number as `task_id`, and its own source as `test_code`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from scaffolder.verdicts import PASSED

INTERFACE_VERSION = 3
MAX_OUTPUT_CHARS = 500  # the interface's limit on a test's output, this notice included
TRUNCATED = "\nOutput was truncated. Please limit to 500 chars."  # the notice the interface suggests


def error_document(message: str) -> dict:
    """The document for a run that could not judge anything (the code does not import, ...)."""
    return {"version": INTERFACE_VERSION, "status": "error", "message": message, "tests": []}


def results_document(result, root: Path) -> dict:
    """The document for a finished check: one entry per test, in exercise order.

    A test's `name` is its pytest node id (file, function and parameters), unique in the run;
    `output` is what the test printed, passing or not.
    """
    sources = _TestSources(root)
    hung = (result.stopped or {}).get("nodeid")
    tests = []
    for exercise_result in result.exercises:
        for test in exercise_result.tests:
            status = outcome_status(test, hung)
            tests.append(
                {
                    "name": test.nodeid,
                    "status": status,
                    "message": None if status == "pass" else (test.message or test.outcome),
                    "output": _output(test.printed),
                    "test_code": sources.code(test.nodeid),
                    "task_id": exercise_result.exercise.number,
                }
            )
    if not tests:
        return error_document("No test ran: the project has no tests for the exercises selected.")
    every_exercise_passes = all(r.status == PASSED for r in result.exercises)
    status = "pass" if every_exercise_passes else "fail"
    return {"version": INTERFACE_VERSION, "status": status, "message": None, "tests": tests}


def outcome_status(test, hung: str | None) -> str:
    """pass; fail when the test ran and found the code wrong; error when the test could not run to its end."""
    if test.outcome == "passed":
        return "pass"
    if test.outcome == "not run" or test.nodeid == hung:
        return "error"  # stopped by a hang, its own or an earlier test's
    if test.outcome == "failed" and test.phase in ("setup", "teardown"):
        return "error"  # a fixture raised: the test itself did not run, or did not finish
    return "fail"  # the test's own code raised (an assertion or the code under test), or it was skipped


def _output(printed: str) -> str | None:
    """What the test printed, within the interface's 500 characters (cut with the notice it asks for)."""
    if not printed:
        return None
    if len(printed) <= MAX_OUTPUT_CHARS:
        return printed
    return printed[: MAX_OUTPUT_CHARS - len(TRUNCATED)] + TRUNCATED


class _TestSources:
    """The source of each test function, found by parsing its file (parsed once)."""

    def __init__(self, root: Path):
        self.root = root
        self.parsed: dict[str, tuple[ast.Module, str] | None] = {}

    def code(self, nodeid: str) -> str:
        file, *names = nodeid.split("::")
        if not names:
            return ""
        names[-1] = names[-1].split("[", 1)[0]  # parametrized: test_x[1-2]
        if file not in self.parsed:
            try:
                text = (self.root / file).read_text(encoding="utf-8")
                self.parsed[file] = (ast.parse(text), text)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                self.parsed[file] = None
        parsed = self.parsed[file]
        if parsed is None:
            return ""
        node: ast.AST = parsed[0]
        for name in names:
            found = next(
                (
                    child
                    for child in getattr(node, "body", [])
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and child.name == name
                ),
                None,
            )
            if found is None:
                return ""
            node = found
        return ast.get_source_segment(parsed[1], node) or ""
