"""Terminal presentation, in one place: the exercise table, failures, progress bars, the journey.

Used by `check`, `watch` and `status` (and `dev check` for its marks). Everything
is written with click.echo; colour follows NO_COLOR (https://no-color.org).
"""

from __future__ import annotations

import os

import click

from scaffolder.verdicts import BLOCKED, FAILING, INCOMPLETE, NO_TESTS, NOT_STARTED, PASSED, stub_blockers

STATUS_MARKS = {
    PASSED: "PASS",
    FAILING: "FAIL",
    NOT_STARTED: "TODO",
    INCOMPLETE: "SKIP",
    BLOCKED: "WAIT",
    NO_TESTS: "????",
}
MAX_FAILURES_SHOWN = 5
BAR_WIDTH = 20


def style(text: str, colour: str) -> str:
    """Coloured text, unless NO_COLOR asks for none."""
    return text if os.environ.get("NO_COLOR") else click.style(text, fg=colour)


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """`[#######-------------]  7/20`: how many of `total` are done."""
    filled = round(width * done / total) if total else 0
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>2}/{total}"


def print_summary(project, result) -> None:
    """The heading and one line per exercise."""
    manifest = project.manifest
    passing = sum(r.status == PASSED for r in result.exercises)
    if len(result.exercises) == 1:
        verdict = "this exercise passes" if passing else "this exercise does not pass yet"
    else:
        verdict = f"{passing} of {len(result.exercises)} exercises pass"
    click.echo(f"{manifest.title} ({manifest.name}, level {manifest.level}): {verdict}\n")
    width = max(len(r.exercise.title) for r in result.exercises)
    for r in result.exercises:
        colour = {PASSED: "green", FAILING: "red"}.get(r.status, "yellow")
        mark = style(STATUS_MARKS[r.status], colour)
        click.echo(f"  {mark}  {r.exercise.number:>2}. {r.exercise.title:<{width}}  {r.status}{_why(manifest, r)}")


def _why(manifest, r) -> str:
    """What the status line adds to the status: how many tests, or what the exercise waits for."""
    if r.status == FAILING:
        not_run = sum(t.outcome == "not run" for t in r.tests)
        failing = len(r.failures) - not_run
        return f" ({failing} of {len(r.tests)} tests failing" + (f", {not_run} not run)" if not_run else ")")
    if r.status == INCOMPLETE:
        skipped = sum(t.outcome == "skipped" for t in r.tests)
        return f" ({skipped} of {len(r.tests)} tests skipped; the rest pass)"
    if r.status == BLOCKED:
        numbers = sorted(e.number for e in manifest.exercises if e.slug in stub_blockers(r.failures))
        named = ", ".join(str(n) for n in numbers)
        return f" (its tests stop at exercise {named}, which is a stub; your code for it is in place)"
    return ""


def print_check(project, result, whole: bool, again: str = "run `scaffolder check` again") -> None:
    """What `check` prints: the table, warnings, the current exercise's failures or what comes next."""
    print_summary(project, result)
    print_warnings(result)
    current = result.current
    if current is not None:
        print_details(current)
        click.echo(f"\nFix that, then {again}. {_stuck(project, current.exercise)}")
    elif whole:
        print_next_level(project)
    if result.unassigned:
        shown = ", ".join(result.unassigned[:3]) + (" ..." if len(result.unassigned) > 3 else "")
        click.echo(f"Warning: {len(result.unassigned)} test(s) belong to no exercise: {shown}", err=True)


def _stuck(project, exercise) -> str:
    """Where the hints are, and how many of this exercise's are left."""
    from scaffolder.hints import hints_left

    left, total = hints_left(project, exercise), len(exercise.hints)
    command = f"`scaffolder hint {exercise.number}`"
    if left == total:
        return f"Stuck? {command} ({total} hints, from the idea to code, one at a time)."
    if left:
        return f"Stuck? {command} ({left} of {total} hints left)."
    return f"Stuck? You have seen all {total} hints ({command} shows the last again)."


