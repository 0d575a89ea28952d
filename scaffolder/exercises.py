"""Turn a freshly rendered template into a practice project in a chosen state.

Shared by `scaffolder new` and the template's post-generation hook, so a plain
`cookiecutter` render and a scaffolder render give the same learner project.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Collection
from pathlib import Path

from scaffolder import markers
from scaffolder.exceptions import MarkerError, TemplateError
from scaffolder.manifest import MANIFEST_NAME, Manifest, load_manifest
from scaffolder.questions import QUESTIONS

EXERCISES_DOC = "EXERCISES.md"
STUBS_FILE = Path(".scaffolder") / "stubs.json"
STUBS_VERSION = 1
TESTS_FILE = Path(".scaffolder") / "tests.json"
TESTS_VERSION = 1
SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache", ".venv", "node_modules"}


def prepare_project(project_dir: Path, package: str, solved_through: int) -> Manifest:
    """Write the manifest and EXERCISES.md, and replace unsolved regions by stubs.

    Exercises 1..solved_through keep their reference solution; the rest become
    stubs. All files are checked before any is rewritten.
    """
    project_dir = Path(project_dir)
    _remove_bytecode(project_dir)
    manifest_path = project_dir / MANIFEST_NAME
    try:
        manifest_text = manifest_path.read_text(encoding="utf-8").replace("{package}", package)
    except OSError as err:
        raise TemplateError(f"{project_dir.name}: the manifest {MANIFEST_NAME} is missing or unreadable.") from err
    manifest_path.write_text(manifest_text, encoding="utf-8")
    manifest = load_manifest(manifest_path, origin=f"template {project_dir.name}")
    rewritten, stubs = strip_regions(project_dir, manifest, solved_through)
    for path, text in rewritten.items():
        path.write_text(text, encoding="utf-8")
    _write_stubs(project_dir, stubs)
    write_test_record(project_dir, test_digests(project_dir))
    (project_dir / EXERCISES_DOC).write_text(exercises_markdown(manifest, project_dir), encoding="utf-8")
    return manifest


Stubs = dict[str, list[dict[str, str]]]


def strip_regions(project_dir: Path, manifest: Manifest, solved_through: int) -> tuple[dict[Path, str], Stubs]:
    """The new text of every file that has exercise regions, and each exercise's stubs.

    The stubs (slug -> [{file, text}]) let `check` tell an untouched exercise
    ("not started") from one the learner has begun.
    """
    exercises = manifest.slugs()
    used: set[str] = set()

    def is_solved(slug: str) -> bool:
        return exercises[slug].number <= solved_through

    def describe(slug: str) -> markers.StubText:
        exercise = exercises[slug]
        return markers.StubText(exercise.number, exercise.slug, exercise.title)

    rewritten: dict[Path, str] = {}
    stubs: Stubs = {}
    for path in _text_files(project_dir):
        text = path.read_text(encoding="utf-8")
        if not markers.has_markers(text):
            continue
        relative = path.relative_to(project_dir).as_posix()
        style = markers.style_for(path)
        if style is None:
            raise MarkerError(
                f"{relative}: has exercise markers, but scaffolder does not know this file type's comments."
            )
        pieces = markers.parse(text, style, relative)
        for piece in pieces:
            if isinstance(piece, markers.Region):
                if piece.slug not in exercises:
                    raise MarkerError(
                        f"{relative}, line {piece.line}: {piece.slug!r} is not an exercise slug of {MANIFEST_NAME}."
                    )
                used.add(piece.slug)
                if not is_solved(piece.slug):
                    text = markers.stub_text(piece, style, describe(piece.slug), python=path.suffix == ".py")
                    stubs.setdefault(piece.slug, []).append({"file": relative, "text": text})
        rewritten[path] = markers.render(pieces, style, is_solved, describe, python=path.suffix == ".py")
    missing = [e.label for e in manifest.exercises if e.slug not in used]
    if missing:
        raise TemplateError(f"template {manifest.name}: no exercise region for {', '.join(missing)}.")
    return rewritten, stubs


def _write_stubs(project_dir: Path, stubs: Stubs) -> None:
    path = project_dir / STUBS_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"version": STUBS_VERSION, "stubs": stubs}, indent=1) + "\n", encoding="utf-8")


def load_stubs(project_dir: Path) -> Stubs | None:
    """The stubs recorded when the project was made, or None when unknown or unreadable."""
    try:
        data = json.loads((project_dir / STUBS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stubs = data.get("stubs") if isinstance(data, dict) and data.get("version") == STUBS_VERSION else None
    return stubs if isinstance(stubs, dict) else None


def test_digests(project_dir: Path) -> dict[str, str]:
    """The SHA-256 of every file of the project's tests/ folder, by relative path."""
    tests = Path(project_dir) / "tests"
    digests = {}
    for path in sorted(tests.rglob("*")) if tests.is_dir() else ():
        relative = path.relative_to(project_dir)
        if path.is_file() and not SKIPPED_DIRS.intersection(relative.parts) and path.suffix not in (".pyc", ".pyo"):
            digests[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def write_test_record(project_dir: Path, digests: dict[str, str]) -> None:
    """Record what the generated tests were, so that `check` can tell when they were changed."""
    path = Path(project_dir) / TESTS_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"version": TESTS_VERSION, "files": digests}, indent=1) + "\n", encoding="utf-8")


