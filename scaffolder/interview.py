"""`scaffolder interview`: a timed take-home made of a level's briefs, and the report at its end.

A template declares the exercise sets a take-home may assign (`[interview] sets`
in its manifest; `dev check` proves that each set, left as stubs with every other
exercise solved, fails exactly that set). `interview LEVEL` picks one that fits
the minutes, by a seed, and renders a fresh project where those exercises are the
assignment (`ASSIGNMENT.md`) and the rest are given solved.

The attempt is kept in `.scaffolder/interview.json`: the clock (wall-clock times,
so it survives closing the terminal), every check's passing exercises, and every
hint taken. `interview submit`, or the first command after time runs out, ends it
and writes `INTERVIEW_REPORT.md` and a self-contained `interview_report.html`.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scaffolder import storage
from scaffolder.exceptions import InputError, NotAProjectError, StateError
from scaffolder.manifest import Exercise, Manifest
from scaffolder.project import STATE_DIR, Project
from scaffolder.storage import locked, read_versioned, write_json

INTERVIEW_FILE = "interview.json"
INTERVIEW_VERSION = 1
ASSIGNMENT_DOC = "ASSIGNMENT.md"
REPORT_DOC = "INTERVIEW_REPORT.md"
REPORT_PAGE = "interview_report.html"
DEFAULT_MINUTES = 90
# What an exercise of each difficulty takes someone who knows the level, to size a take-home.
MINUTES_BY_DIFFICULTY = {"easy": 15, "medium": 25, "hard": 35}
REMEDY = "it records your attempt, so it is kept; restore it from git, or start a new interview"


def estimate(manifest: Manifest, numbers: tuple[int, ...]) -> int:
    return sum(MINUTES_BY_DIFFICULTY[manifest.exercises[n - 1].difficulty] for n in numbers)


def choose_set(manifest: Manifest, minutes: int, seed: int) -> tuple[int, ...]:
    """One of the template's sets that fits `minutes`, chosen by `seed` among those that fill the time best."""
    fitting = [s for s in manifest.interview_sets if estimate(manifest, s) <= minutes]
    if not manifest.interview_sets:
        raise InputError(f"{manifest.name} offers no take-home: its manifest declares no [interview] sets.")
    if not fitting:
        shortest = min(estimate(manifest, s) for s in manifest.interview_sets)
        raise InputError(
            f"No take-home of {manifest.name} fits in {minutes} minutes; the shortest takes about {shortest}: "
            f"use --minutes {shortest} or more."
        )
    full = [s for s in fitting if estimate(manifest, s) >= 0.6 * minutes] or fitting
    return random.Random(seed).choice(sorted(full))


