"""`scaffolder dev check TEMPLATE_DIR`: is a practice template fit for learners?

One implementation of the integrity checks: the CLI runs them on any template
directory, and this repository's tests run the same steps on every shipped
template. Each step returns a list of problems (empty: the step passed).
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
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
    quick: bool = False  # only the end states: steps that render more skip their work

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


def _exercise_is(r, where: str = "") -> str:
    """`exercise 3 (forms){where} is failing (test_a: message; ...)`: an exercise's status and first failures."""
    detail = "; ".join(f"{t.name}: {t.message}" for t in r.failures[:2])
    return f"exercise {r.exercise.number} ({r.exercise.slug}){where} is {r.status}" + (f" ({detail})" if detail else "")


def solved_through_n_passes_exactly_the_first_n(renders: Renders) -> list[str]:
    problems = []
    for through, result in sorted(renders.checks.items()):
        if isinstance(result, str):
            problems.append(f"solved through {through}: check cannot run: {result}")
            continue
        for r in result.exercises:
            if (r.status == PASSED) != (r.exercise.number <= through):
                problems.append(f"solved through {through}: {_exercise_is(r)}")
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


def review_rules_pass(renders: Renders) -> list[str]:
    """The template's review.toml is valid and its rules find nothing on the solved render (`scaffolder review`)."""
    from scaffolder.review_rules import REVIEW_FILE, load_review_rules

    try:
        rules = load_review_rules(renders.template.path / REVIEW_FILE)
    except ScaffolderError as err:
        return [str(err)]
    project = find_project(renders.solved)
    return [f"{f.file}:{f.line}: [{f.rule}] {f.message}" for f in rules.check(project.root, project.package)]


# A CPU-bound process that ends by itself once its parent is gone, so that even a dev
# check killed with SIGKILL leaves no burner behind.
BURNER = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(200_000):
        pass
