"""Turn a freshly rendered template into a practice project in a chosen state.

Shared by `scaffolder new` and the template's post-generation hook, so a plain
`cookiecutter` render and a scaffolder render give the same learner project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scaffolder import markers
from scaffolder.exceptions import MarkerError, TemplateError
from scaffolder.exercises_doc import EXERCISES_DOC, exercises_markdown
from scaffolder.manifest import MANIFEST_NAME, Manifest, load_manifest
from scaffolder.project import work_files
from scaffolder.records import Stubs, test_digests, write_stubs, write_test_record


def prepare_project(
    project_dir: Path, package: str, solved_through: int, assigned: frozenset[str] | None = None
) -> Manifest:
    """Write the manifest and EXERCISES.md, and replace unsolved regions by stubs.

    Exercises 1..solved_through keep their reference solution; the rest become
    stubs. With `assigned` (an interview's exercises, by slug), those become the
    stubs and every other exercise keeps its solution. All files are checked
    before any is rewritten.
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
    rewritten, stubs = strip_regions(project_dir, manifest, solved_through, assigned)
    for path, text in rewritten.items():
        path.write_text(text, encoding="utf-8")
    write_stubs(project_dir, stubs)
    write_test_record(project_dir, test_digests(project_dir))
    (project_dir / EXERCISES_DOC).write_text(exercises_markdown(manifest, project_dir), encoding="utf-8")
    return manifest


def strip_regions(
    project_dir: Path, manifest: Manifest, solved_through: int, assigned: frozenset[str] | None = None
) -> tuple[dict[Path, str], Stubs]:
    """The new text of every file that has exercise regions, and each exercise's stubs.

    The stubs (slug -> [{file, text}]) let `check` tell an untouched exercise
    ("not started") from one the learner has begun.
    """
    exercises = manifest.slugs()
    used: set[str] = set()

    def is_solved(slug: str) -> bool:
        if assigned is not None:
            return slug not in assigned
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


def _text_files(root: Path):
    for path in work_files(root):
        if path.is_file():
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
