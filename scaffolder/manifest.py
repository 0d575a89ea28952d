"""Load and validate a template's exercise manifest (`exercises.toml`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scaffolder.exceptions import ManifestError, UnknownExerciseError
from scaffolder.questions import QUESTIONS

MANIFEST_NAME = "exercises.toml"
FORMAT_VERSION = 1
DIFFICULTIES = ("easy", "medium", "hard")
SLUG_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# Titles go into TODO lines in the learner's code, which must fit a 120-column linter.
MAX_TITLE_LENGTH = 70
# A hint ladder climbs from the idea to code that passes; level 1's ladders are the longest.
MAX_HINTS = 5
# Unicode's control characters (category Cc: C0, DEL and C1) but the line feed; a regular expression
# because it is read on every command, and a test per character took a third of `scaffolder list`.
CONTROL_CHARACTER = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Files under tests/ that judge the learner (pytest collects them, or they hold its fixtures).
JUDGING_TEST_FILE = re.compile(r"conftest\.py|test_.*\.py|.*_test\.py")


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to build, how it is judged, and the hints for it."""

    number: int
    slug: str
    title: str
    difficulty: str
    files: tuple[str, ...]
    questions: tuple[int, ...]
    instructions: str
    acceptance: tuple[str, ...]
    hints: tuple[str, ...]
    docs: tuple[tuple[str, str], ...] = ()
    # What the tests call that the learner writes (`create_app(test_config=None)`, `flask init-db`):
    # the brief may show these as code; anything else it shows as code is the how (scaffolder/briefs.py).
    interface: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"exercise {self.number} ({self.slug})"


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """A template's description of itself and its ordered exercises (made by keyword: it has many fields)."""

    name: str
    title: str
    introduction: str = ""  # optional: opens EXERCISES.md
    summary: str
    level: int
    topics: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    # `scaffolder interview`: the exercise sets (numbers) a take-home may assign, the rest given solved.
    interview_sets: tuple[tuple[int, ...], ...] = ()

    def find(self, ref: str | int) -> Exercise:
        """Return the exercise named by number (`3`) or slug (`create-form`)."""
        text = str(ref).strip()
        for exercise in self.exercises:
            if text in (str(exercise.number), exercise.slug):
                return exercise
        known = ", ".join(f"{e.number} ({e.slug})" for e in self.exercises)
        raise UnknownExerciseError(f"There is no exercise {text!r}; this project has {known}.")

    def slugs(self) -> dict[str, Exercise]:
        return {exercise.slug: exercise for exercise in self.exercises}

    def learner_files(self) -> frozenset[str]:
        """Every file an exercise asks the learner to edit (its `files`): the learner's, whatever they write."""
        return frozenset(name for exercise in self.exercises for name in exercise.files)


class _Checker:
    """Reads fields from a TOML table, raising ManifestError that names where."""

    def __init__(self, origin: str):
        self.origin = origin

    def fail(self, where: str, problem: str) -> ManifestError:
        return ManifestError(f"{self.origin}: {where}: {problem}.")

    def get(self, table: dict[str, Any], key: str, kind: type, where: str) -> Any:
        if key not in table:
            raise self.fail(where, f"field {key!r} is missing")
        value = table[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(where, f"field {key!r} must be a {kind.__name__}")
        if kind is str and not value.strip():
            raise self.fail(where, f"field {key!r} must not be empty")
        return value

    def strings(self, table: dict[str, Any], key: str, where: str, lo: int, hi: int) -> tuple[str, ...]:
        values = self.get(table, key, list, where)
        if not lo <= len(values) <= hi:
            count = f"{lo} to {hi}" if hi < 1000 else f"at least {lo}"
            raise self.fail(where, f"field {key!r} must list {count} entries, not {len(values)}")
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(where, f"field {key!r} must list non-empty strings")
        return tuple(v.strip() for v in values)


def load_manifest(path: Path, origin: str | None = None) -> Manifest:
    """Read and validate the manifest at `path`; `origin` names it in errors."""
    origin = origin or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ManifestError(f"{origin}: the manifest {MANIFEST_NAME} is missing.") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(f"{origin}: cannot read {MANIFEST_NAME}: {err}.") from err
    except tomllib.TOMLDecodeError as err:
        raise ManifestError(f"{origin}: {MANIFEST_NAME} is not valid TOML: {err}.") from err
    return parse_manifest(data, origin)


def parse_manifest(data: dict[str, Any], origin: str) -> Manifest:
    """Validate manifest data already parsed from TOML."""
    check = _Checker(f"{origin}: {MANIFEST_NAME}")
    version = data.get("format")
    if version != FORMAT_VERSION:
        raise check.fail("format", f"expected format = {FORMAT_VERSION}, found {version!r}")
    control = _control_character(data, "top level")
    if control is not None:
        field, char = control
        raise check.fail(
            field,
            f"holds the control character {char!r}: in a TOML basic string, write a backslash escape that "
            "should show as text with its backslash doubled",
        )
    template = check.get(data, "template", dict, "top level")
    where = "[template]"
    level = check.get(template, "level", int, where)
    if level < 1:
        raise check.fail(where, "field 'level' must be 1 or more")
    raw_exercises = check.get(data, "exercises", list, "top level")
    if not raw_exercises:
        raise check.fail("top level", "field 'exercises' must list at least one exercise")
    exercises = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_exercises, start=1):
        where = f"exercise {index}"
        if not isinstance(raw, dict):
            raise check.fail(where, "must be a table ([[exercises]])")
        exercise = _parse_exercise(raw, index, check)
        if exercise.slug in seen:
            raise check.fail(where, f"slug {exercise.slug!r} is used twice")
        seen.add(exercise.slug)
        exercises.append(exercise)
    return Manifest(
        name=check.get(template, "name", str, "[template]"),
        level=level,
        title=check.get(template, "title", str, "[template]"),
        summary=check.get(template, "summary", str, "[template]").strip(),
        topics=check.strings(template, "topics", "[template]", 1, 1000),
        exercises=tuple(exercises),
        introduction=_optional_text(template, "introduction", "[template]", check),
        interview_sets=_interview_sets(data, len(exercises), check),
    )