"""


@contextlib.contextmanager
def busy_machine(count: int | None = None) -> Iterator[list[subprocess.Popen]]:
    """Run `count` CPU-bound processes (default: two per core) for the duration of the block.

    They are stopped however the block ends: normally, on an exception, or on Ctrl-C.
    """
    count = count if count is not None else 2 * (os.cpu_count() or 1)
    burners: list[subprocess.Popen] = []
    try:
        for _ in range(count):
            burners.append(subprocess.Popen([sys.executable, "-c", BURNER], stdin=subprocess.DEVNULL))
        yield burners
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()


def check_passes_on_a_busy_machine(renders: Renders) -> list[str]:
    """`scaffolder check` on the solved render, with two CPU-bound processes per core beside it.

    A suite whose verdict hangs on wall-clock time (a timeout a slow laptop cannot
    meet) passes on an idle machine and fails here.
    """
    with busy_machine() as burners:
        try:
            result = run_check(find_project(renders.solved))
        except ScaffolderError as err:
            return [f"with {len(burners)} CPU-bound processes running: check cannot run: {err}"]
    problems = []
    for r in result.exercises:
        if r.status != PASSED:
            problems.append(
                f"with {len(burners)} CPU-bound processes running, {_exercise_is(r, ' of the solved render')}"
            )
    return problems


# Clocks that measure wall-clock time; a test comparing them with a number judges the machine.
CLOCKS = {"time", "perf_counter", "monotonic", "time_ns", "perf_counter_ns", "monotonic_ns"}
# Below this many seconds a `timeout=` is a budget a busy machine can break, not a safety net.
SAFETY_NET_SECONDS = 60
# A line that holds a justified wall-clock limit says so, with a reason: `# wall-clock: <why>`.
JUSTIFIED = re.compile(r"#\s*wall-clock:\s*\S")


def _is_clock_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCKS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "time"
    )


def _number(node: ast.AST, constants: dict[str, float]) -> float | None:
    """The value of a numeric literal, or of a name bound once to one at module level."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def wall_clock_budgets(source: str, filename: str) -> list[str]:
    """Where a test module judges by wall-clock time: a clock compared with a number, a small `timeout=`."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as err:
        return [f"{filename}: cannot be parsed: {err.msg} (line {err.lineno})"]
    lines = source.splitlines()
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _number(node.value, {})
            if value is not None:
                constants[node.targets[0].id] = value
    # Names that hold a clock reading or a difference of readings (`elapsed = time.monotonic() - start`).
    timed = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(_is_clock_call(n) for n in ast.walk(node.value))
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def measures_time(node: ast.AST) -> bool:
        return any(_is_clock_call(n) or (isinstance(n, ast.Name) and n.id in timed) for n in ast.walk(node))

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(measures_time(o) for o in operands) and any(_number(o, constants) is not None for o in operands):
                found.append((node.lineno, node.end_lineno, "compares a wall-clock time with a number"))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                seconds = _number(keyword.value, constants) if keyword.arg == "timeout" else None
                if seconds is not None and 0 < seconds < SAFETY_NET_SECONDS:
                    where = (keyword.lineno, keyword.end_lineno)
                    found.append((*where, f"gives a call a wall-clock timeout of {seconds:g} s"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = [*node.args.posonlyargs, *node.args.args]
            pairs = list(zip(arguments[len(arguments) - len(node.args.defaults) :], node.args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d]
            for argument, default in pairs:
                seconds = _number(default, constants) if argument.arg == "timeout" else None
                if seconds is not None and 0 < seconds < SAFETY_NET_SECONDS:
                    where = (default.lineno, default.end_lineno)
                    found.append((*where, f"gives {node.name}() a wall-clock timeout of {seconds:g} s"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = re.search(r"--timeout=([0-9.]+)", node.value)
            if match and 0 < float(match.group(1)) < SAFETY_NET_SECONDS:
                what = f"runs pytest with a per-test wall-clock limit ({match.group(0)})"
                found.append((node.lineno, node.end_lineno, what))
    problems = []
    for line, last, what in sorted(set(found)):
        if not any(JUSTIFIED.search(text) for text in lines[line - 1 : (last or line)]):
            problems.append(
                f"{filename}, line {line}: {what}, which a slow or busy machine can fail; judge by CPU time "
                "or a count, or say why on that line with `# wall-clock: <reason>`"
            )
    return problems


def no_wall_clock_budgets_in_the_tests(renders: Renders) -> list[str]:
    tests = renders.solved / "tests"
    problems = []
    for path in sorted(tests.rglob("*.py")) if tests.is_dir() else ():
        relative = path.relative_to(renders.solved).as_posix()
        problems += wall_clock_budgets(path.read_text(encoding="utf-8"), relative)
    return problems


def interview_sets_fail_exactly_their_exercises(renders: Renders) -> list[str]:
    """Each take-home set, left as stubs with every other exercise solved, fails exactly that set (not quick)."""
    manifest = renders.template.manifest()
    if renders.quick or not manifest.interview_sets:
        return []
    problems = []
    root = renders.learner.parent.parent
    for numbers in manifest.interview_sets:
        assigned = frozenset(manifest.exercises[n - 1].slug for n in numbers)
        name = "-".join(str(n) for n in numbers)
        where = f"take-home set {list(numbers)}"
        try:
            made = new_project(renders.template, {}, root / f"set-{name}", no_input=True, assigned=assigned, git=False)
            result = run_check(find_project(made.path))
        except ScaffolderError as err:
            problems.append(f"{where}: check cannot run: {err}")
            continue
        for r in result.exercises:
            expected = NOT_STARTED if r.exercise.slug in assigned else PASSED
            if r.status != expected:
                problems.append(f"{where}: {_exercise_is(r)}, expected {expected}")
    return problems


def exercises_are_briefs(renders: Renders) -> list[str]:
    from scaffolder.briefs import manifest_problems

    return manifest_problems(renders.template.manifest())


STEPS: list[tuple[str, Callable[[Renders], list[str]]]] = [
    ("every exercise is a brief: its text says what, its hints say how", exercises_are_briefs),
    ("each take-home set, stubbed alone, fails exactly its exercises", interview_sets_fail_exactly_their_exercises),
    ("the learner render fails every exercise, as 'not started'", learner_fails_every_exercise),
    ("solved through N passes exactly exercises 1..N", solved_through_n_passes_exactly_the_first_n),
    ("no markers or cookiecutter text left in the learner render", no_leftovers_in_the_learner_render),
    ("no reference solution in the learner render", no_solution_in_the_learner_render),
    ("ruff check and ruff format pass on the learner and solved renders", ruff_passes),
    ("the route probe finds nothing on the solved app", probe_passes),
    ("the template's review rules find nothing on the solved app", review_rules_pass),
    ("no test judges by wall-clock time (or it says why)", no_wall_clock_budgets_in_the_tests),
    ("the solved render passes check on a busy machine", check_passes_on_a_busy_machine),
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
            renders.quick = quick
        except ScaffolderError as err:
            return [StepResult("the template renders in every state", (str(err),))]
        run_checks(renders)
        results = [StepResult("the template renders in every state", ())]
        results += [StepResult(title, tuple(step(renders))) for title, step in STEPS]
    return results
