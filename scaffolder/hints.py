"""`scaffolder hint`: reveal an exercise's hints one at a time, remembering how far."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.exceptions import StateError
from scaffolder.manifest import Exercise
from scaffolder.project import Project, load_state, save_state, state_lock


@dataclass(frozen=True)
class Hint:
    exercise: Exercise
    number: int
    total: int
    text: str
    not_saved: str | None = None  # why the count could not be saved (the hint is shown anyway)
    repeated: bool = False  # all were seen: this is the last one again


def hints_left(project: Project, exercise: Exercise) -> int:
    """How many of the exercise's hints the learner has not seen yet (read without the lock: a count to show)."""
    try:
        shown = load_state(project).hints_shown.get(exercise.slug, 0)
    except StateError:
        shown = 0
    return max(len(exercise.hints) - shown, 0)


def next_hint(project: Project, exercise: Exercise) -> Hint:
    """The next unseen hint; once all are seen, the last one again."""
    with state_lock(project):
        state = load_state(project)
        total = len(exercise.hints)
        shown = min(state.hints_shown.get(exercise.slug, 0), total)
        repeated = shown == total
        number = total if repeated else shown + 1
        not_saved = None
        if not repeated:
            state.hints_shown[exercise.slug] = number
            try:
                save_state(project, state)
            except StateError as err:
                not_saved = str(err)
    return Hint(exercise, number, total, exercise.hints[number - 1], not_saved, repeated)
