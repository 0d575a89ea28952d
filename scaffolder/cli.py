"""The `scaffolder` command line: each command parses, calls one core function, prints.

Core errors (ScaffolderError) become one `Error: ...` line on stderr: exit code 2
for bad input, 1 for everything else.
"""

from __future__ import annotations

import functools
import os
import shlex
import signal
from pathlib import Path

import click

from scaffolder import __version__
from scaffolder.exceptions import InputError, ScaffolderError


def exit_cleanly_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, so that cleanup code runs.

    A closed terminal (SIGHUP) or a `kill` (SIGTERM) would otherwise end the
    process at once, leaving a half-made project or a running test process.
    """

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def reports_errors(command):
    """Turn scaffolder's own errors into click errors: one line, no traceback, the error's own exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ScaffolderError as err:
            failure = click.ClickException(str(err))
            failure.exit_code = err.exit_code
            raise failure from err

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scaffolder")
def main() -> None:
    """Practise Flask by building real projects, one tested exercise at a time.

    \b
    The loop:
      scaffolder new crud-app      generate a practice project
      scaffolder check             see which exercises pass, and why not
      scaffolder hint              a hint for the current exercise
    """


@main.command("list")
@reports_errors
def list_command() -> None:
    """List the practice templates, easiest first."""
    from scaffolder.templates import list_templates

    for template, manifest in list_templates():
        count = len(manifest.exercises)
        click.echo(f"{template.name}  (level {manifest.level}, {count} exercises)")
        click.echo(f"  {manifest.title}")
        click.echo(f"  Topics: {', '.join(manifest.topics)}")
        click.echo()
    click.echo("Start one with: scaffolder new <template>")


def _parse_variables(pairs: tuple[str, ...]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f'Expected key=value (for example project_name="My Tasks"), got {pair!r}.')
        variables[key.strip()] = value
    return variables


@main.command()
@click.argument("template")
@click.argument("variables", nargs=-1, metavar="[KEY=VALUE]...")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Directory to create the project in (default: the current one).",
)
@click.option("--no-input", is_flag=True, help="Do not ask questions; use defaults and KEY=VALUE.")
@click.option("--solved", is_flag=True, help="Render the complete reference solution.")
@click.option("--solved-through", type=int, metavar="N", help="Render exercises 1..N solved, the rest as stubs.")
@click.option("--no-git", is_flag=True, help="Do not create a git repository.")
@reports_errors
def new(template, variables, output_dir, no_input, solved, solved_through, no_git) -> None:
    """Generate a practice project from TEMPLATE (see `scaffolder list`).

    KEY=VALUE pairs answer the template's questions, e.g. project_name="My Tasks".
    """
    from scaffolder.generate import new_project

    if solved and solved_through is not None:
        raise InputError("Use either --solved or --solved-through N, not both.")
    exit_cleanly_on_signals()
    made = new_project(
        template,
        _parse_variables(variables),
        output_dir,
        no_input=no_input,
        solved=solved,
        solved_through=solved_through,
        git=not no_git,
    )
    count = len(made.manifest.exercises)
    state = (
        "the full reference solution"
        if made.solved_through == count
        else f"exercises 1-{made.solved_through} solved"
        if made.solved_through
        else "your starting point"
    )
    click.echo(f"Created {made.path} ({made.template.name}, {count} exercises, {state}).")
    _record_new_project(made)
    if made.git_problem:
        click.echo(f"Warning: no git repository was made: {made.git_problem}.", err=True)
    elif not no_git:
        click.echo("A git repository records the starting state, so `git diff` shows your work.")
    click.echo("\nNext steps:")
    click.echo(f"  cd {shlex.quote(_shown_path(made.path))}")
    if made.solved_through < count:
        click.echo(f"  open EXERCISES.md and start with exercise {made.solved_through + 1}")
    else:
        click.echo("  compare the reference with your own solution, or read INTERVIEW.md")
    click.echo("  scaffolder check        run the tests, exercise by exercise")
    click.echo("  scaffolder hint         stuck? a hint for the current exercise")


