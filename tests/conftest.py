"""Shared fixtures: every test gets its own HOME, so nothing reads or writes the real one."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scaffolder.cli import main

FIXTURE_TEMPLATES = Path(__file__).parent / "fixtures" / "templates"
# The stub of the mini fixture template's exercise 1, as the learner render has it.
ADD_STUB = '    raise NotImplementedError("Exercise 1 (add) is not done yet: see EXERCISES.md")'


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point HOME (and so git's and cookiecutter's config) at an empty directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SCAFFOLDER_TEMPLATES", raising=False)
    monkeypatch.delenv("COOKIECUTTER_CONFIG", raising=False)
    # The journey `status` reads lives in the user data directory: never the real one.
    monkeypatch.setenv("SCAFFOLDER_DATA_DIR", str(tmp_path_factory.mktemp("scaffolder-data")))
    return home


@pytest.fixture
def fixture_templates(monkeypatch):
    """Use the small fixture templates in tests/fixtures/templates instead of the real ones."""
    monkeypatch.setenv("SCAFFOLDER_TEMPLATES", str(FIXTURE_TEMPLATES))
    return FIXTURE_TEMPLATES


@pytest.fixture
def project(cli, fixture_templates, tmp_path):
    """A learner render of the mini fixture template (no git)."""
    result = cli("new", "mini", "--no-input", "--no-git", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path / "mini_calc"


@pytest.fixture
def cli():
    """Invoke the CLI; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def tree(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes, to show that nothing changed."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


__all__ = ["tree", "listing", "FIXTURE_TEMPLATES", "os"]


# The moment the records' clock (scaffolder.storage.utc_now) shows in tests that move it.
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The records' clock, stopped at START and moved by the test: `clock.at = START + timedelta(...)`."""
    from scaffolder import storage

    class Clock:
        at = START

    monkeypatch.setattr(storage, "utc_now", lambda: Clock.at)
    return Clock
