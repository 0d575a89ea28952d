"""`scaffolder check --format json`: results in the shape of Exercism's test-runner interface, version 3.

https://exercism.org/docs/building/tooling/test-runners/interface: classroom
autograders that read that shape can grade a practice project. Each test
carries its exercise number as `task_id`, and its own source as `test_code`.
"""

from __future__ import annotations

import ast
from pathlib import Path

INTERFACE_VERSION = 3
MAX_OUTPUT_CHARS = 500  # the interface's limit on a test's captured output


def error_document(message: str) -> dict:
    """The document for a run that could not judge anything (the code does not import, ...)."""
    return {"version": INTERFACE_VERSION, "status": "error", "message": message, "tests": []}


def results_document(result, root: Path) -> dict:
    """The document for a finished check: one entry per test, in exercise order."""
    sources = _TestSources(root)
    tests = []
    for exercise_result in result.exercises:
        for test in exercise_result.tests:
            status = _status(test)
            output = test.output[:MAX_OUTPUT_CHARS] if test.output else None
            tests.append(
                {
                    "name": test.name,
                    "status": status,
                    "message": None if status == "pass" else (test.message or test.outcome),
                    "output": output,
                    "test_code": sources.code(test.nodeid),
                    "task_id": exercise_result.exercise.number,
                }
            )
    every_exercise_passes = all(r.status == "passed" for r in result.exercises)
    status = "pass" if every_exercise_passes and tests else "fail"
    return {"version": INTERFACE_VERSION, "status": status, "message": None, "tests": tests}


def _status(test) -> str:
    if test.outcome == "passed":
        return "pass"
    if test.outcome == "failed" and test.kind not in ("assertion", ""):
        return "error"  # an exception other than a failed assertion: the code crashed
    return "fail"  # a failed assertion, a skipped test (not a pass), a test not run


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
