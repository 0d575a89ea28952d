"""The brief rule: an exercise's text states the what, never the how.

An exercise's instructions and acceptance criteria are the brief an interviewer
hands over: the situation, the interface the tests call, the behaviour they
check. The calls, imports and code shapes a learner could choose belong in the
hints, revealed one at a time. This module measures a text against that rule;
`scaffolder dev check` runs it on every exercise of a template.

What counts as "how", in Markdown text:

- a fenced code block in a programming language (a block marked `console`,
  `shell`, `json`, `http` or `text` shows a command, a payload or an output,
  which is interface, and is allowed);
- in an inline code span: a call (`db.paginate(...)`, `abort(404)`), an import
  (`from flask import g`) or a decorator (`@login_required`),

unless the exercise's `interface` declares the name: what the tests call is
part of the brief (`create_app(test_config=None)`, `load_orders(path)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scaffolder.manifest import Exercise, Manifest

# Languages of a fenced block that show what the learner types or receives, not code to write.
INTERFACE_FENCES = frozenset({"console", "shell", "sh", "bash", "text", "json", "http"})
FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
# A name followed at once by an opening bracket: `url_for(`, `Task.done.is_(`; `ON CONFLICT (key)` is SQL text.
# `task(s)`, the plural in "0 task(s) found", is text.
CALL = re.compile(r"(?<![\w.@])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\((?!s\))")
IMPORT = re.compile(r"^\s*(?:from\s+[\w.]+\s+import\s+\S|import\s+[A-Za-z_][\w.]*\s*$)")
DECORATOR = re.compile(r"^\s*@([A-Za-z_][\w.]*)")
# The name an interface entry declares: the leading (dotted) identifier of `create_app(test_config=None)`.
DECLARED_NAME = re.compile(r"@?([A-Za-z_][\w.]*)")


@dataclass(frozen=True)
class Finding:
    """One place where a text says how: `what` is the code shown, `kind` a word for it."""

    kind: str  # "code block", "call", "import", "decorator"
    what: str


def declared_names(interface: Iterable[str]) -> frozenset[str]:
    """The names an exercise's interface entries declare (`create_app(test_config=None)` -> `create_app`)."""
    names = set()
    for entry in interface:
        match = DECLARED_NAME.match(entry.strip())
        if match:
            names.add(match.group(1))
    return frozenset(names)


def _is_declared(name: str, declared: frozenset[str]) -> bool:
    # `Task(...)` is declared by `Task`; `client.get(...)` by `client` or `client.get`;
    # `write(...)`, a method named on its own, by `RejectWriter.write`.
    parts = name.split(".")
    if any(".".join(parts[:end]) in declared for end in range(1, len(parts) + 1)):
        return True
    return len(parts) == 1 and any(entry.rsplit(".", 1)[-1] == name for entry in declared if "." in entry)


def _fences(text: str) -> Iterator[tuple[str, str]]:
    for match in FENCE.finditer(text):
        yield match.group(1).lower(), match.group(2)


def _without_fences(text: str) -> str:
    return FENCE.sub("", text)


def calls_in(text: str) -> list[str]:
    """Every call named in a text's code (inline spans and fenced blocks), in order, repeats kept."""
    names = []
    for _language, body in _fences(text):
        names += CALL.findall(body)
    for match in CODE_SPAN.finditer(_without_fences(text)):
        names += CALL.findall(match.group(2))
    return names


def findings(text: str, interface: Iterable[str] = ()) -> list[Finding]:
    """The places where `text` shows how rather than what, given the names its interface declares."""
    declared = declared_names(interface)
    found: list[Finding] = []
    for language, body in _fences(text):
        if language not in INTERFACE_FENCES:
            first = next((line.strip() for line in body.splitlines() if line.strip()), "")
            found.append(Finding("code block", f"```{language} {first} ..."))
    for match in CODE_SPAN.finditer(_without_fences(text)):
        span = match.group(2).strip()
        if IMPORT.match(span):
            found.append(Finding("import", span))
            continue
        decorator = DECORATOR.match(span)
        if decorator and not _is_declared(decorator.group(1), declared):
            found.append(Finding("decorator", span))
            continue
        for name in CALL.findall(span):
            if not _is_declared(name, declared):
                found.append(Finding("call", f"{name}(...)"))
    return found


def brief_text(exercise: Exercise) -> str:
    """What EXERCISES.md shows of an exercise: its instructions and its acceptance criteria."""
    return "\n\n".join([exercise.instructions, *exercise.acceptance])


def exercise_problems(exercise: Exercise) -> list[str]:
    """Why an exercise is not a brief, or its hint ladder does not climb (empty: it is fine)."""
    problems = []
    for finding in findings(brief_text(exercise), exercise.interface):
        problems.append(
            f"{exercise.label}: its text shows the {finding.kind} `{finding.what}`, which its interface does "
            "not declare: a brief says what must happen; move the how into a hint (or, if the tests call it, "
            "declare it in `interface`)"
        )
    first = exercise.hints[0]
    if any(language not in INTERFACE_FENCES for language, _ in _fences(first)) or findings(first, exercise.interface):
        problems.append(
            f"{exercise.label}: its first hint already shows code; a ladder climbs from the idea and where to "
            "read about it, then the APIs, and shows code last"
        )
    return problems


def manifest_problems(manifest: Manifest) -> list[str]:
    """Every exercise of a template measured against the brief rule."""
    return [problem for exercise in manifest.exercises for problem in exercise_problems(exercise)]


@dataclass(frozen=True)
class CallCounts:
    """How many calls an exercise's brief and its hints name (the figure issue reports quote)."""

    number: int
    slug: str
    brief: int
    undeclared: int
    hints: int


def call_counts(manifest: Manifest) -> list[CallCounts]:
    """Per exercise: calls named in the brief (all, and those the interface does not declare) and in the hints."""
    rows = []
    for exercise in manifest.exercises:
        text = brief_text(exercise)
        declared = declared_names(exercise.interface)
        named = calls_in(text)
        rows.append(
            CallCounts(
                number=exercise.number,
                slug=exercise.slug,
                brief=len(named),
                undeclared=sum(not _is_declared(name, declared) for name in named),
                hints=sum(len(calls_in(hint)) for hint in exercise.hints),
            )
        )
    return rows
