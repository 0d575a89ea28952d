"""`scaffolder reset` and `scaffolder solution`: put one exercise's regions back to stubs, or to the answer.

The reference comes from rendering the installed template for the project's
package, markers kept, and parsing its regions (scaffolder.markers). To find a
region in the learner's file, the file as generated (every region a stub) is
lined up with the learner's file (difflib): the template's own lines around the
region, wherever they ended up, bound the learner's version of it. Other
exercises' code is never touched, and before anything is written every file of
the project is copied under `.scaffolder/backups/<timestamp>/`.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffolder import markers
from scaffolder.exceptions import RestoreError
from scaffolder.manifest import Exercise
from scaffolder.project import STATE_DIR, Project, work_files

BACKUPS_DIR = Path(STATE_DIR) / "backups"


@dataclass(frozen=True)
class FileChange:
    """One file of the project: its text now, and with the exercise put back."""

    relative: str
    current: str
    new: str

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.current.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                f"a/{self.relative} (yours)",
                f"b/{self.relative} (reference)",
            )
        )


def exercise_changes(project: Project, exercise: Exercise, to: str) -> list[FileChange]:
    """The files of `exercise` with its regions as the stub (`to="stub"`) or the solution (`to="solution"`).

    Only files whose text would change are returned.
    """
    package = project.package
    if package is None:
        raise RestoreError(
            "Cannot tell this project's package from exercises.toml, so its template cannot be rendered."
        )
    changes = []
    with tempfile.TemporaryDirectory(prefix="scaffolder-reference-") as scratch:
        reference = _render_with_markers(project, package, Path(scratch))
        numbers = {e.slug: e for e in project.manifest.exercises}
        for source in work_files(reference):
            try:
                text = source.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if not markers.has_markers(text) or f"BEGIN SOLUTION {exercise.slug}" not in text:
                continue
            relative = source.relative_to(reference).as_posix()
            style = markers.style_for(source)
            if style is None:
                continue
            pieces = markers.parse(text, style, relative)
            target = project.root / relative
            try:
                current = target.read_text(encoding="utf-8")
            except FileNotFoundError:
                current = None
            except (OSError, UnicodeDecodeError) as err:
                raise RestoreError(f"Cannot read {relative}: {err}.") from err

            stub = functools.partial(_stub, numbers=numbers, style=style, python=source.suffix == ".py")
            new = _replace_regions(pieces, current, exercise.slug, to, stub, relative)
            if current is None or new != current:
                changes.append(FileChange(relative, current or "", new))
    return changes


def _stub(region: markers.Region, numbers, style: markers.CommentStyle, python: bool) -> list[str]:
    found = numbers[region.slug]
    about = markers.StubText(found.number, found.slug, found.title)
    return markers.stub_text(region, style, about, python).splitlines(keepends=True)


def _render_with_markers(project: Project, package: str, scratch: Path) -> Path:
    """The installed template rendered for `package`, exercise markers still in place."""
    from scaffolder.generate import build_context, render_template
    from scaffolder.templates import find_template

    template = find_template(project.manifest.name)
    context = build_context(template, {"project_slug": package}, no_input=True)
    return render_template(template, context, scratch)


def _replace_regions(pieces, current: str | None, slug: str, to: str, stub, relative: str) -> str:
    """`current` with each region of `slug` replaced by its stub or solution."""
    generated: list[str] = []  # the file as expected: other exercises as they are now, this one its stub
    plain: list[bool] = []  # whether a generated line can anchor the alignment (not this exercise's)
    foreign: list[bool] = []  # whether a generated line is another exercise's region
    spans: list[tuple[int, int, markers.Region]] = []  # where each region of `slug` sits in `generated`
    for piece in pieces:
        if isinstance(piece, str):
            generated.append(piece)
            plain.append(True)
            foreign.append(False)
            continue
        if piece.slug == slug:
            lines = stub(piece)
            spans.append((len(generated), len(generated) + len(lines), piece))
        else:
            # Another exercise: solved as the reference, or still its stub (or the learner's own code).
            solved = "".join(piece.solution)
            lines = list(piece.solution) if current is not None and solved and solved in current else stub(piece)
        generated.extend(lines)
        plain.extend([piece.slug != slug] * len(lines))
        foreign.extend([piece.slug != slug] * len(lines))
    if current is None:  # the learner deleted the file: the template's version, with the exercise as asked
        current = "".join(generated)
    mine = current.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, generated, mine, autojunk=False)
    # Where each of the template's own lines ended up in the learner's file.
    where: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            if plain[a + k]:
                where[a + k] = b + k
    replaced: list[tuple[int, int, list[str]]] = []
    for start, end, region in spans:
        before = [where[i] + 1 for i in range(start) if i in where]
        after = [where[i] for i in range(end, len(generated)) if i in where]
        low = max(before, default=0)
        high = min(after, default=len(mine))
        # Another exercise's region right beside this one must be found, or its code would be replaced too.
        lost_neighbour = (start > 0 and foreign[start - 1] and start - 1 not in where) or (
            end < len(generated) and foreign[end] and end not in where
        )
        if (start > 0 and not before and any(plain[:start])) or high < low or lost_neighbour:
            raise RestoreError(
                f"{relative} has changed too much around exercise {slug!r} to find its code; "
                "restore the file from git or a backup first."
            )
        text = list(region.solution) if to == "solution" else stub(region)
        replaced.append((low, high, text))
    for low, high, text in sorted(replaced, reverse=True):
        mine[low:high] = text
    return "".join(mine)


def backup(project: Project) -> Path:
    """Copy the learner's files (project.work_files: no git, caches, virtualenvs, database or records)
    under .scaffolder/backups/<timestamp>/."""
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    root = project.root / BACKUPS_DIR
    target = root / stamp
    suffix = 1
    while target.exists():
        suffix += 1
        target = root / f"{stamp}-{suffix}"
    try:
        target.mkdir(parents=True)
        for path in work_files(project.root):
            if not path.is_file():
                continue
            relative = path.relative_to(project.root)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    except OSError as err:
        raise RestoreError(
            f"Cannot back up the project to {target}: {err.strerror or err}; nothing was changed."
        ) from err
    return target


def apply_changes(project: Project, changes: list[FileChange]) -> Path:
    """Back the project up, then write the changes; returns the backup folder."""
    saved = backup(project)
    for change in changes:
        path = project.root / change.relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change.new, encoding="utf-8")
        except OSError as err:
            raise RestoreError(
                f"Cannot write {change.relative}: {err.strerror or err}. Your files are backed up in {saved}."
            ) from err
    return saved
