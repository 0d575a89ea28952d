"""The learner's journey: every practice project made on this machine and how far it got.

Kept in `journey.json` in the platform's user data directory (platformdirs knows
where that is on Linux, macOS and Windows), or in $SCAFFOLDER_DATA_DIR. `new`
records a project, `check` and `watch` record which exercises pass, `status`
and `questions` read it. The file is small, versioned, validated on load and
written atomically under a lock; a damaged file is reported, never crashed on.

Exercises the tool solved (`new --solved`, `--solved-through N`, `solution --apply`)
are recorded as given: a reference render is not the learner's progress.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scaffolder.exceptions import StateError
from scaffolder.storage import locked, read_versioned, write_json

DATA_DIR_ENV = "SCAFFOLDER_DATA_DIR"
JOURNEY_FILE = "journey.json"
JOURNEY_VERSION = 2  # 2 added `given`; a version 1 record reads as nothing given
READABLE_VERSIONS = (1, 2)


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
    finished: str | None = None  # the date every exercise first passed, some of them solved by the learner
    given: list[str] = field(default_factory=list)  # slugs the tool solved: not the learner's progress

    @property
    def solved_by_learner(self) -> list[str]:
        return [slug for slug in self.passed if slug not in self.given]

    @property
    def reference(self) -> bool:
        """A render of the reference solution: every exercise given, none to do."""
        return bool(self.exercises) and set(self.exercises) <= set(self.given)

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
    remedy = "delete it to start the record over"
    data = read_versioned(path, READABLE_VERSIONS, remedy)
    if data is None:
        return {}
    try:
        records = {}
        for raw in data["projects"]:
            record = ProjectRecord(**raw)
            if not (isinstance(record.path, str) and isinstance(record.exercises, list)):
                raise ValueError("bad record")
            if not (isinstance(record.given, list) and isinstance(record.passed, list)):
                raise ValueError("bad record")
            records[record.path] = record
        return records
    except (KeyError, TypeError, ValueError) as err:
        raise StateError(f"{path} is not a record this scaffolder understands; {remedy}.") from err


def _update(change) -> None:
    """Read, change and write the journey under a lock; a journey that cannot be kept is skipped.

    Recording progress must never stop `new` or `check` from working, so damage
    or a read-only data directory only means this run is not recorded.
    """
    path = journey_path()
    with locked(Path(f"{path}.lock")) as held:
        if not held:
            return
        try:
            records = load_journey()
            change(records)
            write_json(path, {"version": JOURNEY_VERSION, "projects": [asdict(r) for r in records.values()]})
        except (OSError, StateError):
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


def record_project(root: Path, manifest, given: list[str] | None = None) -> None:
    """Remember a project `new` made; `given` are the exercises it rendered solved."""
    key = str(Path(root).resolve())

    def change(records: dict[str, ProjectRecord]) -> None:
        record = _new_record(key, manifest, _today())
        record.given = list(given or [])
        records[key] = record

    _update(change)


def record_given(root: Path, manifest, slug: str, given: bool) -> None:
    """`solution --apply` gave the learner an exercise's answer (given=True); `reset` took it back (False)."""
    key = str(Path(root).resolve())

    def change(records: dict[str, ProjectRecord]) -> None:
        record = _record_for(records, key, manifest)
        record.given = [s for s in record.exercises if (s == slug and given) or (s != slug and s in record.given)]

    _update(change)


def _record_for(records: dict[str, ProjectRecord], key: str, manifest) -> ProjectRecord:
    """The project's record, made anew when missing or when its exercises changed."""
    record = records.get(key)
    if record is None or record.exercises != [e.slug for e in manifest.exercises]:
        record = _new_record(key, manifest, record.created if record else _today())
        records[key] = record
    return record


def record_results(root: Path, manifest, passed: list[str], failed: list[str]) -> None:
    """Remember which exercises pass after a check (of all exercises or some)."""
    key = str(Path(root).resolve())

    def change(records: dict[str, ProjectRecord]) -> None:
        _mark(_record_for(records, key, manifest), passed, failed)

    _update(change)


def _mark(record: ProjectRecord, passed: list[str], failed: list[str]) -> None:
    now_passing = (set(record.passed) | set(passed)) - set(failed)
    record.passed = [slug for slug in record.exercises if slug in now_passing]
    if record.next_exercise is None and record.finished is None and not record.reference:
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
    """Levels with a project whose every exercise passes, not all of them given by the tool."""
    return {r.level for r in records if r.finished and not r.reference}


def _recommend(records: list[ProjectRecord], templates: list[tuple[str, int, str]]) -> str | None:
    ordered = sorted(templates, key=lambda t: t[1])
    done = finished_levels(records)
    started = {r.level for r in records if not r.reference}
    for name, level, title in ordered:
        if level in started or level in done:
            continue
        if level == ordered[0][1]:
            return f"Start with level {level}, {title}: scaffolder new {name}"
        if level - 1 in done:
            return f"Level {level - 1} is done: start level {level}, {title}: scaffolder new {name}"
    if ordered and all(level in done for _, level, _ in ordered):
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
    """Template name -> slugs the learner solved (passed and not given) in any project of it."""
    try:
        records = load_journey().values()
    except StateError:
        return {}
    done: dict[str, set[str]] = {}
    for record in records:
        done.setdefault(record.template, set()).update(record.solved_by_learner)
    return done
