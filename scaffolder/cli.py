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
from scaffolder.exceptions import (
    InvalidContextError,
    NotAProjectError,
    ScaffolderError,
    TargetExistsError,
    UnknownExerciseError,
    UnknownTemplateError,
)

INPUT_ERRORS = (InvalidContextError, NotAProjectError, TargetExistsError, UnknownExerciseError, UnknownTemplateError)
STATUS_MARKS = {"passed": "PASS", "failing": "FAIL", "not started": "TODO", "no tests": "????"}
MAX_FAILURES_SHOWN = 5


class InputError(click.ClickException):
    """Bad input from the user: one line on stderr, exit code 2."""

    exit_code = 2


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
    """Turn scaffolder's own errors into click errors (no traceback, one line)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except INPUT_ERRORS as err:
            raise InputError(str(err)) from err
        except ScaffolderError as err:
            raise click.ClickException(str(err)) from err

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
    if made.git_problem:
        click.echo(f"Warning: no git repository was made: {made.git_problem}.", err=True)
    elif not no_git:
        click.echo("A git repository records the starting state, so `git diff` shows your work.")
    click.echo("\nNext steps:")
    click.echo(f"  cd {shlex.quote(_shown_path(made.path))}")
    click.echo("  open EXERCISES.md and start with exercise 1")
    click.echo("  scaffolder check        run the tests, exercise by exercise")
    click.echo("  scaffolder hint         stuck? a hint for the current exercise")


def _style(text: str, colour: str) -> str:
    """Coloured text, unless NO_COLOR asks for none (https://no-color.org)."""
    return text if os.environ.get("NO_COLOR") else click.style(text, fg=colour)


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option("-e", "--exercise", metavar="N", help="Check only this exercise (number or slug).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    callback=lambda ctx, param, value: _not_nan(value),
    default=10,
    show_default=True,
    help="Seconds one test may run before it counts as hanging.",
)
@reports_errors
def check(path, exercise, timeout) -> None:
    """Run the practice project's tests and report each exercise."""
    from scaffolder.check import run_check
    from scaffolder.project import find_project

    project = find_project(path)
    only = project.manifest.find(exercise) if exercise is not None else None
    exit_cleanly_on_signals()
    result = run_check(project, only=only, test_timeout=timeout)
    _print_summary(project, result)
    _print_warnings(result)
    current = result.current
    if current is not None:
        _print_details(current)
        click.echo(
            f"\nFix that, then run `scaffolder check` again. Stuck? `scaffolder hint {current.exercise.number}`."
        )
    elif only is None:
        _print_next_level(project)
    if result.unassigned:
        shown = ", ".join(result.unassigned[:3]) + (" ..." if len(result.unassigned) > 3 else "")
        click.echo(f"Warning: {len(result.unassigned)} test(s) belong to no exercise: {shown}", err=True)
    raise SystemExit(0 if current is None else 1)


def _not_nan(value: float) -> float:
    if value != value:  # NaN is the one value unequal to itself
        raise click.BadParameter("must be a number of seconds, not nan.", param_hint="'--timeout'")
    return value


def _print_warnings(result) -> None:
    """What makes the verdict less certain than it looks: said before the details, on stderr."""
    if result.stopped:
        hung = result.stopped.get("name", "a test")
        click.echo(
            f"\nThe run stopped early: {hung} hung ({result.stopped.get('message', '')}). "
            "A hang usually hangs every later test too (a loop in create_app, or a request that waits forever), "
            "so the tests after it were not run.",
            err=True,
        )
    if not result.stubs_known:
        click.echo(
            "\nWarning: .scaffolder/stubs.json, the record of the starting stubs, is missing or damaged and could "
            "not be rebuilt, so an untouched exercise may show as failing instead of not started.",
            err=True,
        )
    if result.changed_tests:
        shown = ", ".join(result.changed_tests[:4]) + (" ..." if len(result.changed_tests) > 4 else "")
        click.echo(
            f"\nWarning: the tests are not the generated ones: {shown}. Results may not mean what they say; "
            "restore them with `git checkout -- tests/` (or copy tests/ from a fresh `scaffolder new`).",
            err=True,
        )


def _print_summary(project, result) -> None:
    manifest = project.manifest
    passing = sum(r.status == "passed" for r in result.exercises)
    if len(result.exercises) == 1:
        verdict = "this exercise passes" if passing else "this exercise does not pass yet"
    else:
        verdict = f"{passing} of {len(result.exercises)} exercises pass"
    click.echo(f"{manifest.title} ({manifest.name}, level {manifest.level}): {verdict}\n")
    width = max(len(r.exercise.title) for r in result.exercises)
    for r in result.exercises:
        colour = {"passed": "green", "failing": "red"}.get(r.status, "yellow")
        mark = _style(STATUS_MARKS[r.status], colour)
        extra = f" ({len(r.failures)} of {len(r.tests)} tests failing)" if r.status == "failing" else ""
        click.echo(f"  {mark}  {r.exercise.number:>2}. {r.exercise.title:<{width}}  {r.status}{extra}")


def _print_details(current) -> None:
    from scaffolder.report import likely_cause

    exercise = current.exercise
    click.echo(f"\nExercise {exercise.number} ({exercise.slug}): {exercise.title}")
    if current.status == "no tests":
        click.echo("  No tests belong to this exercise; the project's tests may be damaged.")
        return
    if current.status == "not started":
        click.echo(
            f"  Not started yet. Instructions: EXERCISES.md, section {exercise.number}. "
            f"Files to edit: {', '.join(exercise.files)}"
        )
    groups: dict[tuple[str, str | None], list] = {}
    for test in current.failures:
        groups.setdefault((test.message or test.outcome, test.location), []).append(test)
    for (message, location), tests in list(groups.items())[:MAX_FAILURES_SHOWN]:
        test = tests[0]
        if test.outcome == "skipped":
            click.echo(f"\n  {_style('SKIPPED', 'yellow')} {test.name}: {message}")
            click.echo("    A skipped test does not count as passing: remove the skip to finish this exercise.")
            continue
        label = "NOT RUN" if test.outcome == "not run" else "FAILED"
        click.echo(f"\n  {_style(label, 'red')} {test.name}")
        for line in message.splitlines():
            click.echo(f"    {line}")
        cause = likely_cause(message)
        if cause:
            click.echo(f"    Likely cause: {cause}")
        where = [f"in your code: {location}"] if location else []
        if test.test_location:
            where.append(f"test: {test.test_location}")
        if where:
            click.echo(f"    ({'; '.join(where)})")
        if len(tests) > 1:
            others = ", ".join(t.name for t in tests[1:4]) + (", ..." if len(tests) > 4 else "")
            click.echo(f"    The same failure in {len(tests) - 1} more test(s): {others}")
        if test.output:
            click.echo("    Captured output:")
            for line in test.output.splitlines():
                click.echo(f"      {line}")
    hidden = sum(len(tests) for tests in list(groups.values())[MAX_FAILURES_SHOWN:])
    if hidden:
        click.echo(f"\n  ... and {hidden} more failing tests.")


def _print_next_level(project) -> None:
    from scaffolder.templates import list_templates

    click.echo("\nEvery exercise passes. Well done!")
    if (project.root / "INTERVIEW.md").is_file():
        click.echo("Now read INTERVIEW.md: answer each question aloud first, then compare with the model answer.")
    harder = [(t, m) for t, m in list_templates() if m.level > project.manifest.level]
    if harder:
        template, manifest = harder[0]
        click.echo(f"Next level: {manifest.title} (level {manifest.level}): scaffolder new {template.name}")
    else:
        click.echo("That was the last level: there is no harder template yet.")


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

    if path is None and exercise is not None and _looks_like_a_path(exercise):
        exercise, path = None, Path(exercise)
    project = find_project(path or Path("."))
    if exercise is not None:
        chosen = project.manifest.find(exercise)
    else:
        from scaffolder.check import run_check

        current = run_check(project).current
        if current is None:
            click.echo("Every exercise passes: no hint needed. Name an exercise to see its hints anyway.")
            return
        chosen = current.exercise
    shown = next_hint(project, chosen)
    click.echo(f"Hint {shown.number} of {shown.total} for exercise {chosen.number} ({chosen.slug}): {chosen.title}\n")
    click.echo(shown.text)
    if shown.repeated:
        click.echo(
            "\n(That was the last hint. The acceptance criteria in EXERCISES.md say exactly what the tests check.)"
        )
    elif shown.number < shown.total:
        click.echo(f"\n(Run `scaffolder hint {chosen.number}` again for a more specific hint.)")
    if shown.not_saved:
        click.echo(f"Warning: {shown.not_saved} The next call shows this hint again.", err=True)


def _looks_like_a_path(text: str) -> bool:
    """`hint ../my_project` or `hint /nonexistent`: a path, not an exercise number or slug."""
    return not text.isdigit() and ("/" in text or os.sep in text or text in (".", "..") or Path(text).is_dir())


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
    failed = 0
    for step in results:
        mark = _style("ok", "green") if not step.problems else _style("FAIL", "red")
        click.echo(f"  {mark:<4}  {step.title}")
        for problem in step.problems[:10]:
            click.echo(f"          {problem}")
        if len(step.problems) > 10:
            click.echo(f"          ... and {len(step.problems) - 10} more")
        failed += bool(step.problems)
    verdict = "fit for learners" if not failed else f"{failed} of {len(results)} checks failed"
    click.echo(f"\n{template_dir.name}: {verdict}.")
    raise SystemExit(1 if failed else 0)
