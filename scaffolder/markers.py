"""Exercise regions: find them in a file and render each as solution or stub.

A region is marked with comment lines in the file's own syntax::

    # BEGIN SOLUTION <slug>
    ...reference solution...
    # STUB                     (optional)
    # ...commented-out stub...
    # END SOLUTION

See docs/TEMPLATE_FORMAT.md for the full contract.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from scaffolder.exceptions import MarkerError


@dataclass(frozen=True)
class CommentStyle:
    """How a file type writes a one-line comment."""

    opener: str
    closer: str = ""

    def wrap(self, indent: str, text: str) -> str:
        return f"{indent}{self.opener} {text}{' ' + self.closer if self.closer else ''}"


HASH = CommentStyle("#")
JINJA = CommentStyle("{#", "#}")
STYLES_BY_SUFFIX = {
    **dict.fromkeys([".py", ".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ".sh"], HASH),
    **dict.fromkeys([".flaskenv", ".env", ".gitignore", ".dockerignore"], HASH),
    **dict.fromkeys([".html", ".jinja", ".jinja2", ".j2"], JINJA),
    ".md": CommentStyle("<!--", "-->"),
    ".css": CommentStyle("/*", "*/"),
    ".js": CommentStyle("//"),
    ".sql": CommentStyle("--"),
}
STYLES_BY_NAME = dict.fromkeys(["Dockerfile", "Containerfile", "Procfile", ".flaskenv", ".env"], HASH)
MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION")


def style_for(path: PurePath) -> CommentStyle | None:
    """The comment style of a file, or None when scaffolder does not know it."""
    return STYLES_BY_NAME.get(path.name) or STYLES_BY_SUFFIX.get(path.suffix)


def has_markers(text: str) -> bool:
    return any(word in text for word in MARKER_WORDS)


@dataclass
class Region:
    """One exercise region of a file."""

    slug: str
    line: int
    indent: str
    solution: list[str] = field(default_factory=list)
    stub: list[str] | None = None


@dataclass(frozen=True)
class StubText:
    """What a stub says about its exercise."""

    number: int
    slug: str
    title: str


class _Patterns:
    def __init__(self, style: CommentStyle):
        opener = re.escape(style.opener)
        closer = rf"\s*{re.escape(style.closer)}" if style.closer else ""
        self.marker = re.compile(
            rf"^(?P<indent>[ \t]*){opener}\s*(?P<word>BEGIN SOLUTION|END SOLUTION|STUB)"
            rf"(?:[ \t]+(?P<slug>[^\s]+?))?{closer}[ \t]*$"
        )
        self.commented = re.compile(rf"^(?P<indent>[ \t]*){opener} ?(?P<body>.*?){closer}[ \t]*$")


def parse(text: str, style: CommentStyle, filename: str) -> list[str | Region]:
    """Split a file into plain lines and regions; raise MarkerError on bad markers."""
    patterns = _Patterns(style)
    pieces: list[str | Region] = []
    region: Region | None = None
    in_stub = False
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        where = f"{filename}, line {number}"
        match = patterns.marker.match(line.rstrip("\r\n"))
        if match is None and any(word in line for word in MARKER_WORDS):
            raise MarkerError(
                f"{where}: a marker must stand alone on its line as "
                f"{style.wrap('', 'BEGIN SOLUTION <slug>')!r} or {style.wrap('', 'END SOLUTION')!r}."
            )
        word = match["word"] if match else None
        if word == "BEGIN SOLUTION":
            if region is not None:
                raise MarkerError(
                    f"{where}: regions cannot nest; the region opened at line {region.line} is not closed."
                )
            if not match["slug"]:
                raise MarkerError(f"{where}: BEGIN SOLUTION must name the exercise slug.")
            region = Region(slug=match["slug"], line=number, indent=match["indent"])
            in_stub = False
        elif word == "STUB":
            if region is None:
                raise MarkerError(f"{where}: STUB outside a BEGIN SOLUTION ... END SOLUTION region.")
            if in_stub:
                raise MarkerError(f"{where}: the region opened at line {region.line} has a second STUB line.")
            in_stub, region.stub = True, []
        elif word == "END SOLUTION":
            if region is None:
                raise MarkerError(f"{where}: END SOLUTION without a BEGIN SOLUTION before it.")
            if match["slug"] and match["slug"] != region.slug:
                raise MarkerError(
                    f"{where}: END SOLUTION {match['slug']} closes the region of {region.slug!r} "
                    f"opened at line {region.line}."
                )
            pieces.append(region)
            region, in_stub = None, False
        elif region is None:
            pieces.append(line)
        elif in_stub:
            assert region.stub is not None
            region.stub.append(_uncomment(line, patterns, where, style))
        else:
            region.solution.append(line)
    if region is not None:
        raise MarkerError(
            f"{filename}, line {region.line}: the region of {region.slug!r} is never closed with END SOLUTION."
        )
    return pieces


def _uncomment(line: str, patterns: _Patterns, where: str, style: CommentStyle) -> str:
    ending = line[len(line.rstrip("\r\n")) :]
    bare = line.rstrip("\r\n")
    if not bare.strip():
        return ending
    match = patterns.commented.match(bare)
    if match is None:
        raise MarkerError(f"{where}: stub lines must be commented out with {style.opener!r}.")
    text = f"{match['indent']}{match['body']}"
    # A blank stub line is blank: no trailing indentation for linters to flag.
    return f"{text if text.strip() else ''}{ending}"


def render(
    pieces: list[str | Region],
    style: CommentStyle,
    is_solved: Callable[[str], bool],
    describe: Callable[[str], StubText],
    python: bool,
) -> str:
    """Join parsed pieces back into text, each region as its solution or its stub."""
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif is_solved(piece.slug):
            out.extend(piece.solution)
        else:
            out.extend(_stub_lines(piece, style, describe(piece.slug), python))
    return "".join(out)


def stub_text(region: Region, style: CommentStyle, about: StubText, python: bool) -> str:
    """The text that stands for an unsolved region in the learner's file."""
    return "".join(_stub_lines(region, style, about, python))


def _stub_lines(region: Region, style: CommentStyle, about: StubText, python: bool) -> list[str]:
    tag = f"TODO exercise {about.number} ({about.slug})"
    lines = [style.wrap(region.indent, f"{tag}: {about.title}. See EXERCISES.md.") + "\n"]
    if region.stub is not None:
        lines.extend(region.stub)
    elif python:
        message = f"Exercise {about.number} ({about.slug}) is not done yet: see EXERCISES.md"
        lines.append(f'{region.indent}raise NotImplementedError("{message}")\n')
    return lines
