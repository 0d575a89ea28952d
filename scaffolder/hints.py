"""`scaffolder hint`: reveal an exercise's hints one at a time, remembering how far."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.manifest import Exercise
from scaffolder.project import Project, load_state, save_state


@dataclass(frozen=True)
class Hint:
    exercise: Exercise
    number: int
    total: int
    text: str
    repeated: bool


def next_hint(project: Project, exercise: Exercise) -> Hint:
    """The next unseen hint; once all are seen, the last one again."""
    state = load_state(project)
    total = len(exercise.hints)
    shown = min(state.hints_shown.get(exercise.slug, 0), total)
    repeated = shown == total
    number = total if repeated else shown + 1
    if not repeated:
        state.hints_shown[exercise.slug] = number
        save_state(project, state)
    return Hint(exercise, number, total, exercise.hints[number - 1], repeated)
