"""`scaffolder questions`: the interview-question bank, with the exercises that practise each question.

The exercises come from every installed template's manifest (`questions` field);
an exercise is done when the learner's journey records it passed in some project.
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.questions import ANSWERS, NOT_ABOUT_CODE, QUESTIONS


@dataclass(frozen=True)
class Practice:
    template: str
    level: int
    number: int
    slug: str
    done: bool


@dataclass(frozen=True)
class Entry:
    number: int
    question: str
    answer: str
    about_code: bool
    practice: tuple[Practice, ...]


def question_bank(level: int | None = None) -> list[Entry]:
    """Every question with its answer and the exercises (of `level`, or of every level) that practise it."""
    from scaffolder.journey import passed_exercises
    from scaffolder.templates import list_templates

    done = passed_exercises()
    practice: dict[int, list[Practice]] = {n: [] for n in QUESTIONS}
    for _template, manifest in list_templates():
        if level is not None and manifest.level != level:
            continue
        for exercise in manifest.exercises:
            for question in exercise.questions:
                passed = exercise.slug in done.get(manifest.name, set())
                practice[question].append(
                    Practice(manifest.name, manifest.level, exercise.number, exercise.slug, passed)
                )
    return [Entry(n, QUESTIONS[n], ANSWERS[n], n not in NOT_ABOUT_CODE, tuple(practice[n])) for n in sorted(QUESTIONS)]
