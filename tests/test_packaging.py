"""The wheel carries the templates: install it into a fresh virtual environment and use it elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (built,) = dist.glob("scaffolder-*.whl")
    return built


def test_wheel_holds_templates_with_dotfiles_and_no_bytecode(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "scaffolder/templates/crud-app/cookiecutter.json" in names
    assert any(n.endswith("/{{cookiecutter.project_slug}}/.gitignore") for n in names), "dotfiles ship"
    assert any(n.endswith("/{{cookiecutter.project_slug}}/.flaskenv") for n in names), "dotfiles ship"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("scaffolder/templates/") and "fixtures" in n]


def test_installed_wheel_generates_and_checks_from_another_directory(wheel, tmp_path):
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The dependencies come from this environment, so the test needs no download;
    # scaffolder itself comes only from the wheel.
    fresh_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    outer_site = sysconfig.get_paths()["purelib"]
    Path(fresh_site, "outer-deps.pth").write_text(outer_site + "\n")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    where = tmp_path / "elsewhere"
    where.mkdir()
    env = dict(os.environ, HOME=str(tmp_path / "home"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    origin = subprocess.run(
        [python, "-c", "import scaffolder; print(scaffolder.__file__)"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert origin.startswith(fresh_site), f"scaffolder must come from the wheel, not {origin}"

    scaffolder = env_dir / "bin" / "scaffolder"
    made = subprocess.run(
        [scaffolder, "new", "crud-app", "--no-input"], cwd=where, env=env, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stdout + made.stderr
    (project,) = [p for p in where.iterdir() if p.is_dir()]
    assert (project / ".gitignore").is_file() and (project / ".flaskenv").is_file()
    assert not list(project.rglob("__pycache__"))
    assert (project / ".git").is_dir()

    checked = subprocess.run([scaffolder, "check"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Exercise 1 (" in checked.stdout and "not done yet" in checked.stdout

    # The project README's commands, as written, in that environment.
    solved = subprocess.run(
        [scaffolder, "new", "crud-app", "--no-input", "--no-git", "--solved", "project_slug=solved_tasks"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert solved.returncode == 0, solved.stdout + solved.stderr
    project = where / "solved_tasks"
    # Without --app: .flaskenv names the development configuration, the only one that may use the public key.
    for args in (["init-db"], ["routes"]):
        ran = subprocess.run(
            [python, "-m", "flask", *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
        )
        assert ran.returncode == 0, f"flask {' '.join(args)}: {ran.stdout}{ran.stderr}"
        assert "Tip: There are .env" not in ran.stdout + ran.stderr, "python-dotenv reads .flaskenv"
    assert (project / "instance" / "solved_tasks.sqlite").is_file()
    tests = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout[-2000:]
