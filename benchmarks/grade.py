"""How much `scaffolder grade --jobs 2` saves over `--jobs 1` on a cohort of 20 projects.

Usage: python benchmarks/grade.py [--repeat N] [--template NAME] [--projects N]

Renders N projects (default 20) of one template (default crud-app) in mixed states, solved
through 0, 1, 2, ... in turn, then times `scaffolder grade DIR --jobs 1` and `--jobs 2`,
alternating the two so that a noisy neighbour slows each alike. Prints the medians of wall
time and of CPU time (user + system of the child processes) and the ratio of the wall
medians; the issue's target is at most 0.65 on a 2-core machine. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from compare import interleaved, timed  # noqa: E402

SCAFFOLDER = [sys.executable, "-m", "scaffolder"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--template", default="crud-app")
    parser.add_argument("--projects", type=int, default=20)
    options = parser.parse_args()
    from scaffolder.generate import new_project
    from scaffolder.templates import find_template

    template = find_template(options.template)
    count = len(template.manifest().exercises)
    scratch = Path(tempfile.mkdtemp(prefix="scaffolder-bench-grade-"))
    try:
        cohort = scratch / "cohort"
        cohort.mkdir()
        for index in range(options.projects):
            through = index % (count + 1)
            made = new_project(
                template, {}, scratch / f"made-{index}", no_input=True, solved_through=through, git=False
            )
            made.path.rename(cohort / f"learner_{index:02d}")
        env = dict(os.environ)
        runs = [partial(_sample, jobs, cohort, scratch, env) for jobs in (1, 2)]
        (one, one_cpu), (two, two_cpu) = interleaved(*runs, repeat=options.repeat)
        print(
            f"{options.projects} {template.name} projects, medians of {options.repeat} interleaved runs, load {_load()}"
        )
        print(f"  --jobs 1: {one:6.2f} s wall  {one_cpu:6.2f} s CPU")
        print(f"  --jobs 2: {two:6.2f} s wall  {two_cpu:6.2f} s CPU")
        print(f"  ratio (jobs 2 / jobs 1, wall): {two / one:.2f}  (target <= 0.65)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _sample(jobs: int, cohort: Path, scratch: Path, env: dict[str, str]) -> tuple[float, float]:
    """One timed run, said as it ends: a long benchmark on a busy machine shows its figures as they come."""
    wall, cpu = timed([*SCAFFOLDER, "grade", str(cohort), "--jobs", str(jobs)], scratch, env)
    print(f"  sample: --jobs {jobs}: {wall:6.2f} s wall  {cpu:6.2f} s CPU  (load {_load()})", flush=True)
    return wall, cpu


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