def _interview_sets(data: dict[str, Any], count: int, check: _Checker) -> tuple[tuple[int, ...], ...]:
    """[interview] sets = [[2, 5, 7], ...]: each 1 to 5 distinct exercise numbers, in order."""
    if "interview" not in data:
        return ()
    table = check.get(data, "interview", dict, "top level")
    sets = []
    for index, raw in enumerate(check.get(table, "sets", list, "[interview]"), start=1):
        where = f"[interview] set {index}"
        if not isinstance(raw, list) or not 1 <= len(raw) <= 5:
            raise check.fail(where, "must list 1 to 5 exercise numbers")
        if any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= count for n in raw):
            raise check.fail(where, f"must list exercise numbers from 1 to {count}, not {raw!r}")
        if sorted(set(raw)) != raw:
            raise check.fail(where, f"must list distinct numbers in increasing order, not {raw!r}")
        sets.append(tuple(raw))
    return tuple(sets)


def _control_character(value: Any, where: str) -> tuple[str, str] | None:
    """The first string in `value` that holds a control character other than a line break, and that character.

    In a TOML basic string the escape written to show a line end becomes a real
    carriage return, which splits a line of the learner's EXERCISES.md.
    """
    if isinstance(value, str):
        found = CONTROL_CHARACTER.search(value)
        return None if found is None else (where, found.group())
    if isinstance(value, dict):
        items = [(f"{where}.{key}" if where != "top level" else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{where}[{number}]", item) for number, item in enumerate(value, start=1)]
    else:
        return None
    for place, item in items:
        found = _control_character(item, place)
        if found is not None:
            return found
    return None


def _optional_text(table: dict[str, Any], key: str, where: str, check: _Checker) -> str:
    if key not in table:
        return ""
    return check.get(table, key, str, where).strip()


def _title(raw: dict[str, Any], where: str, check: _Checker) -> str:
    title = check.get(raw, "title", str, where).strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise check.fail(where, f"title is {len(title)} characters long; keep it to {MAX_TITLE_LENGTH}")
    return title


def _parse_docs(raw: dict[str, Any], where: str, check: _Checker) -> tuple[tuple[str, str], ...]:
    """The documentation links of an exercise: at least one `{ title = "...", url = "https://..." }`."""
    links = check.get(raw, "docs", list, where)
    if not links:
        raise check.fail(where, "field 'docs' must list at least one documentation link")
    parsed = []
    for link in links:
        if not isinstance(link, dict):
            raise check.fail(where, 'each entry of \'docs\' must be a table { title = "...", url = "https://..." }')
        title = check.get(link, "title", str, f"{where}, docs").strip()
        url = check.get(link, "url", str, f"{where}, docs").strip()
        if not url.startswith("https://") or any(ch.isspace() for ch in url):
            raise check.fail(where, f"docs url {url!r} must be an https:// address without spaces")
        parsed.append((title, url))
    return tuple(parsed)


def _parse_exercise(raw: dict[str, Any], index: int, check: _Checker) -> Exercise:
    where = f"exercise {index}"
    number = check.get(raw, "number", int, where)
    if number != index:
        raise check.fail(where, f"field 'number' is {number}, but exercises must be numbered 1, 2, 3 ... in order")
    slug = check.get(raw, "slug", str, where)
    if not SLUG_RE.fullmatch(slug):
        raise check.fail(where, f"slug {slug!r} must be lowercase letters and digits joined by dashes")
    where = f"exercise {index} ({slug})"
    difficulty = check.get(raw, "difficulty", str, where)
    if difficulty not in DIFFICULTIES:
        raise check.fail(where, f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
    files = check.strings(raw, "files", where, 1, 1000)
    for name in files:
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name:
            raise check.fail(where, f"file {name!r} must be a relative path inside the project")
        if pure.parts[:1] == ("tests",) and JUDGING_TEST_FILE.fullmatch(pure.name):
            raise check.fail(
                where,
                f"file {name!r} is one of the tests that judge the exercises, so the learner must not own it: "
                "give their tests a file pytest does not collect on its own (such as tests/my_tests.py)",
            )
    questions = check.get(raw, "questions", list, where)
    for question in questions:
        if isinstance(question, bool) or question not in QUESTIONS:
            raise check.fail(where, f"question {question!r} is not an interview question number (1-{len(QUESTIONS)})")
    return Exercise(
        number=number,
        slug=slug,
        title=_title(raw, where, check),
        difficulty=difficulty,
        files=files,
        questions=tuple(questions),
        instructions=check.get(raw, "instructions", str, where).strip(),
        acceptance=check.strings(raw, "acceptance", where, 1, 1000),
        hints=check.strings(raw, "hints", where, 2, MAX_HINTS),
        docs=_parse_docs(raw, where, check),
        interface=check.strings(raw, "interface", where, 0, 1000) if "interface" in raw else (),
    )
