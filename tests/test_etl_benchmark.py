"""The solved etl-pipeline's benchmark script runs and its loads agree.

Timings are not asserted (shared machines are noisy): the script prints them.
What is asserted is what a learner relies on when reading its figures: every
load runs, and the two loads that validate (the project's own transform with
plain sqlite3, and the whole pipeline) keep exactly the rows without a planted
problem.
"""

from __future__ import annotations

import re
import subprocess
import sys

from scaffolder.generate import new_project

ROWS = 3000


def test_the_benchmark_prints_every_load_and_the_validating_loads_agree(tmp_path):
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, solved=True, git=False).path
    done = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--rows", str(ROWS), "--repeat", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    planted = int(re.search(r"\(([\d,]+) planted problems\)", done.stdout)[1].replace(",", ""))
    assert 0 < planted < ROWS
    loaded = {
        kind: int(count.replace(",", ""))
        for kind, count in re.findall(r"^\s*([\w-]+): .* rows/s .* loaded ([\d,]+)$", done.stdout, re.MULTILINE)
    }
    assert set(loaded) == {"bare", "same-table", "validated", "pipeline"}, done.stdout
    assert loaded["validated"] == loaded["pipeline"] == ROWS - planted, done.stdout
    for kind in ("bare", "same-table", "validated"):
        assert re.search(rf"pipeline rows/s = \d+\.\d\d x the {kind} baseline's", done.stdout), done.stdout
