"""A generated practice project on disk, and the small state scaffolder keeps in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scaffolder.exceptions import ManifestError, NotAProjectError, StateError
from scaffolder.manifest import MANIFEST_NAME, Manifest, load_manifest
from scaffolder.storage import locked, read_versioned, write_json

STATE_DIR = ".scaffolder"
STATE_FILE = "state.json"
STATE_VERSION = 1
# Folders in a project that are not the learner's work: version control, tools' caches, virtual
# environments (also any folder holding a pyvenv.cfg), the app's instance folder (its database),
# and scaffolder's own records. Backups, the test record, watch and the template walks skip them.
NOT_WORK_DIRS = frozenset(
    {
        ".git",
        ".hg",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".mypy_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "instance",
        STATE_DIR,
    }
)


@dataclass(frozen=True)
class Project:
    """A practice project: its root directory and its manifest."""

    root: Path
    manifest: Manifest

    @property
    def package(self) -> str | None:
        """The project's Python package: the folder most exercise files live in."""
        counts: dict[str, int] = {}
        for exercise in self.manifest.exercises:
            for name in exercise.files:
                first = PurePosixPath(name).parts[0]
                if (self.root / first / "__init__.py").is_file():
                    counts[first] = counts.get(first, 0) + 1
        return max(counts, key=lambda name: counts[name]) if counts else None


def _not_work(directory: Path) -> bool:
    return directory.name in NOT_WORK_DIRS or (directory / "pyvenv.cfg").is_file()


def work_files(root: Path) -> Iterator[Path]:
    """Every file below `root`, in a stable order, without descending into folders that are not work."""
    for here, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not _not_work(Path(here, name)))
        for name in sorted(files):
            yield Path(here, name)


def is_work(root: Path, path: Path) -> bool:
    """Whether `path`, inside `root`, is the learner's work (not inside a folder NOT_WORK_DIRS skips)."""
    try:
        relative = Path(path).relative_to(root)
    except ValueError:
        return False
    folder = Path(root)
    for part in relative.parts[:-1]:
        folder = folder / part
        if _not_work(folder):
            return False
    return True


def find_project(start: Path) -> Project:
    """The practice project containing `start` (the directory itself or a parent)."""
    start = Path(start).expanduser()
    if not start.exists():
        raise NotAProjectError(f"{start} does not exist.")
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        manifest_path = candidate / MANIFEST_NAME
        if manifest_path.is_file():
            try:
                return Project(candidate, load_manifest(manifest_path, origin=f"project {candidate}"))
            except ManifestError as err:
                raise NotAProjectError(f"{err} Is this a scaffolder practice project?") from err
    raise NotAProjectError(
        f"{start} is not inside a practice project (no {MANIFEST_NAME} here or above); "
        "create one with `scaffolder new crud-app`."
    )


@dataclass
class State:
    """What scaffolder remembers about a project: how many hints each exercise has shown."""

    hints_shown: dict[str, int] = field(default_factory=dict)


def _state_path(project: Project) -> Path:
    return project.root / STATE_DIR / STATE_FILE


def load_state(project: Project) -> State:
    data = read_versioned(_state_path(project), STATE_VERSION, "delete it to start the hints over")
    if data is None:
        return State()
    hints = data.get("hints_shown")
    if not isinstance(hints, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in hints.items()
    ):
        raise StateError(
            f"{_state_path(project)} is not a record this scaffolder understands; delete it to start the hints over."
        )
    return State(hints_shown=dict(hints))


def save_state(project: Project, state: State) -> None:
    path = _state_path(project)
    try:
        write_json(path, {"version": STATE_VERSION, "hints_shown": state.hints_shown}, indent=2)
    except OSError as err:
        raise StateError(f"Cannot save {path}: {err.strerror or err}.") from err


@contextmanager
def state_lock(project: Project) -> Iterator[None]:
    """Hold the project's state for one read-change-write, so that concurrent commands lose no update.

    Without the lock, two `hint` calls at once could both read "1 shown" and both
    write "2". A lock that cannot be taken (a read-only project) means going on unlocked.
    """
    with locked(project.root / STATE_DIR / "state.lock"):
        yield
