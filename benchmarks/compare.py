"""Measure scaffolder against the plain tools it wraps, side by side, and print the ratios.

Usage: python benchmarks/compare.py [--repeat N] [--template NAME ...]

For each template: `scaffolder new` against a plain `cookiecutter --no-input` render
(target ratio <= 1.2), `scaffolder check` against plain `python -m pytest -q` on the same
project, learner and solved (target <= 1.15), and the solved suite's own time (target
under 3 s); once: `--help` and `list` (target under 150 ms). Runs of a pair alternate,
so that a noisy neighbour slows both sides alike. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scaffolder.templates import available_templates

PYTHON = sys.executable


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def pair(first, second, repeat: int) -> tuple[float, float]:
    """Medians of two alternating measurements (each a callable returning seconds)."""
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def row(what: str, seconds: float, baseline: float | None, target: str, met: bool) -> None:
    ratio = f"{seconds / baseline:5.2f}" if baseline else "     "
    base = f"{baseline:7.3f} s" if baseline else "         "
    print(f"{what:<46} {seconds:7.3f} s  {base}  {ratio}  {target:<10} {'met' if met else 'NOT MET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--template", action="append", help="only this template (repeatable)")
    args = parser.parse_args()
    cli = [PYTHON, "-m", "scaffolder"]
    print(f"{'what':<46} {'median':>9}  {'baseline':>9}  ratio  target")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = dict(os.environ, HOME=str(root), PYTHONDONTWRITEBYTECODE="1")
        counter = iter(range(10**6))

        for label, extra in (("scaffolder --help", ["--help"]), ("scaffolder list", ["list"])):
            seconds = statistics.median(timed([*cli, *extra], root, env) for _ in range(args.repeat))
            row(label, seconds, None, "< 0.150 s", seconds < 0.150)

        for template in available_templates():
            name = template.name
            if args.template and name not in args.template:
                continue

            def scaffolder_new(name=name) -> float:
                return timed(
                    [*cli, "new", name, "--no-input", "--no-git", "-o", str(root / f"s{next(counter)}")], root, env
                )

            def cookiecutter_new(template=template) -> float:
                out = root / f"c{next(counter)}"
                return timed(
                    [PYTHON, "-m", "cookiecutter", "--no-input", str(template.path), "-o", str(out)], root, env
                )

            ours, plain = pair(scaffolder_new, cookiecutter_new, args.repeat)
            row(f"new {name} (no git) vs cookiecutter", ours, plain, "<= 1.2", ours / plain <= 1.2)

            for state, flags in (("learner", []), ("solved", ["--solved"])):
                out = root / f"{name}-{state}"
                subprocess.run(
                    [*cli, "new", name, "--no-input", "--no-git", "-o", str(out), *flags], env=env, check=True
                )
                (project,) = out.iterdir()
                ours, plain = pair(
                    lambda project=project: timed([*cli, "check"], project, env),
                    lambda project=project: timed(
                        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env
                    ),
                    args.repeat,
                )
                row(f"check {name} ({state}) vs pytest -q", ours, plain, "<= 1.15", ours / plain <= 1.15)
                if state == "solved":
                    row(f"solved {name} suite (plain pytest)", plain, None, "< 3 s", plain < 3)
                shutil.rmtree(out)


if __name__ == "__main__":
    main()
