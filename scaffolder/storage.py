"""The small JSON records scaffolder keeps on disk: written atomically, read with their version checked, locked.

One home for what state.json, journey.json, stubs.json and tests.json share.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffolder.exceptions import StateError

LOCK_TIMEOUT = 10  # seconds to wait for another scaffolder command to finish with a record


def utc_now():
    """The wall clock, in UTC, as the records keep it (one home, so tests can move it: patch storage.utc_now)."""
    from datetime import UTC, datetime

    return datetime.now(UTC)


def write_json(path: Path, data: Any, indent: int = 1) -> None:
    """Write `data` as JSON to `path`, atomically: a reader sees the old file or the new one, never half.

    The folder is made when missing; an OSError is the caller's to handle.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=indent)  # ASCII: a lone surrogate in learner output stays writable
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_versioned(path: Path, version: int | tuple[int, ...], remedy: str) -> dict[str, Any] | None:
    """The JSON object in `path` when it is of `version` (or one of them); None when there is no such file.

    A damaged file, or one of another version, raises StateError naming the file and `remedy`
    (what the user can do, e.g. "delete it to start the hints over").
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise StateError(f"{path} is damaged ({err}); {remedy}.") from err
    versions = version if isinstance(version, tuple) else (version,)
    if not isinstance(data, dict) or data.get("version") not in versions:
        raise StateError(f"{path} is not a record this scaffolder understands; {remedy}.")
    return data


def read_versioned_or_none(path: Path, version: int) -> dict[str, Any] | None:
    """Like read_versioned, for records that can be made again: None when missing, damaged or of another version."""
    try:
        return read_versioned(path, version, "")
    except StateError:
        return None


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[bool]:
    """Hold the lock file `path` for one read-change-write; yields whether the lock is held.

    filelock is a small, well-kept cross-platform lock. Where the lock cannot be
    taken (a read-only folder, a lock never freed) this yields False rather than
    failing: the caller decides whether to go on unlocked or to skip the update.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except (OSError, Timeout):
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
