"""`scaffolder dev check TEMPLATE_DIR`: is a practice template fit for learners?

One implementation of the integrity checks: the CLI runs them on any template
directory, and this repository's tests run the same steps on every shipped
template. Each step returns a list of problems (empty: the step passed).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scaffolder import markers
from scaffolder.check import run_check
from scaffolder.exceptions import ScaffolderError
from scaffolder.generate import new_project
from scaffolder.project import find_project
from scaffolder.templates import PROJECT_DIR_NAME, Template
from scaffolder.verdicts import NOT_STARTED, PASSED, CheckResult

# Marker lines, stub lines, cookiecutter variables or {package} left in a learner's files.
LEFTOVERS = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|^\s*(#|\{#|<!--|//|--|/\*)\s*STUB\b|cookiecutter\.|\{package\}", re.M
)


@dataclass
class Renders:
    """A template rendered in every state: solved_through -> project path."""

    template: Template
    count: int
    paths: dict[int, Path]
    checks: dict[int, CheckResult | str] | None = None  # str: why check could not run

    @property
    def learner(self) -> Path:
        return self.paths[0]

    @property
    def solved(self) -> Path:
        return self.paths[self.count]


def render_all(template: Template, root: Path, states: Iterable[int] | None = None) -> Renders:
    """Render the learner state, the solved state and each solved-through state asked for (default: all)."""
    renders = Renders(template, len(template.manifest().exercises), {})
    render_more(renders, root, range(renders.count + 1) if states is None else states)
    return renders


def render_more(renders: Renders, root: Path, states: Iterable[int]) -> None:
    """Add to `renders` the states asked for (and the learner and solved ones) that it does not have yet."""
    for through in sorted((set(states) | {0, renders.count}) - set(renders.paths)):
        made = new_project(
            renders.template, {}, root / f"through-{through}", no_input=True, solved_through=through, git=False
        )
        renders.paths[through] = made.path
    renders.paths = dict(sorted(renders.paths.items()))


def run_checks(renders: Renders, workers: int = 2) -> None:
    """`scaffolder check` on every render, a few at a time."""

    def one(path: Path) -> CheckResult | str:
        try:
            return run_check(find_project(path))
        except ScaffolderError as err:
            return str(err)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {through: pool.submit(one, path) for through, path in renders.paths.items()}
        renders.checks = {through: future.result() for through, future in futures.items()}


# The steps. Each takes the renders and returns its problems.


def learner_fails_every_exercise(renders: Renders) -> list[str]:
    result = renders.checks[0]
    if isinstance(result, str):
        return [f"check cannot run on the learner render: {result}"]
    problems = []
    if result.unassigned:
        problems.append(f"tests without exactly one exercise marker: {', '.join(result.unassigned[:5])}")
    for r in result.exercises:
        if not r.tests:
            problems.append(f"exercise {r.exercise.number} ({r.exercise.slug}) has no tests")
        elif r.status == PASSED:
            problems.append(
                f"exercise {r.exercise.number} ({r.exercise.slug}) passes before the learner writes anything: "
                "its stub passes its tests"
            )
        elif r.status != NOT_STARTED:
            problems.append(f"exercise {r.exercise.number} ({r.exercise.slug}) is {r.status}, not 'not started'")
    first = result.exercises[0] if result.exercises else None
    if first is not None and not all(t.message for t in first.failures):
        problems.append("a failure of exercise 1 has no message")
    return problems


def solved_through_n_passes_exactly_the_first_n(renders: Renders) -> list[str]:
    problems = []
    for through, result in sorted(renders.checks.items()):
        if isinstance(result, str):
            problems.append(f"solved through {through}: check cannot run: {result}")
            continue
        for r in result.exercises:
            if (r.status == PASSED) != (r.exercise.number <= through):
                detail = "; ".join(f"{t.name}: {t.message}" for t in r.failures[:2])
                problems.append(
                    f"solved through {through}: exercise {r.exercise.number} ({r.exercise.slug}) is {r.status}"
                    + (f" ({detail})" if detail else "")
                )
    return problems


def no_leftovers_in_the_learner_render(renders: Renders) -> list[str]:
    problems = []
    for path in sorted(renders.learner.rglob("*")):
        relative = path.relative_to(renders.learner)
        if "__pycache__" in relative.parts:
            problems.append(f"{relative}: bytecode reached the project")
        elif path.is_file() and path.name != "exercises.toml":
            text = path.read_text(encoding="utf-8", errors="replace")
            problems += [f"{relative}: {m.group(0)!r} left in the learner render" for m in LEFTOVERS.finditer(text)]
    return problems


def no_solution_in_the_learner_render(renders: Renders) -> list[str]:
    source = renders.template.path / PROJECT_DIR_NAME
    problems = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        style = markers.style_for(path)
        if style is None or not markers.has_markers(text):
            continue
        relative = path.relative_to(source)
        rendered = renders.learner.joinpath(
            *[renders.learner.name if part == PROJECT_DIR_NAME else part for part in relative.parts]
        )
        learner_text = rendered.read_text(encoding="utf-8") if rendered.is_file() else ""
        for piece in markers.parse(text, style, str(relative)):
            if isinstance(piece, markers.Region):
                block = "".join(piece.solution).strip()
                if block and "{{" not in block and block in learner_text:
                    problems.append(f"{relative}: the solution of {piece.slug} is in the learner render")
    return problems


def ruff_passes(renders: Renders) -> list[str]:
    """`ruff check` and `ruff format --check` pass on both renders: learners imitate this code."""
    problems = []
    for name, path in (("learner", renders.learner), ("solved", renders.solved)):
        for what, command in (("ruff finds problems", ["check"]), ("ruff format would change", ["format", "--check"])):
            result = subprocess.run(
                [sys.executable, "-m", "ruff", *command, "--no-cache", "--quiet", "."],
                cwd=path,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if result.returncode != 0:
                first = (result.stdout or result.stderr).strip().splitlines()[:3]
                problems.append(f"{what} in the {name} render: {' | '.join(first)}")
    return problems


def probe_passes(renders: Renders) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "scaffolder.probe", str(renders.solved)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode == 0:
        return []
    lines = (result.stdout + result.stderr).strip().splitlines()
    return [f"route probe: {line}" for line in lines if not line.startswith("probe: ")][:20] or ["route probe failed"]


STEPS: list[tuple[str, Callable[[Renders], list[str]]]] = [
    ("the learner render fails every exercise, as 'not started'", learner_fails_every_exercise),
    ("solved through N passes exactly exercises 1..N", solved_through_n_passes_exactly_the_first_n),
    ("no markers or cookiecutter text left in the learner render", no_leftovers_in_the_learner_render),
    ("no reference solution in the learner render", no_solution_in_the_learner_render),
    ("ruff check and ruff format pass on the learner and solved renders", ruff_passes),
    ("the route probe finds nothing on the solved app", probe_passes),
]


@dataclass(frozen=True)
class StepResult:
    title: str
    problems: tuple[str, ...]


def dev_check(template_dir: Path, quick: bool = False) -> list[StepResult]:
    """Run every step on the template at `template_dir` (with `quick`, only the end states are rendered)."""
    template_dir = Path(template_dir).resolve()
    if not (template_dir / "cookiecutter.json").is_file():
        raise ScaffolderError(f"{template_dir} is not a template directory: it has no cookiecutter.json.")
    template = Template(template_dir.name, template_dir)
    with tempfile.TemporaryDirectory(prefix="scaffolder-devcheck-") as scratch:
        try:
            renders = render_all(template, Path(scratch), [] if quick else None)
        except ScaffolderError as err:
            return [StepResult("the template renders in every state", (str(err),))]
        run_checks(renders)
        results = [StepResult("the template renders in every state", ())]
        results += [StepResult(title, tuple(step(renders))) for title, step in STEPS]
    return results
