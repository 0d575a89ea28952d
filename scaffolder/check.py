"""`scaffolder check`: run a practice project's tests and judge each exercise.

The steps live in modules of their own: runner (run pytest), diagnose (say why a
run judged nothing), records (the project's stubs and tests as generated),
verdicts (each exercise's status).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from scaffolder.diagnose import collect_problem
from scaffolder.exceptions import TestRunError
from scaffolder.manifest import Exercise
from scaffolder.project import Project
from scaffolder.records import Stubs, changed_test_files, load_stubs, load_test_record, rebuild_records
from scaffolder.runner import run_pytest
from scaffolder.verdicts import CheckResult, judge


def run_check(
    project: Project,
    only: Exercise | None = None,
    records: tuple[Stubs | None, dict[str, str] | None] | None = None,
    **options: Any,
) -> CheckResult:
    """Run the project's suite in a subprocess and sort the results by exercise.

    `records` (stubs, test digests) stand in for the project's own .scaffolder/ records, which
    are then neither read nor rebuilt (`grade` leaves learners' projects as they are).
    `options` go to runner.run_pytest: test_timeout, run_timeout, launcher, test_files.
    """
    if not (project.root / "tests").is_dir():
        raise TestRunError(
            "The project's tests/ folder is missing, so nothing can be checked: restore it with "
            "`git checkout -- tests/` (or copy tests/ from a fresh `scaffolder new`)."
        )
    data = run_pytest(project.root, only=only.slug if only is not None else None, **options)
    if data["collect_errors"]:
        raise TestRunError(collect_problem(data["collect_errors"][0], project.root))
    selected = [only] if only is not None else list(project.manifest.exercises)
    if records is not None:
        stubs, recorded = records
    else:
        stubs, recorded = load_stubs(project.root), None
        if stubs is None or load_test_record(project.root) is None:
            stubs = rebuild_records(project)
    result = judge(data, selected, project.root, stubs)
    return dataclasses.replace(
        result,
        stubs_known=stubs is not None,
        changed_tests=tuple(changed_test_files(project.root, project.manifest.learner_files(), recorded)),
    )
