"""Files the learner owns (an exercise's `files`, even under tests/) are never reported as changed tests."""

from __future__ import annotations

import copy
import tomllib

import pytest

from scaffolder.exceptions import ManifestError
from scaffolder.manifest import parse_manifest

from .conftest import FIXTURE_TEMPLATES

MINI = FIXTURE_TEMPLATES / "mini" / "{{cookiecutter.project_slug}}" / "exercises.toml"
OWNED = "tests/my_greet_tests.py"  # in the files of the mini template's exercise 2


def test_the_learners_own_test_file_is_not_tampering(cli, project):
    (project / OWNED).write_text("def test_greet_ada():\n    assert True\n", encoding="utf-8")
    result = cli("check", project)
    assert "not the generated ones" not in result.stderr, result.stderr
    (project / OWNED).unlink()
    result = cli("check", project)
    assert "not the generated ones" not in result.stderr, result.stderr


def test_a_changed_generated_test_is_named_and_the_restore_spares_the_learners_file(cli, project):
    (project / OWNED).write_text("def test_greet_ada():\n    assert True\n", encoding="utf-8")
    with open(project / "tests" / "test_add.py", "a", encoding="utf-8") as file:
        file.write("\n\ndef test_nothing():\n    pass\n")
    (project / "tests" / "test_extra.py").write_text("", encoding="utf-8")
    result = cli("check", project)
    assert "the tests are not the generated ones: tests/test_add.py (changed), tests/test_extra.py (added)" in (
        result.stderr
    )
    assert "`git checkout -- tests/test_add.py`" in result.stderr, result.stderr
    assert OWNED not in result.stderr and "git checkout -- tests/`" not in result.stderr


@pytest.mark.parametrize("name", ["tests/conftest.py", "tests/test_add.py", "tests/unit/add_test.py"])
def test_a_judging_test_file_cannot_be_the_learners(name):
    data = copy.deepcopy(tomllib.loads(MINI.read_text(encoding="utf-8")))
    data["exercises"][0]["files"].append(name)
    with pytest.raises(ManifestError) as caught:
        parse_manifest(data, "template mini")
    assert f"exercise 1 (add): file {name!r} is one of the tests that judge the exercises" in str(caught.value)


def test_the_manifest_lists_the_learners_files():
    manifest = parse_manifest(tomllib.loads(MINI.read_text(encoding="utf-8")), "template mini")
    assert OWNED in manifest.learner_files() and "{package}/calc.py" in manifest.learner_files()
