"""`scaffolder questions`: the interview-question bank, with the exercises that practise each question.

The bank holds the curriculum's general questions (scaffolder/questions.py, numbered 1 to 14)
and each level's own questions: the sections of a template's INTERVIEW.md after the numbered
ones, numbered by level ("3.2" is level 3's second). The exercises come from every installed
template's manifest (`questions` field, or the exercise numbers in an own question's heading);
an exercise is done when the learner's journey records it solved in some project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from scaffolder.questions import ANSWERS, NOT_ABOUT_CODE, QUESTIONS

_HEADING = re.compile(r"^## (?P<title>[^\n]+?)[ \t]*$", re.M)
_NUMBERED = re.compile(r"\d+\. ")
_EXERCISES = re.compile(r" \(exercises? (?P<numbers>[0-9, ]+)(?:;[^\n]*)?\)$")


class Practice(NamedTuple):
    """An exercise that practises a question, and whether the learner has solved it."""

    template: str
    level: int
    number: int
    slug: str
    done: bool


@dataclass(frozen=True)
class Entry:
    number: str  # "7" for a curriculum question, "3.2" for level 3's second own question
    question: str
    answer: str
    about_code: bool
    practice: tuple[Practice, ...]


def question_bank(level: int | None = None) -> list[Entry]:
    """Every question with its answer and the exercises (of `level`, or of every level) that practise it."""
    from scaffolder.journey import passed_exercises
    from scaffolder.templates import list_templates

    done = passed_exercises()
    chosen = [(t, m) for t, m in list_templates() if level is None or m.level == level]
    practice: dict[int, list[Practice]] = {n: [] for n in QUESTIONS}
    for _template, manifest in chosen:
        for exercise in manifest.exercises:
            for question in exercise.questions:
                passed = exercise.slug in done.get(manifest.name, set())
                practice[question].append(
                    Practice(manifest.name, manifest.level, exercise.number, exercise.slug, passed)
                )
    entries = [
        Entry(str(n), QUESTIONS[n], ANSWERS[n], n not in NOT_ABOUT_CODE, tuple(practice[n])) for n in sorted(QUESTIONS)
    ]
    counts: dict[int, int] = {}
    for template, manifest in chosen:
        interview = template.path / "{{cookiecutter.project_slug}}" / "INTERVIEW.md"
        if not interview.is_file():
            continue
        by_number = {e.number: e for e in manifest.exercises}
        solved = done.get(manifest.name, set())
        for question, answer, numbers in level_questions(interview.read_text(encoding="utf-8")):
            counts[manifest.level] = counts.get(manifest.level, 0) + 1
            practised = tuple(
                Practice(manifest.name, manifest.level, n, by_number[n].slug, by_number[n].slug in solved)
                for n in numbers
                if n in by_number
            )
            number = f"{manifest.level}.{counts[manifest.level]}"
            entries.append(Entry(number, question, answer, bool(numbers), practised))
    return entries


def level_questions(interview: str) -> list[tuple[str, str, list[int]]]:
    """(question, answer, exercise numbers) of each INTERVIEW.md section that is not a numbered curriculum one.

    Such a section is tied to exercises by its heading: "## Why read files with generators?
    (exercises 1, 2, 4)"; anything after a ";" in the brackets is a remark.
    """
    found = []
    headings = list(_HEADING.finditer(interview))
    for i, heading in enumerate(headings):
        title = heading["title"]
        if _NUMBERED.match(title):
            continue
        end = headings[i + 1].start() if i + 1 < len(headings) else len(interview)
        body = re.split(r"^(?:# |---)", interview[heading.end() : end], maxsplit=1, flags=re.M)[0]
        numbers = _EXERCISES.search(title)
        question = title[: numbers.start()] if numbers else title
        exercises = [int(n) for n in re.findall(r"[0-9]+", numbers["numbers"])] if numbers else []
        found.append((question, _reflow(body), exercises))
    return found


def _reflow(markdown: str) -> str:
    """Paragraphs on one line each, so that the terminal wraps them; lists and code keep their lines."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = block.splitlines()
        if any(line.startswith(("    ", "- ", "* ", "```", "|")) for line in lines):
            paragraphs.append(block)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)