def load_test_record(project_dir: Path) -> dict[str, str] | None:
    try:
        data = json.loads((Path(project_dir) / TESTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) and data.get("version") == TESTS_VERSION else None
    ok = isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    return files if ok else None


def changed_test_files(project_dir: Path, learner_files: Collection[str] = ()) -> list[str]:
    """Test files that differ from the generated ones, are missing or were added (none when unrecorded).

    `learner_files` (the manifest's `files`) are the learner's to write: never reported.
    """
    recorded = load_test_record(project_dir)
    if recorded is None:
        return []
    recorded = {name: digest for name, digest in recorded.items() if name not in learner_files}
    current = {name: digest for name, digest in test_digests(project_dir).items() if name not in learner_files}
    changed = [f"{name} (changed)" for name in recorded if name in current and current[name] != recorded[name]]
    changed += [f"{name} (missing)" for name in recorded if name not in current]
    changed += [f"{name} (added)" for name in current if name not in recorded]
    return changed


def _text_files(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            try:
                path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            yield path


def _remove_bytecode(root: Path) -> None:
    for cache in [p for p in root.rglob("__pycache__") if p.is_dir()]:
        shutil.rmtree(cache)
    for compiled in root.rglob("*.py[co]"):
        compiled.unlink()


# An INTERVIEW.md section of the template's own, tied to exercises by its heading:
# "## Why read files with generators? (exercises 1, 2, 4)"; anything after a ";"
# in the brackets is a remark ("(exercises 6, 8; `scripts/benchmark.py`)").
OWN_QUESTION = re.compile(r"^## (?P<question>[^\n]+?) \(exercises? (?P<numbers>[0-9, ]+)(?:;[^\n]*)?\)[ \t]*$", re.M)


def own_questions(interview: str) -> dict[int, list[str]]:
    """Exercise number -> the questions of INTERVIEW.md whose heading names that exercise."""
    found: dict[int, list[str]] = {}
    for match in OWN_QUESTION.finditer(interview):
        for number in re.findall(r"[0-9]+", match["numbers"]):
            found.setdefault(int(number), []).append(match["question"])
    return found


def exercises_markdown(manifest: Manifest, project_dir: Path) -> str:
    """The learner's EXERCISES.md: instructions and criteria, never the hints."""
    interview = project_dir / "INTERVIEW.md"
    has_answers = interview.is_file()
    extra = own_questions(interview.read_text(encoding="utf-8")) if has_answers else {}
    lines = [
        f"# Exercises: {manifest.title}",
        "",
        manifest.summary,
        "",
        "Work through the exercises in order: each one builds on those before it.",
        "After each change run `scaffolder check` to see which exercises pass and why the",
        "current one does not. Stuck? `scaffolder hint` reveals a hint for the current",
        "exercise, one at a time. `python -m pytest` runs the same tests without scaffolder.",
        "",
        *([manifest.introduction, ""] if manifest.introduction else []),
        "| # | Exercise | Difficulty |",
        "|---|----------|------------|",
    ]
    lines += [f"| {e.number} | {e.title} (`{e.slug}`) | {e.difficulty} |" for e in manifest.exercises]
    for exercise in manifest.exercises:
        files = ", ".join(f"`{name}`" for name in exercise.files)
        lines += [
            "",
            f"## {exercise.number}. {exercise.title}",
            "",
            f"Slug: `{exercise.slug}` · Difficulty: {exercise.difficulty} · Files: {files}",
            "",
            exercise.instructions,
            "",
            "**Done when**",
            "",
            *(f"- {criterion}" for criterion in exercise.acceptance),
            "",
            "**Read more:** " + " · ".join(f"[{title}]({url})" for title, url in exercise.docs),
        ]
        if exercise.questions or extra.get(exercise.number):
            suffix = " Model answers are in INTERVIEW.md." if has_answers else ""
            lines += ["", f"**Interview questions this prepares you for.**{suffix}", ""]
            lines += [f"- Q{number}. {QUESTIONS[number]}" for number in exercise.questions]
            lines += [f"- {question}" for question in extra.get(exercise.number, [])]
    return "\n".join(lines) + "\n"
