"""The GitHub workflows every generated project carries: tests.yml (the suite and the exercise table in the
job summary) and classroom.yml (GitHub Classroom autograding, one step per exercise)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from scaffolder.generate import new_project
from scaffolder.templates import PROJECT_DIR_NAME, available_templates

TEMPLATES = {t.name: t for t in available_templates() if t.manifest_path.is_file()}
ACTIONLINT = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def render(name: str, where: Path, **options) -> Path:
    return new_project(TEMPLATES[name], {}, where, no_input=True, git=False, **options).path


def workflow(project: Path, name: str) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_every_template_carries_the_same_summary_plugin():
    copies = {
        name: (t.path / PROJECT_DIR_NAME / ".github" / "exercise_summary.py").read_bytes()
        for name, t in TEMPLATES.items()
    }
    assert len(set(copies.values())) == 1, "the .github/exercise_summary.py copies differ"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_workflows_pass_actionlint_and_grade_every_exercise_once(name, tmp_path):
    project = render(name, tmp_path)
    assert ACTIONLINT is not None, "actionlint is not installed: pip install -e '.[dev]'"
    files = sorted(str(p) for p in (project / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 2
    linted = subprocess.run([ACTIONLINT, "-no-color", *files], capture_output=True, text=True, timeout=120)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    steps = workflow(project, "classroom.yml")["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses") == GRADER]
    exercises = TEMPLATES[name].manifest().exercises
    assert [g["with"]["command"].rsplit(" ", 1)[-1] for g in graders] == [e.slug for e in exercises]
    assert all(int(g["with"]["max-score"]) > 0 for g in graders)
    (reporter,) = [s for s in steps if s.get("uses") == REPORTER]
    ids = [g["id"] for g in graders]
    assert reporter["with"]["runners"] == ",".join(ids)
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{ steps.{i}.outputs.result }}}}" for i in ids}


def run_steps(steps: list[dict], project: Path, env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Each `run:` step in order, in bash as the runner runs it (-e), up to the first that fails."""
    done = []
    for step in steps:
        if "run" not in step:
            continue
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        done.append(result)
        if result.returncode != 0:
            break
    return done


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_workflow_steps_pass_on_the_solved_render_and_fail_on_the_learner_render(name, tmp_path):
    """As the runner would: a fresh virtual environment (no scaffolder in it), the steps in order."""
    count = len(TEMPLATES[name].manifest().exercises)
    for state, options in (("solved", {"solved": True}), ("learner", {})):
        project = render(name, tmp_path / state, **options)
        environment = tmp_path / f"venv-{state}"
        venv.create(environment, with_pip=True)
        summary = tmp_path / f"summary-{state}.md"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "SCAFFOLDER"))}
        env.update(
            PATH=f"{environment / 'bin'}{os.pathsep}{env['PATH']}",
            VIRTUAL_ENV=str(environment),
            GITHUB_STEP_SUMMARY=str(summary),
            CI="true",
        )
        tests = run_steps(workflow(project, "tests.yml")["jobs"]["tests"]["steps"], project, env)
        assert tests[0].returncode == 0, f"{state}: the install step failed: {tests[0].stderr[-2000:]}"
        no_scaffolder = subprocess.run(
            [environment / "bin" / "python", "-c", "import scaffolder"], cwd=project, env=env
        )
        assert no_scaffolder.returncode != 0, "the project's environment must not need scaffolder"
        table = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| ")][1:]
        statuses = [line.split(" | ")[2] for line in table]
        if state == "solved":
            assert [r.returncode for r in tests] == [0, 0], tests[-1].stdout[-3000:]
            assert statuses == ["passed"] * count
        else:
            assert [r.returncode for r in tests] == [0, 1], "the test step fails on the learner render"
            assert statuses == ["not started"] * count
        # classroom.yml: its run: steps (the install), then each grading step's command as the grader runs it.
        steps = workflow(project, "classroom.yml")["jobs"]["run-autograding-tests"]["steps"]
        assert all(r.returncode == 0 for r in run_steps(steps, project, env))
        graders = [s for s in steps if s.get("uses") == GRADER]
        if state == "solved":
            # The test step above already ran every exercise's tests here: the first and the last
            # grading commands show that the command form works, without running the suite twice.
            graders = [graders[0], graders[-1]]
        graded = [
            subprocess.run(s["with"]["command"], shell=True, cwd=project, env=env, capture_output=True, timeout=1800)
            for s in graders
        ]
        codes = [g.returncode for g in graded]
        assert codes == ([0] * len(graders) if state == "solved" else [1] * count), f"{state}: {codes}"


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_the_classroom_workflow_grades_exactly_the_manifest_s_exercises(name, tmp_path):
    project = render(name, tmp_path)
    text = (project / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")
    assert "# scaffolder:" not in text, "the placeholder is replaced by the steps"
    steps = workflow(project, "classroom.yml")["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses") == GRADER]
    assert [g["with"]["test-name"] for g in graders] == [
        f"{e.number} {e.slug}" for e in TEMPLATES[name].manifest().exercises
    ]