def _record_new_project(made) -> None:
    """Add the project to the journey; say so when the level below is not finished (a notice, not a block)."""
    from scaffolder.journey import record_project, unfinished_below

    below = unfinished_below(made.manifest.level)
    record_project(made.path, made.manifest, given=[e.slug for e in made.manifest.exercises[: made.solved_through]])
    if below is not None:
        click.echo(
            f"Notice: level {below} is not finished yet on this machine; level {made.manifest.level} builds on it. "
            "`scaffolder status` shows where you are."
        )


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _not_nan(value: float) -> float:
    if value != value:  # NaN is the one value unequal to itself
        raise click.BadParameter("must be a number of seconds, not nan.", param_hint="'--timeout'")
    return value


# check and watch stop a test that runs longer than this.
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    callback=lambda ctx, param, value: _not_nan(value),
    default=10,
    show_default=True,
    help="Seconds one test may run before it counts as hanging.",
)


@main.command()
@click.argument("target", required=False, metavar="[EXERCISE]")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("-e", "--exercise", metavar="N", help="Check only this exercise (number or slug).")
@timeout_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="json: only a JSON document on stdout, in the shape of Exercism's test-runner interface v3; "
    "junit: only JUnit XML, one test suite per exercise.",
)
@reports_errors
def check(target, path, exercise, timeout, output_format) -> None:
    """Run the practice project's tests and report each exercise.

    EXERCISE (a number or slug) checks that exercise alone, like --exercise; a path
    instead (`scaffolder check ../my_project`) names the project.
    """
    from scaffolder.check import run_check
    from scaffolder.exceptions import TestRunError
    from scaffolder.project import find_project

    named, path = _exercise_and_path(target, path)
    if named is not None and exercise is not None:
        raise InputError(f"Name the exercise once: {named!r} or --exercise {exercise}, not both.")
    exercise = exercise if named is None else named
    project = find_project(path)
    only = project.manifest.find(exercise) if exercise is not None else None
    exit_cleanly_on_signals()
    _end_interview_if_time_is_up(project)
    from scaffolder.storage import utc_now

    asked = utc_now()
    try:
        result = run_check(project, only=only, test_timeout=timeout)
    except TestRunError as err:
        if output_format == "json":
            from scaffolder.results_json import error_document

            _echo_json(error_document(str(err)))
        elif output_format == "junit":
            from scaffolder.results_junit import error_report

            click.echo(error_report(str(err)))
        else:
            raise
        raise SystemExit(1) from err
    _record_results(project, result, asked)
    if output_format == "json":
        from scaffolder.results_json import results_document

        _echo_json(results_document(result, project.root))
        raise SystemExit(0 if result.current is None else 1)
    if output_format == "junit":
        from scaffolder.results_junit import results_report

        click.echo(results_report(result))
        raise SystemExit(0 if result.current is None else 1)
    from scaffolder.display import print_check

    print_check(project, result, whole=only is None)
    raise SystemExit(0 if result.current is None else 1)


@main.command()
@click.argument("dirs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="DIR...")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1, max=64), default=1, show_default=True, help="Projects at a time."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "csv", "json"]),
    default="markdown",
    show_default=True,
    help="How to print the roster.",
)
@timeout_option
@reports_errors
def grade(dirs, jobs, output_format, timeout) -> None:
    """Grade a cohort: one roster row per practice project in DIR... (a project, or a folder of them).

    Each project's tests run in their own process, stopped when they hang; a project that
    cannot be graded gets a row that says why. This runs the learners' code: do it in a
    disposable environment (a container, a CI job), not on your own account.
    """
    from scaffolder.grade import FORMATS, grade

    exit_cleanly_on_signals()
    rows = grade(dirs, jobs=jobs, test_timeout=timeout)
    click.echo(FORMATS[output_format](rows))


def _echo_json(document: dict) -> None:
    import json

    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _record_results(project, result, asked=None) -> None:
    """After a check (asked for at `asked`): the journey's record of what passes, and a take-home's history."""
    from scaffolder.interview import record_check
    from scaffolder.journey import record_results

    passed, failed = _passed_and_failed(result)
    record_results(project.root, project.manifest, passed, failed)
    record_check(project.root, passed, failed, asked)


def _end_interview_if_time_is_up(project) -> None:
    """The first command after a take-home's time runs out ends it and writes the report."""
    from scaffolder.interview import REPORT_DOC, end_if_time_is_up

    ended = end_if_time_is_up(project)
    if ended is not None:
        click.echo(
            f"Time is up: the take-home ended at {ended.deadline:%H:%M} UTC. The report is in {REPORT_DOC}; "
            "checks from now on are practice and do not change it.",
            err=True,
        )


