"""The records a practice project keeps of how it was generated: its stubs and its tests.

`.scaffolder/stubs.json` holds each exercise's stub text, so that `check` can tell an
untouched exercise ("not started") from one the learner has begun; `.scaffolder/tests.json`
holds the digest of every generated test file, so that `check` can say when the tests
were changed. Both can be made again from the installed template when lost.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Collection
from pathlib import Path

from scaffolder.project import Project, work_files
from scaffolder.storage import read_versioned_or_none, write_json

STUBS_FILE = Path(".scaffolder") / "stubs.json"
STUBS_VERSION = 1
TESTS_FILE = Path(".scaffolder") / "tests.json"
TESTS_VERSION = 1

Stubs = dict[str, list[dict[str, str]]]


def write_stubs(project_dir: Path, stubs: Stubs) -> None:
    write_json(Path(project_dir) / STUBS_FILE, {"version": STUBS_VERSION, "stubs": stubs})


def load_stubs(project_dir: Path) -> Stubs | None:
    """The stubs recorded when the project was made, or None when unknown or unreadable."""
    data = read_versioned_or_none(Path(project_dir) / STUBS_FILE, STUBS_VERSION)
    stubs = data.get("stubs") if data is not None else None
    return stubs if isinstance(stubs, dict) else None


def test_digests(project_dir: Path) -> dict[str, str]:
    """The SHA-256 of every file of the project's tests/ folder, by relative path."""
    project_dir = Path(project_dir)
    tests = project_dir / "tests"
    if not tests.is_dir():
        return {}
    return {
        path.relative_to(project_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in work_files(tests)
        if path.suffix not in (".pyc", ".pyo")
    }


def write_test_record(project_dir: Path, digests: dict[str, str]) -> None:
    """Record what the generated tests were, so that `check` can tell when they were changed."""
    write_json(Path(project_dir) / TESTS_FILE, {"version": TESTS_VERSION, "files": digests})


def load_test_record(project_dir: Path) -> dict[str, str] | None:
    data = read_versioned_or_none(Path(project_dir) / TESTS_FILE, TESTS_VERSION)
    files = data.get("files") if data is not None else None
    ok = isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    return files if ok else None


def changed_test_files(
    project_dir: Path, learner_files: Collection[str] = (), recorded: dict[str, str] | None = None
) -> list[str]:
    """Test files that differ from the generated ones, are missing or were added (none when unrecorded).

    `learner_files` (the manifest's `files`) are the learner's to write: never reported. `recorded`
    (the generated tests' digests) defaults to the project's own record.
    """
    recorded = recorded if recorded is not None else load_test_record(project_dir)
    if recorded is None:
        return []
    recorded = {name: digest for name, digest in recorded.items() if name not in learner_files}
    current = {name: digest for name, digest in test_digests(project_dir).items() if name not in learner_files}
    changed = [f"{name} (changed)" for name in recorded if name in current and current[name] != recorded[name]]
    changed += [f"{name} (missing)" for name in recorded if name not in current]
    changed += [f"{name} (added)" for name in current if name not in recorded]
    return changed


def fresh_records(project: Project) -> tuple[Stubs | None, dict[str, str]] | None:
    """The stubs and test digests a fresh render of the project's template has, without touching the project.

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
        return load_stubs(fresh), load_test_record(fresh) or {}


def rebuild_records(project: Project) -> Stubs | None:
    """Make .scaffolder/stubs.json and tests.json again from the installed template, when they are lost."""
    records = fresh_records(project)
    if records is None:
        return None
    stubs, digests = records
    try:
        if stubs is not None:
            write_stubs(project.root, stubs)
        write_test_record(project.root, digests)
    except OSError:
        pass  # a read-only project: use the records for this run only
    return stubs
