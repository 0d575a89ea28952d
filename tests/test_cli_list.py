"""`scaffolder list` and the CLI's entry points."""

from __future__ import annotations

import subprocess
import sys

from scaffolder.templates import available_templates


def test_list_shows_each_template_with_level_count_and_topics(cli):
    result = cli("list")
    assert result.exit_code == 0
    for template in available_templates():
        manifest = template.manifest()
        assert f"{template.name}  (level {manifest.level}, {len(manifest.exercises)} exercises)" in result.stdout
        assert manifest.title in result.stdout
        assert ", ".join(manifest.topics) in result.stdout


def test_list_on_fixture_templates(cli, fixture_templates):
    result = cli("list")
    assert "mini  (level 1, 2 exercises)" in result.stdout
    assert "Topics: functions, templates" in result.stdout


def test_templates_dir_override_must_exist(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("SCAFFOLDER_TEMPLATES", str(tmp_path / "nope"))
    result = cli("list")
    assert result.exit_code == 2 and "is not a directory" in result.stderr


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "scaffolder", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("scaffolder, version ")