def _passed_and_failed(result) -> tuple[list[str], list[str]]:
    from scaffolder.verdicts import PASSED

    passed = [r.exercise.slug for r in result.exercises if r.status == PASSED]
    return passed, [r.exercise.slug for r in result.exercises if r.status != PASSED]


@main.command()
@click.argument("exercise", required=False)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@reports_errors
def hint(exercise, path) -> None:
    """Show the next hint for EXERCISE (default: the first one not passing).

    Hints go from a gentle nudge to a specific pointer; each call reveals one more.
    """
    from scaffolder.hints import next_hint
    from scaffolder.project import find_project

    exercise, path = _exercise_and_path(exercise, path)
    project = find_project(path)
    if exercise is not None:
        chosen = project.manifest.find(exercise)
    else:
        from scaffolder.check import run_check

        current = run_check(project).current
        if current is None:
            click.echo("Every exercise passes: no hint needed. Name an exercise to see its hints anyway.")
            return
        chosen = current.exercise
    _end_interview_if_time_is_up(project)
    shown = next_hint(project, chosen)
    if not shown.repeated:
        from scaffolder.interview import record_hint

        if record_hint(project.root, chosen.slug, shown.number) is not None:
            click.echo("(This hint is noted in your take-home report.)", err=True)
    click.echo(f"Hint {shown.number} of {shown.total} for exercise {chosen.number} ({chosen.slug}): {chosen.title}\n")
    click.echo(shown.text)
    if shown.number == shown.total:
        click.echo(
            "\n(That was the last hint. The acceptance criteria in EXERCISES.md say exactly what the tests check.)"
        )
    else:
        click.echo(f"\n(Run `scaffolder hint {chosen.number}` again for a more specific hint.)")
    if shown.not_saved:
        click.echo(f"Warning: {shown.not_saved} The next call shows this hint again.", err=True)


def _exercise_and_path(first: str | None, second: Path | None) -> tuple[str | None, Path]:
    """`hint 3`, `hint migrations`, `hint 3 ../proj`, `hint ../proj`: which word names the exercise, which the project.

    A word that names an exercise of the project here is the exercise, even where a folder has
    the same name (blueprint-app's exercise `migrations` and its migrations/ folder).
    """
    if first is None:
        return None, second or Path(".")
    if second is not None:
        if not Path(second).exists() and Path(first).is_dir():
            return str(second), Path(first)  # `check PROJECT 3`: the other order
        return first, Path(second)
    if first.isdigit() or _names_an_exercise_here(first):
        return first, Path(".")
    if "/" in first or os.sep in first or first in (".", "..") or Path(first).exists():
        return None, Path(first)
    return first, Path(".")


def _project_and_exercise(word: str, path: Path | None, command: str):
    """The project and the exercise that `reset`/`solution` EXERCISE [PATH] name, in either order."""
    from scaffolder.project import find_project

    exercise, where = _exercise_and_path(word, path)
    if exercise is None:
        raise InputError(f"Name the exercise: scaffolder {command} EXERCISE [PATH], e.g. scaffolder {command} 1.")
    project = find_project(where)
    return project, project.manifest.find(exercise)


def _names_an_exercise_here(word: str) -> bool:
    from scaffolder.project import find_project

    try:
        find_project(Path(".")).manifest.find(word)
    except ScaffolderError:
        return False
    return True


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@timeout_option
@reports_errors
def watch(path, timeout) -> None:
    """Check the project, then again each time you save one of its files. Ctrl-C stops.

    The current exercise's verdict comes first; the full table follows.
    """
    from scaffolder import display
    from scaffolder.exceptions import TestRunError
    from scaffolder.project import find_project
    from scaffolder.watch import Watcher, passed

    project = find_project(path)
    exit_cleanly_on_signals()
    # Ctrl-C must stop watch even when started where SIGINT was ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    watcher = Watcher(project, timeout)
    before: set[str] | None = None
    try:
        watcher.start_watching()
        changed: set[str] = set()
        while True:
            display.start_watch_screen(project, changed)
            try:
                for run in watcher.runs():
                    if run.quick:
                        display.print_quick_verdict(run.result, run.seconds)
                        continue
                    _record_results(project, run.result)
                    if run.after_quick:
                        display.start_watch_screen(project, changed, replacing=True)
                    now = passed(run.result)
                    display.print_watch_result(project, run.result, before, now, run.seconds)
                    before = now
            except TestRunError as err:
                display.print_run_error(str(err))
                watcher.last = None
            changed = watcher.next_changes()
    except KeyboardInterrupt:
        click.echo("\nStopped watching.")
    finally:
        watcher.close()
    raise SystemExit(0)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@reports_errors
