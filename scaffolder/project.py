"""A generated practice project on disk, and the small state scaffolder keeps in it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scaffolder.exceptions import ManifestError, NotAProjectError, StateError
from scaffolder.manifest import MANIFEST_NAME, Manifest, load_manifest

STATE_DIR = ".scaffolder"
STATE_FILE = "state.json"
STATE_VERSION = 1


@dataclass(frozen=True)
class Project:
    """A practice project: its root directory and its manifest."""

    root: Path
    manifest: Manifest

    @property
    def state_path(self) -> Path:
        return self.root / STATE_DIR / STATE_FILE

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


def load_state(project: Project) -> State:
    path = project.state_path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return State()
    except (OSError, ValueError) as err:
        raise StateError(f"{path} is damaged ({err}); delete it to start the hints over.") from err
    if not isinstance(data, dict):
        raise StateError(f"{path} is not a state file this scaffolder understands; delete it to start the hints over.")
    hints = data.get("hints_shown")
    if (
        data.get("version") != STATE_VERSION
        or not isinstance(hints, dict)
        or not all(isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in hints.items())
    ):
        raise StateError(f"{path} is not a state file this scaffolder understands; delete it to start the hints over.")
    return State(hints_shown=dict(hints))


def save_state(project: Project, state: State) -> None:
    """Write the state atomically: a temporary file, then a rename."""
    path = project.state_path
    try:
        path.parent.mkdir(exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=STATE_FILE, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": STATE_VERSION, "hints_shown": state.hints_shown}, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as err:
        raise StateError(f"Cannot save {path}: {err.strerror or err}.") from err


@contextmanager
def state_lock(project: Project) -> Iterator[None]:
    """Hold the project's state for one read-change-write, so that concurrent commands lose no update.

    filelock is a small, well-kept cross-platform lock; without the lock, two
    `hint` calls at once could both read "1 shown" and both write "2".
    """
    from filelock import FileLock, Timeout

    lock_path = project.root / STATE_DIR / "state.lock"
    try:
        lock_path.parent.mkdir(exist_ok=True)
        lock = FileLock(str(lock_path), timeout=10)
        lock.acquire()
    except (OSError, Timeout):
        yield  # a read-only project, or a lock that is never freed: go on unlocked
        return
    try:
        yield
    finally:
        lock.release()
