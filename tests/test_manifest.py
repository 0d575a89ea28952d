"""The exercises manifest: loading, validation errors that name the field, and lookups."""

from __future__ import annotations

import copy
import tomllib

import pytest

from scaffolder.exceptions import ManifestError, UnknownExerciseError
from scaffolder.manifest import load_manifest, parse_manifest

from .conftest import FIXTURE_TEMPLATES

MINI = FIXTURE_TEMPLATES / "mini" / "{{cookiecutter.project_slug}}" / "exercises.toml"


@pytest.fixture
def data():
    return tomllib.loads(MINI.read_text(encoding="utf-8"))


def test_fixture_manifest_loads(data):
    manifest = parse_manifest(data, "template mini")
    assert manifest.name == "mini" and manifest.level == 1
    assert [e.slug for e in manifest.exercises] == ["add", "greet"]
    assert manifest.exercises[1].hints[0] == "An f-string helps."


def test_exercises_are_found_by_number_or_slug(data):
    manifest = parse_manifest(data, "template mini")
    assert manifest.find("2").slug == "greet"
    assert manifest.find(" greet ").number == 2
    with pytest.raises(UnknownExerciseError, match=r"no exercise '7'; this project has 1 \(add\), 2 \(greet\)"):
        manifest.find(7)


def broken(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format=2), "format: expected format = 1, found 2"),
        (lambda d: d["template"].pop("title"), "[template]: field 'title' is missing"),
        (lambda d: d["template"].update(level="one"), "[template]: field 'level' must be a int"),
        (lambda d: d.update(exercises=[]), "field 'exercises' must list at least one exercise"),
        (lambda d: d["exercises"][1].update(number=3), "exercise 2: field 'number' is 3"),
        (lambda d: d["exercises"][1].update(slug="add"), "exercise 2: slug 'add' is used twice"),
        (lambda d: d["exercises"][1].update(slug="Greet Me"), "exercise 2: slug 'Greet Me' must be lowercase"),
        (lambda d: d["exercises"][0].update(difficulty="trivial"), "exercise 1 (add): difficulty must be one of"),
        (lambda d: d["exercises"][0].update(hints=["only one"]), "exercise 1 (add): field 'hints' must list 2 to 5"),
        (lambda d: d["exercises"][0].update(hints=["a", "b", "c", "d", "e", "f"]), "field 'hints' must list 2 to 5"),
        (lambda d: d["exercises"][0].update(questions=[15]), "exercise 1 (add): question 15 is not an interview"),
        (lambda d: d["exercises"][0].update(files=["../outside.py"]), "file '../outside.py' must be a relative path"),
        (lambda d: d["exercises"][0].update(instructions="  "), "field 'instructions' must not be empty"),
        (lambda d: d["exercises"][0].pop("acceptance"), "exercise 1 (add): field 'acceptance' is missing"),
        (lambda d: d["exercises"][0].pop("docs"), "exercise 1 (add): field 'docs' is missing"),
        (lambda d: d["exercises"][0].update(title="x" * 71), "title is 71 characters long; keep it to 70"),
        (lambda d: d["exercises"][0].update(docs=[]), "field 'docs' must list at least one documentation link"),
        (lambda d: d["exercises"][0].update(docs=["https://x"]), "each entry of 'docs' must be a table"),
        (lambda d: d["exercises"][0].update(docs=[{"title": "T", "url": "http://x"}]), "must be an https:// address"),
        (lambda d: d["template"].update(introduction=3), "[template]: field 'introduction' must be a str"),
        (
            lambda d: d["exercises"][0].update(instructions='Strip it with `.rstrip("\r\n")`.'),
            "exercises[1].instructions: holds the control character '\\r'",
        ),
    ],
)
def test_invalid_manifest_names_template_field_and_problem(data, change, message):
    with pytest.raises(ManifestError) as caught:
        parse_manifest(broken(data, change), "template mini")
    assert str(caught.value).startswith("template mini: exercises.toml: ")
    assert message in str(caught.value)


def test_unreadable_toml_is_a_manifest_error(tmp_path):
    path = tmp_path / "exercises.toml"
    path.write_text("format = = 1\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="is not valid TOML"):
        load_manifest(path, "template x")


def test_missing_manifest_is_a_manifest_error(tmp_path):
    with pytest.raises(ManifestError, match="the manifest exercises.toml is missing"):
        load_manifest(tmp_path / "exercises.toml", "template x")