def review(path) -> None:
    """Review the project's code as an interviewer would: ruff, bandit, the route probe, the template's rules.

    Each finding gives file:line, what is wrong and why an interviewer cares. Exit 0 with
    no findings, 1 with some.
    """
    from scaffolder.display import print_review
    from scaffolder.project import find_project
    from scaffolder.review import review_project

    project = find_project(path)
    exit_cleanly_on_signals()
    result = review_project(project)
    print_review(project, result)
    raise SystemExit(1 if result.findings else 0)


@main.command()
@click.argument("number", required=False, metavar="[Q]")
@click.option("--level", type=int, metavar="N", help="Only the exercises and own questions of level N.")
@reports_errors
def questions(number, level) -> None:
    """The interview questions, with short model answers and the exercises that practise them.

    Q shows one question: 1 to 14 are the general ones; 3.2 is level 3's second own question.
    Exercises you have solved are marked done.
    """
    from scaffolder.bank import question_bank
    from scaffolder.display import print_question

    entries = question_bank(_known_level(level))
    if number is not None:
        chosen = [e for e in entries if e.number == number.strip()]
        if not chosen:
            own = [e.number for e in entries if "." in e.number]
            more = f", and each level's own: {own[0]} to {own[-1]}" if own else ""
            raise InputError(f"There is no question {number!r}; the questions are numbered 1 to 14{more}.")
        entries = chosen
    for entry in entries:
        print_question(entry)


@main.command()
@click.option("--level", type=int, metavar="N", help="The general questions and level N's own only.")
@click.option("--count", type=click.IntRange(min=1), default=5, show_default=True, help="Questions to ask.")
@click.option("--stats", is_flag=True, help="Show what is due and what is weak; ask nothing.")
@reports_errors
def drill(level, count, stats) -> None:
    """Answer interview questions out loud, on a spaced-repetition schedule.

    Each question waits for your answer (say it, or type it; an empty line ends it), shows the
    model answer and the exercises that practise it, and asks how it went: again, hard, good or
    easy. The schedule (FSRS) brings the hard ones back sooner. Due questions come first, then new
    ones, those you have practised in code first.
    """
    from scaffolder.bank import question_bank
    from scaffolder.drill import print_stats, run_drill

    entries = question_bank(_known_level(level))
    if stats:
        print_stats(entries)
    else:
        run_drill(entries, count)


