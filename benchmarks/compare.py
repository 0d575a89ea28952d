"""Measure scaffolder against the plain tools it wraps, side by side, and print the ratios.

Usage: python benchmarks/compare.py [--repeat N] [--template NAME ...]

For each template: `scaffolder new` against a plain `cookiecutter --no-input` render
(target ratio <= 1.2); `scaffolder check` against plain `python -m pytest -q` on the same
project, learner, solved through 1 and solved (target <= 1.1); the mid-path check (solved
through 1, where most tests fail) against the solved suite's plain pytest run (target
<= 1.3: a learner half-way waits no longer than a finished project takes); and the solved
suite's own time (target under 3 s); once: `--help` and `list` (target under 150 ms).
Runs of compared commands alternate, so that a noisy neighbour slows each alike; the
figures are medians of wall time, with the ratio of median CPU time (user + system of
the child processes, steadier on a busy machine) beside. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from scaffolder.templates import available_templates

PYTHON = sys.executable
# The project states compared: a learner's first render, half-way (where most tests fail), finished.
STATES = (("learner", []), ("through 1", ["--solved-through", "1"]), ("solved", ["--solved"]))


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child processes) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(*runs, repeat: int) -> list[tuple[float, float]]:
    """(median wall, median CPU) of each callable, the callables run in turn `repeat` times."""
    samples: list[list[tuple[float, float]]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, samples, strict=True):
            taken.append(run())
    return [(statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples]


def row(what: str, ours: tuple[float, float], baseline: tuple[float, float] | None, target: float | None) -> None:
    """One line: wall median, baseline's, their ratio against the target, and the CPU-time ratio."""
    seconds = ours[0]
    if baseline is None:
        limit = f"< {target:.3f} s" if target else ""
        met = target is None or seconds < target
        print(f"{what:<52} {seconds:7.3f} s  {'':9}  {'':5}  {limit:<10} {'met' if met else 'NOT MET'}")
        return
    ratio, cpu_ratio = seconds / baseline[0], ours[1] / baseline[1]
    met = target is None or ratio <= target
    limit = f"<= {target:g}" if target else ""
    print(
        f"{what:<52} {seconds:7.3f} s  {baseline[0]:7.3f} s  {ratio:5.2f}  {limit:<10} "
        f"{'met' if met else 'NOT MET':<8} cpu {cpu_ratio:5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--template", action="append", help="only this template (repeatable)")
    args = parser.parse_args()
    cli = [PYTHON, "-m", "scaffolder"]
    print(f"{'what':<52} {'median':>9}  {'baseline':>9}  ratio  target")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = dict(os.environ, HOME=str(root), PYTHONDONTWRITEBYTECODE="1")
        counter = iter(range(10**6))

        for label, extra in (("scaffolder --help", ["--help"]), ("scaffolder list", ["list"])):
            (seconds,) = interleaved(lambda extra=extra: timed([*cli, *extra], root, env), repeat=args.repeat)
            row(label, seconds, None, 0.150)

        for template in available_templates():
            name = template.name
            if args.template and name not in args.template:
                continue

            def scaffolder_new(name=name) -> tuple[float, float]:
                return timed(
                    [*cli, "new", name, "--no-input", "--no-git", "-o", str(root / f"s{next(counter)}")], root, env
                )

            def cookiecutter_new(template=template) -> tuple[float, float]:
                out = root / f"c{next(counter)}"
                return timed(
                    [PYTHON, "-m", "cookiecutter", "--no-input", str(template.path), "-o", str(out)], root, env
                )

            ours, plain = interleaved(scaffolder_new, cookiecutter_new, repeat=args.repeat)
            row(f"new {name} (no git) vs cookiecutter", ours, plain, 1.2)

            projects = {}
            for state, flags in STATES:
                out = root / f"{name}-{state}"
                subprocess.run(
                    [*cli, "new", name, "--no-input", "--no-git", "-o", str(out), *flags],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                (projects[state],) = out.iterdir()

            commands = {"check": [*cli, "check"], "pytest": [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]}
            keys = [(tool, state) for state, _ in STATES for tool in commands]
            runs = [partial(timed, commands[tool], projects[state], env) for tool, state in keys]
            medians = dict(zip(keys, interleaved(*runs, repeat=args.repeat), strict=True))
            for state, _ in STATES:
                row(f"check {name} ({state}) vs pytest -q", medians["check", state], medians["pytest", state], 1.1)
            row(
                f"check {name} (through 1) vs solved pytest -q",
                medians["check", "through 1"],
                medians["pytest", "solved"],
                1.3,
            )
            row(f"solved {name} suite (plain pytest)", medians["pytest", "solved"], None, 3)
            for state, _ in STATES:
                shutil.rmtree(projects[state].parent)


if __name__ == "__main__":
    main()
