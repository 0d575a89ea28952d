"""`scaffolder dev check`: passes on a shipped template, fails with the right message on broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURE_TEMPLATES

pytestmark = pytest.mark.slow
CRUD_APP = Path(__file__).parents[1] / "templates" / "crud-app"


def broken(source: Path, tmp_path: Path, relative: str, old: str, new: str) -> Path:
    copy = tmp_path / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / "{{cookiecutter.project_slug}}" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} changed: {old!r} is not in it"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_dev_check_passes_on_crud_app(cli):
    result = cli("dev", "check", CRUD_APP, "--quick")
    assert result.exit_code == 0, result.output
    assert "crud-app: fit for learners." in result.stdout


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    # END SOLUTION\n",
            "",
            "the region opened at line 2 is not closed",
        ),
        (
            "tests/test_add.py",
            'pytestmark = pytest.mark.exercise("add")',
            "pytestmark = []",
            "tests without exactly one exercise marker",
        ),
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    return a + b\n    # END SOLUTION",
            "    return a + b\n    # STUB\n    # return a + b\n    # END SOLUTION",
            "passes before the learner writes anything",
        ),
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    return a + b\n",
            "    return a+b\n",
            "ruff format would change in the solved render",
        ),
    ],
    ids=["missing-end-marker", "test-without-exercise", "stub-that-passes", "not-formatted"],
)
def test_dev_check_fails_on_a_broken_fixture(cli, tmp_path, relative, old, new, message):
    copy = broken(FIXTURE_TEMPLATES / "mini", tmp_path, relative, old, new)
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert message in result.stdout, result.stdout


def test_dev_check_fails_on_a_route_that_answers_500(cli, tmp_path):
    copy = broken(
        CRUD_APP,
        tmp_path,
        "{{cookiecutter.project_slug}}/__init__.py",
        'app.url_map.converters["int"] = DatabaseIdConverter',
        "pass",
    )
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert "FAIL  the route probe finds nothing on the solved app" in result.stdout
    assert "raised OverflowError" in result.stdout


def test_dev_check_of_a_directory_that_is_no_template(cli, tmp_path):
    result = cli("dev", "check", tmp_path)
    assert result.exit_code == 1
    assert "it has no cookiecutter.json" in result.stderr and result.stderr.count("\n") == 1
