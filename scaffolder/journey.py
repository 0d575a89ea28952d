"""The learner's journey: every practice project made on this machine and how far it got.

Kept in `journey.json` in the platform's user data directory (platformdirs knows
where that is on Linux, macOS and Windows), or in $SCAFFOLDER_DATA_DIR. `new`
records a project, `check` and `watch` record which exercises pass, `status`
and `questions` read it. The file is small, versioned, validated on load and
written atomically under a lock; a damaged file is reported, never crashed on.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scaffolder.exceptions import StateError

DATA_DIR_ENV = "SCAFFOLDER_DATA_DIR"
JOURNEY_FILE = "journey.json"
JOURNEY_VERSION = 1


@dataclass
class ProjectRecord:
    """What the journey remembers of one project."""

    path: str
    template: str
    level: int
    title: str
    exercises: list[str]  # slugs, in order
    passed: list[str] = field(default_factory=list)
    created: str = ""
    finished: str | None = None  # the date every exercise first passed

    @property
    def next_exercise(self) -> tuple[int, str] | None:
        """(number, slug) of the first exercise not passed, or None when all pass."""
        for number, slug in enumerate(self.exercises, start=1):
            if slug not in self.passed:
                return number, slug
        return None


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("scaffolder", appauthor=False)


def journey_path() -> Path:
    return data_dir() / JOURNEY_FILE


def load_journey() -> dict[str, ProjectRecord]:
    """Every recorded project by absolute path; empty when nothing is recorded yet."""
    path = journey_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise StateError(f"{path} is damaged ({err}); delete it to start the record over.") from err
    try:
        if data["version"] != JOURNEY_VERSION:
            raise ValueError("unknown version")
        records = {}
        for raw in data["projects"]:
            record = ProjectRecord(**raw)
            if not (isinstance(record.path, str) and isinstance(record.exercises, list)):
                raise ValueError("bad record")
            records[record.path] = record
        return records
    except (KeyError, TypeError, ValueError) as err:
        raise StateError(f"{path} is not a record this scaffolder understands; delete it to start over.") from err


def _save(records: dict[str, ProjectRecord]) -> None:
    path = journey_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=JOURNEY_FILE, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"version": JOURNEY_VERSION, "projects": [asdict(r) for r in records.values()]}, handle, indent=1)
        handle.write("\n")
    os.replace(temporary, path)


def _update(change) -> None:
    """Read, change and write the journey under a lock; a journey that cannot be kept is skipped.

    Recording progress must never stop `new` or `check` from working, so damage
    or a read-only data directory only means this run is not recorded.
    """
    from filelock import FileLock, Timeout

    try:
        journey_path().parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(journey_path()) + ".lock", timeout=10):
            records = load_journey()
            change(records)
            _save(records)
    except (OSError, StateError, Timeout):
        pass


def _today() -> str:
    return datetime.date.today().isoformat()


def _new_record(key: str, manifest, created: str) -> ProjectRecord:
    return ProjectRecord(
        path=key,
        template=manifest.name,
        level=manifest.level,
        title=manifest.title,
        exercises=[e.slug for e in manifest.exercises],
        created=created,
    )


def record_project(root: Path, manifest, passed: list[str] | None = None) -> None:
    """Remember a project `new` made (a solved render starts with its exercises passed)."""
    key = str(Path(root).resolve())

    def change(records: dict[str, ProjectRecord]) -> None:
        record = _new_record(key, manifest, _today())
        records[key] = record
        _mark(record, passed or [], [])

    _update(change)


def record_results(root: Path, manifest, passed: list[str], failed: list[str]) -> None:
    """Remember which exercises pass after a check (of all exercises or some)."""
    key = str(Path(root).resolve())

    def change(records: dict[str, ProjectRecord]) -> None:
        record = records.get(key)
        if record is None or record.exercises != [e.slug for e in manifest.exercises]:
            record = _new_record(key, manifest, record.created if record else _today())
            records[key] = record
        _mark(record, passed, failed)

    _update(change)


def _mark(record: ProjectRecord, passed: list[str], failed: list[str]) -> None:
    now_passing = (set(record.passed) | set(passed)) - set(failed)
    record.passed = [slug for slug in record.exercises if slug in now_passing]
    if record.next_exercise is None and record.finished is None:
        record.finished = _today()


@dataclass(frozen=True)
class Journey:
    """What `status` shows: each project, whether it is still there, and what to do next."""

    projects: tuple[tuple[ProjectRecord, bool], ...]  # (record, still on disk)
    recommendation: str | None


def journey(templates: list[tuple[str, int, str]]) -> Journey:
    """The recorded projects, easiest level first, and the next level to start when one is done.

    `templates` is (name, level, title) of every installed template.
    """
    from scaffolder.manifest import MANIFEST_NAME

    records = sorted(load_journey().values(), key=lambda r: (r.level, r.created, r.path))
    shown = tuple((r, (Path(r.path) / MANIFEST_NAME).is_file()) for r in records)
    return Journey(shown, _recommend(records, templates))


def finished_levels(records) -> set[int]:
    return {r.level for r in records if r.finished}


def _recommend(records: list[ProjectRecord], templates: list[tuple[str, int, str]]) -> str | None:
    if not records:
        first = min(templates, key=lambda t: t[1], default=None)
        return f"Start with level {first[1]}: scaffolder new {first[0]}" if first else None
    done = finished_levels(records)
    started = {r.level for r in records}
    for name, level, title in sorted(templates, key=lambda t: t[1]):
        if level not in started and (level - 1 in done or level == 1):
            return f"Level {level - 1} is done: start level {level}, {title}: scaffolder new {name}"
    if done and max(done) >= max((t[1] for t in templates), default=0):
        return "Every level is done. Practise the answers with `scaffolder questions`."
    return None


def unfinished_below(level: int) -> int | None:
    """The level below `level` when no project of it is finished (for the notice `new` gives)."""
    if level <= 1:
        return None
    try:
        records = list(load_journey().values())
    except StateError:
        return None
    return None if level - 1 in finished_levels(records) else level - 1


def passed_exercises() -> dict[str, set[str]]:
    """Template name -> slugs passed in any project of it."""
    try:
        records = load_journey().values()
    except StateError:
        return {}
    done: dict[str, set[str]] = {}
    for record in records:
        done.setdefault(record.template, set()).update(record.passed)
    return done