@main.command()
@click.argument("what", metavar="LEVEL")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--minutes", type=int, default=90, show_default=True, help="Time for the take-home.")
@click.option("--seed", type=int, help="Pick the same tasks again (the report and ASSIGNMENT.md name the seed).")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Where to make the take-home project (default: the current folder).",
)
@reports_errors
def interview(what, path, minutes, seed, output_dir) -> None:
    """A timed take-home: `interview 2` starts one of level 2; `interview status`, `interview submit`.

    \b
    The take-home is a fresh project where a few exercises of the level are your
    assignment (ASSIGNMENT.md holds their briefs) and the rest are given solved.
    `scaffolder check` and `hint` work as always; hints taken are noted. `submit`,
    or the first command after the time runs out, writes INTERVIEW_REPORT.md and
    interview_report.html: what passes, when each task first passed, hints taken,
    a code review, the questions to answer out loud and what to practise next.
    """
    from scaffolder.interview import end_attempt, load_attempt, start_interview, tasks_phrase
    from scaffolder.project import find_project

    if what not in ("status", "submit"):
        if path is not None:
            raise InputError(f"Start a take-home with `scaffolder interview {what} -o FOLDER`, not a path after it.")
        if minutes < 1:
            raise InputError(f"--minutes must be 1 or more, not {minutes}.")
        exit_cleanly_on_signals()
        made, attempt = start_interview(what, minutes, seed, output_dir)
        given = [e.slug for e in made.manifest.exercises if e.slug not in attempt.assigned]
        from scaffolder.journey import record_project

        record_project(made.path, made.manifest, given=given)
        click.echo(
            f"Take-home ready in {made.path}: {tasks_phrase(len(attempt.assigned))}, {attempt.minutes} minutes, "
            f"from now ({attempt.start:%H:%M} UTC) to {attempt.deadline:%H:%M} UTC."
        )
        click.echo(f"  cd {shlex.quote(_shown_path(made.path))}")
        click.echo("  read ASSIGNMENT.md, then `scaffolder check` as you go; `scaffolder interview submit` to hand in")
        return
    from scaffolder.exceptions import NotAProjectError

    try:
        project = find_project(path or Path("."))
    except NotAProjectError as err:
        where = path or Path(".")
        raise InputError(
            f"No take-home in {where}: run `scaffolder interview {what}` inside the take-home's project, "
            "or give its path."
        ) from err
    attempt = load_attempt(project.root)
    if attempt is None:
        raise InputError(f"No take-home is running in {project.root}: `scaffolder interview LEVEL` starts one.")
    _end_interview_if_time_is_up(project)
    attempt = load_attempt(project.root)
    if what == "status":
        _print_interview_status(project, attempt)
        return
    if attempt.ended is not None:
        raise InputError(f"This take-home already ended ({attempt.ended_by}); its report is in INTERVIEW_REPORT.md.")
    from scaffolder.check import run_check
    from scaffolder.storage import utc_now

    asked = utc_now()
    _record_results(project, run_check(project), asked)  # what passes as it is handed in
    ended = end_attempt(project, "submit", asked)
    _print_interview_status(project, ended)
    _open_report(project)


def _print_interview_status(project, attempt) -> None:
    from scaffolder.interview import REPORT_DOC
    from scaffolder.storage import utc_now

    passing = attempt.passing()
    if attempt.ended is None:
        left = max((attempt.deadline - utc_now()).total_seconds(), 0)
        click.echo(
            f"Take-home of {attempt.template}: {int(left // 60)} min {int(left % 60):02d} s left "
            f"(ends {attempt.deadline:%H:%M} UTC)."
        )
    else:
        how = "handed in" if attempt.ended_by == "submit" else "time ran out"
        click.echo(f"Take-home of {attempt.template}: ended ({how}). The report is in {REPORT_DOC}.")
    checked = f" at your last check ({attempt.checks[-1]['at'][11:16]} UTC)" if attempt.checks else " (no check yet)"
    click.echo(f"{len(passing)} of {len(attempt.assigned)} tasks pass{checked}:")
    for slug in attempt.assigned:
        exercise = project.manifest.find(slug)
        mark = "passes" if slug in passing else "not yet"
        hints = attempt.hints_for(slug)
        noted = f", {hints} hint(s) taken" if hints else ""
        click.echo(f"  {exercise.number:>2}. {exercise.title}: {mark}{noted}")


def _open_report(project) -> None:
    """Open the HTML report in the platform's browser, when there is a person at a terminal to see it."""
    import os
    import sys

    from scaffolder.interview import REPORT_PAGE

    page = project.root / REPORT_PAGE
    click.echo(f"Report: {page}")
    if sys.stdout.isatty() and not os.environ.get("CI"):
        import webbrowser

        webbrowser.open(page.as_uri())


def _known_level(level: int | None) -> int | None:
    """`level` when some template has it; otherwise one line naming the levels there are."""
    from scaffolder.templates import list_templates

    levels = sorted({m.level for _, m in list_templates()})
    if level is not None and level not in levels:
        shown = ", ".join(str(n) for n in levels)
        raise InputError(f"There is no template of level {level}; the levels are {shown} (`scaffolder list`).")
    return level


def _confirm_or_refuse(question: str, yes: bool) -> None:
    """Go on with --yes or a "yes" typed at a terminal; without a terminal, refuse."""
    import sys

    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(f"{question} There is no terminal to answer in: add --yes to go ahead.")
    if not click.confirm(question, default=False):
        raise SystemExit(1)


