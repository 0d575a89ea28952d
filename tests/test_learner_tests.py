"""An exercise where the learner writes tests: a file of theirs that does not load is said to be broken."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scaffolder.generate import new_project

pytestmark = pytest.mark.slow  # renders a real template and runs its nested suite


@pytest.mark.parametrize(
    ("template", "owned_file", "grader"),
    [
        ("crud-app", "api_error_tests.py", "test_12_write_tests.py"),
        ("blueprint-app", "owner_rule_tests.py", "test_13_write_tests.py"),
        ("etl-pipeline", "pipeline_tests.py", "test_15_write_tests.py"),
    ],
)
def test_a_learner_test_file_that_does_not_import_is_named_as_broken_not_empty(tmp_path, template, owned_file, grader):
    project = new_project(template, {}, tmp_path, no_input=True, solved=True, git=False).path
    owned = project / "tests" / owned_file
    owned.write_text(owned.read_text(encoding="utf-8") + "\nimport not_a_module_anywhere\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/{grader}"],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert f"tests/{owned_file} does not load, so none of your tests ran" in result.stdout
    assert "No module named 'not_a_module_anywhere'" in result.stdout
    assert "has no tests yet" not in result.stdout