def print_warnings(result) -> None:
    """What makes the verdict less certain than it looks: said before the details, on stderr."""
    if result.stopped:
        hung = result.stopped.get("name", "a test")
        click.echo(
            f"\nThe run stopped early: {hung} hung ({result.stopped.get('message', '')}). "
            "A hang usually hangs every later test too (a loop in create_app, or a request that waits forever), "
            "so the tests after it were not run. If that test is correct but slow (a busy machine), give it "
            "more time: `scaffolder check --timeout 60`.",
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
        # Name the files, not tests/: a checkout of the folder would also undo the learner's own test files.
        restore = " ".join(name.rsplit(" (", 1)[0] for name in result.changed_tests if not name.endswith("(added)"))
        how = (
            f"`git diff -- {restore}` shows what changed, and `git checkout -- {restore}` restores the generated "
            "version, discarding those changes: move anything of your own (a fixture, a helper) elsewhere first"
            if restore
            else "the files you added are not judged; remove them if they were not meant to be there"
        )
        click.echo(
            f"\nWarning: the tests are not the generated ones: {shown}. Results may not mean what they say. {how}.",
            err=True,
        )


def print_details(current) -> None:
    from scaffolder.report import likely_cause

    exercise = current.exercise
    click.echo(f"\nExercise {exercise.number} ({exercise.slug}): {exercise.title}")
    if current.status == NO_TESTS:
        click.echo("  No tests belong to this exercise; the project's tests may be damaged.")
        return
    if current.status == NOT_STARTED:
        click.echo(
            f"  Not started yet. Instructions: EXERCISES.md, section {exercise.number}. "
            f"Files to edit: {', '.join(exercise.files)}"
        )
    earlier = sorted(stub_blockers(current.failures) - {exercise.slug})
    if earlier:
        click.echo(
            f"  Some of its tests stop at an earlier exercise that is not done yet ({', '.join(earlier)}): "
            "finish that one first."
        )
    groups: dict[tuple[str, str | None], list] = {}
    for test in current.failures:
        groups.setdefault((test.message or test.outcome, test.location), []).append(test)
    for (message, location), tests in list(groups.items())[:MAX_FAILURES_SHOWN]:
        test = tests[0]
        if test.outcome == "skipped":
            click.echo(f"\n  {style('SKIPPED', 'yellow')} {test.name}: {message}")
            click.echo("    A skipped test does not count as passing: remove the skip to finish this exercise.")
            continue
        label = "NOT RUN" if test.outcome == "not run" else "FAILED"
        click.echo(f"\n  {style(label, 'red')} {test.name}")
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
    hidden = [test for tests in list(groups.values())[MAX_FAILURES_SHOWN:] for test in tests]
    if hidden:
        names = ", ".join(test.name for test in hidden[:5]) + (", ..." if len(hidden) > 5 else "")
        click.echo(f"\n  ... and {len(hidden)} more failing test(s): {names}.")


def print_next_level(project) -> None:
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


def print_journey(journey) -> None:
    """`status`: each project with its level, path, a progress bar, the next exercise and when it was finished."""
    if not journey.projects:
        click.echo("No practice project yet on this machine.")
    else:
        click.echo("Your practice projects, easiest level first:\n")
    for record, present in journey.projects:
        total = len(record.exercises)
        given = len(record.given)
        kind = "  (the reference solution, not your progress)" if record.reference else ""
        click.echo(f"  Level {record.level}  {record.template}: {record.title}{kind}")
        click.echo(f"    {record.path}" + ("" if present else "  " + style("(moved or deleted)", "yellow")))
        if record.reference:
            click.echo()
            continue
        bar = progress_bar(len(record.solved_by_learner), total - given)
        coming = record.next_exercise
        if coming is None:
            where = style(f"finished {record.finished}", "green")
        else:
            number, slug = coming
            where = f"next: exercise {number} ({slug})"
        extra = f"  ({given} given solved by scaffolder)" if given else ""
        click.echo(f"    {bar} solved by you{extra}  {where}")
        click.echo()
    if journey.recommendation:
        click.echo(journey.recommendation)


def start_watch_screen(project, changed: set[str], replacing: bool = False) -> None:
    """Clear the terminal (when it is one) and say what is being watched.

    `replacing`: the full table replaces the quick verdict; where the output is not a terminal
    nothing is cleared, so the heading is not said again.
    """
    import sys

    if replacing and not sys.stdout.isatty():
        click.echo()
        return
    click.clear()
    saved = ", ".join(sorted(changed)[:3]) + (" ..." if len(changed) > 3 else "")
    click.echo(f"Watching {project.root} (Ctrl-C to stop)" + (f": checking after saving {saved}" if saved else ""))
    click.echo()


def print_quick_verdict(result, seconds: float) -> None:
    """The verdict on the exercise that was current, before the full table."""
    (only,) = result.exercises
    exercise = only.exercise
    if only.status == PASSED:
        click.echo(style(f"Exercise {exercise.number} ({exercise.slug}) passes!", "green") + f"  ({seconds:.2f} s)")
        click.echo("Checking the other exercises...")
    else:
        click.echo(f"Exercise {exercise.number} ({exercise.slug}): {only.status}  ({seconds:.2f} s)")
        print_details(only)
        click.echo("\nChecking the other exercises...")


def print_watch_result(project, result, before: set[str] | None, now: set[str], seconds: float) -> None:
    """The full table after a save, saying which exercises just passed and which one is next."""
    print_check(project, result, whole=True, again="save your file to check again")
    newly = [r.exercise for r in result.exercises if r.exercise.slug in now - (before or set())]
    if before is not None and newly:
        names = ", ".join(f"{e.number} ({e.slug})" for e in newly)
        click.echo(style(f"\nExercise {names} now passes.", "green"))
        current = result.current
        if current is not None:
            coming = current.exercise
            click.echo(f"Next: exercise {coming.number} ({coming.slug}): {coming.title}. See EXERCISES.md.")
    click.echo(f"\n(checked in {seconds:.2f} s; waiting for your next save)")


def print_run_error(message: str) -> None:
    """A run that could not judge anything (the code does not import): said, and watching goes on."""
    click.echo(style("Error: ", "red") + message)
    click.echo("\n(waiting for your next save)")


def print_question(entry) -> None:
    """One question of the bank: the question, the model answer, the exercises that practise it."""
    click.echo(style(f"Q{entry.number}. {entry.question}", "cyan"))
    import textwrap

    for line in entry.answer.splitlines():
        code = line.startswith("    ")
        click.echo(
            f"  {line}" if code or not line else textwrap.fill(line, 92, initial_indent="  ", subsequent_indent="  ")
        )
    if entry.practice:
        shown = [
            f"{p.template} {p.number} ({p.slug})" + (" " + style("done", "green") if p.done else "")
            for p in entry.practice
        ]
        click.echo("  Practised in: " + ", ".join(shown))
    elif not entry.about_code:
        click.echo("  Not about code: no exercise; practise saying the answer aloud.")
    else:
        click.echo("  No exercise of this level practises it.")
    click.echo()


def print_review(project, review) -> None:
    """`review`: each finding as file:line, the reviewer's rule and what is wrong, then why it matters."""
    manifest = project.manifest
    click.echo(f"Review of {project.root.name} ({manifest.name}, level {manifest.level})\n")
    for finding in review.findings:
        click.echo(f"{finding.where}: {style(f'[{finding.rule}]', 'yellow')} {finding.message}")
        click.echo(f"    Why it matters: {finding.why}")
    if review.findings:
        click.echo()
    counts = ", ".join(
        f"{review.count(reviewer)} {label}"
        for reviewer, label in (("ruff", "ruff"), ("bandit", "bandit"), ("probe", "route probe"), ("rule", "rules"))
    )
    rules = len(review.rules.rules)
    checked = f"ruff, bandit, the route probe ({review.probe_requests} requests) and {rules} review rules"
    if review.no_rules_because:
        checked += f" (none: {review.no_rules_because})"
    if review.findings:
        click.echo(f"{len(review.findings)} finding(s) ({counts}) from {checked}.")
    else:
        click.echo(f"Nothing to point at: {checked} found nothing.")
