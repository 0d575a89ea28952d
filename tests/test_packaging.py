"""The wheel carries the templates: install it into a fresh virtual environment and use it elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
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
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    # The wheel with the dependencies it declares and nothing else: pip resolves them from the
    # configured index (PyPI, or a local mirror), so a missing one fails here instead of hiding
    # behind a package this environment happens to have.
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, (
        f"pip could not install the wheel with its dependencies: {installed.stderr[-3000:]}"
    )
    consistent = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert consistent.returncode == 0, consistent.stdout + consistent.stderr
    fresh_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    where = tmp_path / "elsewhere"
    where.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("FLASK_")}
    env.update(HOME=str(tmp_path / "home"), PYTHONDONTWRITEBYTECODE="1")
    origin = subprocess.run(
        [python, "-c", "import scaffolder; print(scaffolder.__file__)"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert origin.startswith(fresh_site), f"scaffolder must come from the wheel, not {origin}"

    scaffolder = python.with_name("scaffolder")

    def run(*command, cwd=where, timeout=300, **more_env):
        """A command of the fresh environment, as a learner would type it there."""
        return subprocess.run(
            command, cwd=cwd, env=dict(env, **more_env), capture_output=True, text=True, timeout=timeout
        )

    made = run(scaffolder, "new", "crud-app", "--no-input", timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    (project,) = [p for p in where.iterdir() if p.is_dir()]
    assert (project / ".gitignore").is_file() and (project / ".flaskenv").is_file()
    assert not list(project.rglob("__pycache__"))
    assert (project / ".git").is_dir()

    checked = run(scaffolder, "check", cwd=project)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Exercise 1 (" in checked.stdout and "not done yet" in checked.stdout

    # The project README's commands, as written, in that environment.
    solved = run(scaffolder, "new", "crud-app", "--no-input", "--no-git", "--solved", "project_slug=solved_tasks")
    assert solved.returncode == 0, solved.stdout + solved.stderr
    project = where / "solved_tasks"
    # Without --app: .flaskenv names the development configuration, the only one that may use the public key.
    for args in (["init-db"], ["routes"]):
        ran = run(python, "-m", "flask", *args, cwd=project, timeout=120)
        assert ran.returncode == 0, f"flask {' '.join(args)}: {ran.stdout}{ran.stderr}"
        assert "Tip: There are .env" not in ran.stdout + ran.stderr, "python-dotenv reads .flaskenv"
    assert (project / "instance" / "solved_tasks.sqlite").is_file()
    tests = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tests.returncode == 0, tests.stdout[-2000:]

    # PostgreSQL's driver is the postgres extra: without it, an etl project asked for PostgreSQL says so in one line.
    etl = run(scaffolder, "new", "etl-pipeline", "--no-input", "--no-git", "project_slug=shop_etl", timeout=120)
    assert etl.returncode == 0, etl.stdout + etl.stderr
    no_driver = run(
        python,
        "-m",
        "flask",
        "etl",
        "init-db",
        cwd=where / "shop_etl",
        timeout=120,
        DATABASE_URL="postgresql://learner@127.0.0.1:1/shop",
    )
    assert no_driver.returncode == 1, no_driver.stdout + no_driver.stderr
    assert no_driver.stderr.splitlines() == [
        "DATABASE_URL names a PostgreSQL database, but its driver psycopg is not installed: "
        'run python -m pip install "scaffolder[postgres]" (or "psycopg[binary]"), or unset DATABASE_URL.'
    ], no_driver.stderr