@main.command()
@click.argument("exercise")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def reset(exercise, path, yes) -> None:
    """Put EXERCISE's code back to its starting stubs (your files are backed up first).

    Only that exercise's regions change; other exercises' code is untouched.
    """
    from scaffolder.restore import exercise_changes

    project, chosen = _project_and_exercise(exercise, path, "reset")
    changes = exercise_changes(project, chosen, to="stub")
    if not changes:
        click.echo(f"Exercise {chosen.number} ({chosen.slug}) is already at its starting stubs; nothing to reset.")
        return
    files = ", ".join(c.relative for c in changes)
    _confirm_or_refuse(f"Reset exercise {chosen.number} ({chosen.slug}) in {files}?", yes)
    _apply(project, chosen, changes, given=False)
    click.echo(f"Exercise {chosen.number} ({chosen.slug}) is back to its stubs in {files}.")


def _apply(project, chosen, changes, given: bool) -> None:
    """Write reset's or solution's changes after a backup, and record whether the exercise is now given."""
    from scaffolder.journey import record_given
    from scaffolder.restore import apply_changes

    saved = apply_changes(project, changes)
    record_given(project.root, project.manifest, chosen.slug, given=given)
    click.echo(f"Your files are backed up in {_shown_path(saved)}.")


@main.command()
@click.argument("exercise")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--apply", "apply_it", is_flag=True, help="Write the reference solution into your files (after a backup)."
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def solution(exercise, path, apply_it, yes) -> None:
    """Show the reference solution for EXERCISE as a diff against your code.

    Seeing it before the exercise passes spoils the practice, so that asks first.
    """
    from scaffolder.check import run_check
    from scaffolder.restore import exercise_changes
    from scaffolder.verdicts import PASSED

    project, chosen = _project_and_exercise(exercise, path, "solution")
    exit_cleanly_on_signals()
    passes = run_check(project, only=chosen).exercises[0].status == PASSED
    if not passes:
        _confirm_or_refuse(
            f"Exercise {chosen.number} ({chosen.slug}) does not pass yet; seeing the answer now spoils the practice. "
            "Show it anyway?",
            yes,
        )
    changes = exercise_changes(project, chosen, to="solution")
    if not changes:
        click.echo(f"Your code for exercise {chosen.number} ({chosen.slug}) is the reference solution.")
        return
    for change in changes:
        click.echo(change.diff(), nl=False)
    if not apply_it:
        click.echo(f"\n(`scaffolder solution {chosen.number} --apply` writes it into your files, after a backup.)")
        return
    if passes:
        _confirm_or_refuse(f"Replace your passing code for exercise {chosen.number} with the reference?", yes)
    click.echo()
    _apply(project, chosen, changes, given=True)
    click.echo(f"The reference solution for exercise {chosen.number} ({chosen.slug}) is in place.")


@main.command()
@reports_errors
def status() -> None:
    """Your journey: every practice project made on this machine, and how far each got."""
    from scaffolder.display import print_journey
    from scaffolder.journey import journey
    from scaffolder.templates import list_templates

    templates = [(t.name, m.level, m.title) for t, m in list_templates()]
    print_journey(journey(templates))


@main.group()
def dev() -> None:
    """Tools for people who write practice templates."""


@dev.command("check")
@click.argument("template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--quick", is_flag=True, help="Render only the learner and solved states (skip solved-through N).")
@reports_errors
def dev_check_command(template_dir, quick) -> None:
    """Check that TEMPLATE_DIR is fit for learners: the rules of docs/TEMPLATE_FORMAT.md that a machine can check."""
    from scaffolder.devcheck import dev_check

    exit_cleanly_on_signals()
    results = dev_check(template_dir, quick=quick)
    from scaffolder.display import style

    failed = 0
    for step in results:
        mark = style("ok", "green") if not step.problems else style("FAIL", "red")
        click.echo(f"  {mark:<4}  {step.title}")
        for problem in step.problems[:10]:
            click.echo(f"          {problem}")
        if len(step.problems) > 10:
            click.echo(f"          ... and {len(step.problems) - 10} more")
        failed += bool(step.problems)
    verdict = "fit for learners" if not failed else f"{failed} of {len(results)} checks failed"
    click.echo(f"\n{template_dir.name}: {verdict}.")
    raise SystemExit(1 if failed else 0)
