"""A slow or busy laptop gets the verdict of a fast one: every solved template passes beside CPU-bound processes."""

from __future__ import annotations

import pytest

from scaffolder.check import run_check
from scaffolder.devcheck import busy_machine
from scaffolder.generate import new_project
from scaffolder.project import find_project
from scaffolder.templates import available_templates
from scaffolder.verdicts import PASSED

pytestmark = pytest.mark.slow
TEMPLATES = {t.name: t for t in available_templates() if t.manifest_path.is_file()}
BURNERS = 4  # two per core on the 2-core development machine, whatever else runs on it


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_solved_render_passes_check_on_a_busy_machine(name, tmp_path):
    project = new_project(TEMPLATES[name], {}, tmp_path, no_input=True, solved=True, git=False).path
    with busy_machine(BURNERS) as burners:
        assert all(burner.poll() is None for burner in burners), "the burners should be running during the check"
        result = run_check(find_project(project))
    failing = {
        f"{r.exercise.number} ({r.exercise.slug})": [f"{t.name}: {t.message}" for t in r.failures[:2]]
        for r in result.exercises
        if r.status != PASSED
    }
    assert not failing, f"with {BURNERS} CPU-bound processes running, these exercises do not pass: {failing}"
    assert result.changed_tests == (), "a solved render's tests are the generated ones"
