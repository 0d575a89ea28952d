"""Diagnosing: a test run that judged nothing, said as one sentence the learner can act on."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from scaffolder.report import error_location, last_error_line, shorten


def explain_missing_report(returncode: int, output: str, progress: Path, root: Path) -> str:
    """Why pytest ended without writing its report: a crash mid-test, code that does not import, broken tests."""
    running = _running_test(progress)
    if running is not None:
        return (
            f"The test run ended in the middle of {running} (exit code {returncode}) without a result: "
            "does the code call os._exit() or sys.exit(), or crash the interpreter?"
        )
    where = _relative(error_location(output), root)
    detail = _short(last_error_line(output))
    suffix = f" ({where})" if where else ""
    if re.match(r"\w+(Error|Exception)\b", detail):
        if where and _is_test_file(where):
            return _tests_broken(detail, where, root)
        # Typically conftest.py importing the learner's package, which raised.
        return f"Your code does not import, so no test can run: {detail}{suffix}"
    return f"The tests could not start (pytest exit code {returncode}): {detail}{suffix}"


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


def _tests_broken(detail: str, location: str, root: Path) -> str:
    from scaffolder.records import load_test_record

    file = location.rsplit(":", 1)[0]
    said = f"The project's tests do not load: {detail} ({location})."
    recorded = load_test_record(root)
    if recorded is not None and file not in recorded:
        return f"{said} {file} is not one of the generated tests: fix it, or remove it."
    return (
        f"{said} {file} is one of the generated tests, not your code: restore it with "
        f"`git checkout -- {file}` (or copy it from a fresh `scaffolder new`)."
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


def collect_problem(error: dict[str, Any], root: Path) -> str:
    location = _relative(error.get("location"), root)
    message = _short(error["message"])
    if location and _is_test_file(location):
        return _tests_broken(message, location, root)
    where = f" ({location})" if location else ""
    return f"Your code does not import, so no test can run: {message}{where}"
