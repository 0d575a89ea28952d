"""Every shipped template, in every state, through `scaffolder dev check`'s own steps (one
implementation: scaffolder.devcheck), plus what only a shipped template must hold.

Each template is rendered once per session, and only when a selected test needs it:
`python -m pytest -k crud-app` renders crud-app alone. The learner and solved renders come
first; the states in between, and `scaffolder check` on every state (the suites run in
subprocesses, two at a time), only for the dev check steps that judge verdicts.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import devcheck, markers
from scaffolder.project import find_project
from scaffolder.templates import PROJECT_DIR_NAME, available_templates

from .conftest import listing, tree

TEMPLATES = {t.name: t for t in available_templates() if t.manifest_path.is_file()}

pytestmark = pytest.mark.slow

# The dev check steps that judge `scaffolder check`'s verdicts, so need every state checked.
NEEDS_CHECKS = {devcheck.learner_fails_every_exercise, devcheck.solved_through_n_passes_exactly_the_first_n}


@pytest.fixture(scope="session", params=list(TEMPLATES))
def rendered(request, tmp_path_factory) -> devcheck.Renders:
    """One template's learner and solved renders, made once per session when a selected test asks for them."""
    name = request.param
    return devcheck.render_all(TEMPLATES[name], tmp_path_factory.mktemp(name), states=[])


@pytest.fixture(scope="session")
def checked(rendered, tmp_path_factory) -> devcheck.Renders:
    """The same template rendered in every state, with `scaffolder check` run on each state."""
    devcheck.render_more(rendered, tmp_path_factory.mktemp(rendered.template.name), range(rendered.count + 1))
    devcheck.run_checks(rendered)
    return rendered


def rendered_path(project: Path, relative: Path) -> Path:
    parts = [project.name if part == PROJECT_DIR_NAME else part for part in relative.parts]
    return project.joinpath(*parts)


@pytest.mark.parametrize("step", [step for _, step in devcheck.STEPS], ids=[s.__name__ for _, s in devcheck.STEPS])
def test_dev_check_step(request, rendered, step):
    problems = step(request.getfixturevalue("checked") if step in NEEDS_CHECKS else rendered)
    assert problems == [], "\n".join(problems)


def test_solved_render_passes_its_own_suite_with_plain_pytest(rendered):
    project = rendered.solved
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert re.search(r"^\d+ passed in ", result.stdout, re.M), result.stdout[-500:]


def test_flask_templates_survive_cookiecutter(rendered):
    source = rendered.template.path / PROJECT_DIR_NAME
    project = rendered.solved
    html = [p for p in source.rglob("*.html")]
    assert html, "the template has Jinja pages"
    for path in html:
        text = path.read_text(encoding="utf-8")
        if not markers.has_markers(text):
            assert rendered_path(project, path.relative_to(source)).read_text(encoding="utf-8") == text


def test_project_describes_itself(rendered):
    project = rendered.learner
    manifest = find_project(project).manifest
    doc = (project / "EXERCISES.md").read_text(encoding="utf-8")
    for exercise in manifest.exercises:
        assert f"## {exercise.number}. {exercise.title}" in doc
        assert not any(hint in doc for hint in exercise.hints), f"a hint of {exercise.slug} is in EXERCISES.md"
        for name in exercise.files:
            assert (project / name).is_file(), f"{exercise.slug} names {name}, which does not exist"
    for dotfile in (".gitignore", ".flaskenv"):
        assert (project / dotfile).is_file(), f"{dotfile} is missing"


def test_plain_cookiecutter_gives_the_same_learner_project(rendered, tmp_path):
    env = dict(os.environ, HOME=str(tmp_path / "home"), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(rendered.template.path), "--no-input", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (plain,) = (tmp_path / "out").iterdir()
    assert tree(plain) == tree(rendered.learner)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("project_slug=class", "project_slug 'class' is not a valid Python package name"),
        ("project_name=🚀 !", "project_name has no letters or digits to make project_slug from"),
    ],
)
@pytest.mark.parametrize("name", TEMPLATES)
def test_plain_cookiecutter_refuses_a_slug_that_is_not_a_package(name, tmp_path, answer, message):
    env = dict(os.environ, HOME=str(tmp_path / "home"), PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            str(TEMPLATES[name].path),
            "--no-input",
            "-o",
            str(tmp_path / "out"),
            answer,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert listing(tmp_path / "out") == [], "cookiecutter removes the refused project"


def test_the_project_works_in_the_tools_environment(rendered):
    """The project's README and settings agree with the tool: one environment, no hangs, .flaskenv read."""
    import tomllib

    project = rendered.solved
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_settings = settings["tool"]["pytest"]["ini_options"]
    assert int(pytest_settings.get("timeout", 0)) > 0, "the project's pytest config sets a per-test timeout"
    filters = pytest_settings.get("filterwarnings", [])
    # Warnings are errors; the only exceptions are narrow ones, a message and a category each
    # (etl-pipeline: kombu's embedded broker uses a loader SQLAlchemy 2.1 deprecates).
    assert filters[:1] == ["error"], "the project's pytest config turns warnings into errors"
    assert all(f.startswith("ignore:") and len(f.split(":")) >= 3 for f in filters[1:]), filters
    readme = (project / "README.md").read_text(encoding="utf-8")
    for second_environment in ("python -m venv", "pip install -e"):
        assert second_environment not in readme, (
            f"the README sends learners to another environment: {second_environment}"
        )
    flaskenv = (project / ".flaskenv").read_text(encoding="utf-8")
    assert f"FLASK_APP={project.name}" in flaskenv
    # .flaskenv only works when python-dotenv comes with the tool.
    from importlib.metadata import requires

    assert any(r.lower().startswith("python-dotenv") for r in requires("scaffolder") or [])
    result = subprocess.run(
        [sys.executable, "-m", "flask", "routes"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("FLASK_")} | {"PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, f"`flask routes` in the project (app found through .flaskenv): {result.stderr}"
    assert "static" in result.stdout


@pytest.mark.parametrize("rendered", ["crud-app"], indirect=True)
def test_plain_pytest_stops_a_view_that_loops_forever(rendered, tmp_path):
    """The crud-app's own pytest settings stop a hanging test: plain pytest cannot hang."""
    import shutil

    project = tmp_path / "looping"
    shutil.copytree(rendered.solved, project)
    main = next(project.glob("*/main.py"))
    text = main.read_text(encoding="utf-8")
    main.write_text(text.replace('return {"status": "ok"}', "while True:\n        pass"), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_02_routes.py",
            "-k",
            "health_check_answers",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "Timeout" in result.stdout and "1 failed" in result.stdout, result.stdout[-2000:]


def test_bandit_finds_no_medium_or_high_issue_in_the_solved_package(rendered):
    project = rendered.solved
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", project.name, "-ll", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_name_with_accents_and_an_emoji_gives_a_working_project(name, tmp_path):
    from scaffolder.generate import new_project

    made = new_project(
        name, {"project_name": "Équipe 🚀", "project_slug": "equipe"}, tmp_path, no_input=True, solved=True, git=False
    )
    first = sorted((made.path / "tests").glob("test_01_*.py"))[0]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(first.relative_to(made.path))],
        cwd=made.path,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