@dataclass
class Attempt:
    """The record of one take-home (interview.json)."""

    template: str
    level: int
    seed: int
    minutes: int
    started: str  # ISO times, UTC
    assigned: list[str]  # slugs
    checks: list[dict[str, Any]] = field(default_factory=list)  # {"at": ISO, "passed": [slugs]}
    hints: list[dict[str, Any]] = field(default_factory=list)  # {"at": ISO, "slug": s, "number": n}
    ended: str | None = None
    ended_by: str | None = None  # "submit" or "time"

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(self.started)

    @property
    def deadline(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def first_pass(self, slug: str) -> datetime | None:
        """When the exercise first passed a check within the time."""
        for check in self.checks:
            at = datetime.fromisoformat(check["at"])
            if slug in check["passed"] and at <= self.deadline:
                return at
        return None

    def passing(self) -> list[str]:
        """The assigned exercises that passed the last check within the time."""
        within = [c for c in self.checks if datetime.fromisoformat(c["at"]) <= self.deadline]
        return [s for s in self.assigned if within and s in within[-1]["passed"]]

    def hints_for(self, slug: str) -> int:
        return sum(h["slug"] == slug for h in self.hints)


def attempt_path(root: Path) -> Path:
    return Path(root) / STATE_DIR / INTERVIEW_FILE


def load_attempt(root: Path) -> Attempt | None:
    """The project's take-home record; None in an ordinary project. Damage is reported, never reset."""
    path = attempt_path(root)
    data = read_versioned(path, INTERVIEW_VERSION, REMEDY)
    if data is None:
        return None
    try:
        data = {k: v for k, v in data.items() if k != "version"}
        attempt = Attempt(**data)
        attempt.deadline  # noqa: B018 -- a start time that does not parse is damage, found now
        for check in attempt.checks:
            datetime.fromisoformat(check["at"]), list(check["passed"])
        return attempt
    except (KeyError, TypeError, ValueError) as err:
        raise StateError(f"{path} is not a record this scaffolder understands; {REMEDY}.") from err


def save_attempt(root: Path, attempt: Attempt) -> None:
    path = attempt_path(root)
    try:
        write_json(path, {"version": INTERVIEW_VERSION, **asdict(attempt)}, indent=2)
    except OSError as err:
        raise StateError(f"Could not save the interview record {path}: {err.strerror or err}.") from err


def _change(root: Path, change) -> Attempt | None:
    """Read, change and save the attempt under a lock; None (and nothing written) when there is none."""
    path = attempt_path(root)
    if not path.exists():
        return None  # an ordinary project: no lock file made, nothing read
    with locked(Path(f"{path}.lock")):
        attempt = load_attempt(root)
        if attempt is None:
            return None
        change(attempt)
        save_attempt(root, attempt)
        return attempt


def start_interview(level_or_name: str, minutes: int, seed: int | None, output_dir: Path):
    """Render the take-home project; returns (NewProject, Attempt)."""
    from scaffolder.generate import new_project
    from scaffolder.project import find_project
    from scaffolder.templates import list_templates

    output_dir = Path(output_dir).expanduser().absolute()
    existing = next(d for d in (output_dir, *output_dir.parents) if d.exists())  # -o may name a new folder
    try:
        inside = find_project(existing)
    except NotAProjectError:  # not inside a project, which is what we want
        inside = None
    if inside is not None:
        where = "is" if inside.root == output_dir else "is inside"
        raise InputError(
            f"{output_dir} {where} the practice project {inside.root}: start an interview outside any project."
        )
    pairs = list_templates()
    chosen = [(t, m) for t, m in pairs if str(m.level) == level_or_name.strip() or t.name == level_or_name.strip()]
    if not chosen:
        levels = ", ".join(f"{m.level} ({t.name})" for t, m in pairs)
        raise InputError(f"There is no level {level_or_name!r}; the levels are {levels}.")
    template, manifest = chosen[0]
    seed = seed if seed is not None else random.SystemRandom().randrange(10_000)
    numbers = choose_set(manifest, minutes, seed)
    assigned = [manifest.exercises[n - 1].slug for n in numbers]
    # The template's own names: its code is formatted for them (a longer package name would push
    # given lines past the linter's limit, and the review would blame the candidate for them).
    made = new_project(template, {}, output_dir, no_input=True, assigned=frozenset(assigned))
    attempt = Attempt(
        template=manifest.name,
        level=manifest.level,
        seed=seed,
        minutes=minutes,
        started=storage.utc_now().isoformat(),
        assigned=assigned,
    )
    save_attempt(made.path, attempt)
    learner_manifest = find_project(made.path).manifest  # with the project's package in its file names
    (made.path / ASSIGNMENT_DOC).write_text(assignment_markdown(learner_manifest, attempt), encoding="utf-8")
    return made, attempt


def assignment_markdown(manifest: Manifest, attempt: Attempt) -> str:
    """The take-home as a hiring team hands it over: the briefs of the assigned exercises, nothing more."""
    exercises = [manifest.find(slug) for slug in attempt.assigned]
    lines = [
        f"# Take-home: {manifest.title}",
        "",
        f"Thank you for taking the time. You have **{attempt.minutes} minutes** from the moment this",
        f"project was made ({attempt.start:%Y-%m-%d %H:%M} UTC). The project already works: the parts",
        f"that are not yours to write are done. Your part is the {tasks_phrase(len(exercises))} below.",
        "",
        "We look at three things: whether it works (run `scaffolder check`: it runs the same tests",
        "we do), how the code reads, and whether it is safe. `scaffolder hint` is there if you are",
        "stuck; each hint you take is noted in the report. `scaffolder interview status` shows the",
        "time left; `scaffolder interview submit` hands it in. When the time is up, the next",
        "command ends the take-home and writes the report.",
        "",
    ]
    for index, exercise in enumerate(exercises, start=1):
        lines += [f"## Task {index}: {exercise.title}", "", f"Files: {', '.join(f'`{f}`' for f in exercise.files)}"]
        lines += ["", exercise.instructions, ""]
        if exercise.interface:
            lines += ["**Interface** (what our tests call)", "", *(f"- `{entry}`" for entry in exercise.interface), ""]
        lines += ["**Acceptance criteria**", "", *(f"- {c}" for c in exercise.acceptance), ""]
    lines += [
        f"(Seed {attempt.seed}: `scaffolder interview {attempt.level} --seed {attempt.seed}` gives this set again.)"
    ]
    return "\n".join(lines) + "\n"


def tasks_phrase(count: int) -> str:
    return f"{count} task" + ("s" if count != 1 else "")


def record_check(root: Path, passed: list[str], failed: list[str], at: datetime | None = None) -> Attempt | None:
    """Add a check to a running take-home (a finished one is not changed).

    A check of one exercise changes only that exercise's standing: the others keep the last check's.
    """

    def change(attempt: Attempt) -> None:
        if attempt.ended is None:
            before = set(attempt.checks[-1]["passed"]) if attempt.checks else set()
            now_passing = (before | set(passed)) - set(failed)
            when = at or storage.utc_now()  # when the check was asked for, not when it finished
            attempt.checks.append({"at": when.isoformat(), "passed": sorted(now_passing)})

    return _change(root, change)


def record_hint(root: Path, slug: str, number: int) -> Attempt | None:
    def change(attempt: Attempt) -> None:
        if attempt.ended is None:
            attempt.hints.append({"at": storage.utc_now().isoformat(), "slug": slug, "number": number})

    return _change(root, change)


def end_if_time_is_up(project: Project) -> Attempt | None:
    """End a take-home whose time ran out (the first command after it notices); the ended attempt, or None."""
    attempt = load_attempt(project.root)
    if attempt is None or attempt.ended is not None or storage.utc_now() < attempt.deadline:
        return None
    return end_attempt(project, "time")


def end_attempt(project: Project, how: str, at: datetime | None = None) -> Attempt:
    """Mark the take-home ended (at `at`, when submit was asked; default now) and write its report."""

    def change(attempt: Attempt) -> None:
        if attempt.ended is None:
            attempt.ended = min(at or storage.utc_now(), attempt.deadline).isoformat()
            attempt.ended_by = how

    attempt = _change(project.root, change)
    if attempt is None:
        raise InputError(f"No interview is running in {project.root}: `scaffolder interview LEVEL` starts one.")
    write_report(project, attempt)
    return attempt


def write_report(project: Project, attempt: Attempt) -> tuple[Path, Path]:
    from scaffolder.interview_report import report_html, report_markdown

    facts = report_facts(project, attempt)
    markdown = project.root / REPORT_DOC
    page = project.root / REPORT_PAGE
    markdown.write_text(report_markdown(facts), encoding="utf-8")
    page.write_text(report_html(facts), encoding="utf-8")
    return markdown, page


@dataclass(frozen=True)
class ExerciseOutcome:
    exercise: Exercise
    passes: bool
    first_pass_minutes: float | None
    hints: int
    hint_minutes: tuple[float, ...]


@dataclass(frozen=True)
class ReportFacts:
    """Everything the report says, gathered once for the Markdown and the HTML."""

    manifest: Manifest
    attempt: Attempt
    outcomes: tuple[ExerciseOutcome, ...]
    used_minutes: float
    check_minutes: tuple[tuple[float, int], ...]  # (minute, assigned exercises passing) per check
    review: tuple[str, ...]
    questions: tuple[tuple[str, str], ...]  # (number, question)
    practise_next: tuple[str, ...]


def _minutes(attempt: Attempt, at: str | datetime) -> float:
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return (moment - attempt.start).total_seconds() / 60


def report_facts(project: Project, attempt: Attempt) -> ReportFacts:
    from scaffolder.bank import question_bank

    manifest = project.manifest
    passing = set(attempt.passing())
    outcomes = []
    for slug in attempt.assigned:
        first = attempt.first_pass(slug)
        outcomes.append(
            ExerciseOutcome(
                exercise=manifest.find(slug),
                passes=slug in passing,
                first_pass_minutes=_minutes(attempt, first) if first else None,
                hints=attempt.hints_for(slug),
                hint_minutes=tuple(_minutes(attempt, h["at"]) for h in attempt.hints if h["slug"] == slug),
            )
        )
    checks = tuple(
        (_minutes(attempt, c["at"]), sum(s in c["passed"] for s in attempt.assigned))
        for c in attempt.checks
        if datetime.fromisoformat(c["at"]) <= attempt.deadline
    )
    numbers = {manifest.find(slug).number for slug in attempt.assigned}
    questions = tuple(
        (entry.number, entry.question)
        for entry in question_bank(manifest.level)
        if any(p.template == manifest.name and p.number in numbers for p in entry.practice)
    )
    ended = datetime.fromisoformat(attempt.ended) if attempt.ended else storage.utc_now()
    practise = []
    for outcome in outcomes:
        e = outcome.exercise
        if not outcome.passes:
            practise.append(
                f"Exercise {e.number} ({e.title}) did not pass: build it again from the brief in a practice "
                f"project (`scaffolder new {manifest.name} --solved-through {e.number - 1}`)."
            )
        elif helped := sum(m <= (outcome.first_pass_minutes or 0) for m in outcome.hint_minutes):
            # Only hints taken before it first passed: one read afterwards helped nothing.
            practise.append(f"Exercise {e.number} ({e.title}) passed with {helped} hint(s): do it again without.")
    practise.append(f"Answer this level's questions out loud: `scaffolder drill --level {manifest.level}`.")
    return ReportFacts(
        manifest=manifest,
        attempt=attempt,
        outcomes=tuple(outcomes),
        used_minutes=_minutes(attempt, ended),
        check_minutes=checks,
        review=tuple(_review(project, _candidate_files(manifest, attempt))),
        questions=questions,
        practise_next=tuple(practise),
    )


def _candidate_files(manifest: Manifest, attempt: Attempt) -> frozenset[str]:
    return frozenset(name for slug in attempt.assigned for name in manifest.find(slug).files)


def _review(project: Project, files: frozenset[str]) -> list[str]:
    """`scaffolder review`'s findings in the candidate's files, one line each: where, what, why it matters.

    Given code is the hiring team's: a take-home review judges what the candidate wrote.
    """
    from scaffolder.exceptions import ScaffolderError
    from scaffolder.review import review_project

    try:
        review = review_project(project)
    except ScaffolderError as err:
        return [f"The review could not run: {err}"]
    return [f"{f.where}: [{f.rule}] {f.message} Why it matters: {f.why}" for f in review.findings if f.file in files]
