"""`check --format junit`: valid JUnit XML (against tests/junit.xsd), one suite per exercise, check's messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from scaffolder import devcheck
from scaffolder.manifest import Exercise
from scaffolder.results_junit import error_report, results_report
from scaffolder.templates import available_templates
from scaffolder.verdicts import CheckResult, ExerciseResult, TestResult

from .test_results_json import solve_add, write_test

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit.xsd"))


def junit(cli, project, *flags, exit_code=None):
    result = cli("check", project, "--format", "junit", *flags)
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output
    SCHEMA.validate(result.stdout)
    return ET.fromstring(result.stdout)


def cases(root) -> dict[str, ET.Element]:
    return {f"{case.get('classname')}::{case.get('name')}": case for case in root.iter("testcase")}


def test_learner_render_gives_one_suite_per_exercise_with_checks_messages(cli, project):
    root = junit(cli, project, exit_code=1)
    assert [s.get("name") for s in root.iter("testsuite")] == ["01 add", "02 greet"]
    statuses = {s.get("name"): s.find("properties/property[@name='status']").get("value") for s in root}
    assert statuses == {"01 add": "not started", "02 greet": "not started"}
    add = cases(root)["tests.test_add::test_add_small_numbers"].find("failure")
    assert add.get("message") == "NotImplementedError: Exercise 1 (add) is not done yet: see EXERCISES.md"
    assert "(in your code: mini_calc/calc.py:3; test: tests/test_add.py:" in add.text
    assert root.get("tests") == "3" and root.get("failures") == "3" and root.get("errors") == "0"


def test_partly_solved_counts_per_suite_and_printed_output(cli, project):
    solve_add(project)
    root = junit(cli, project, exit_code=1)
    add, greet = root.iter("testsuite")
    assert (add.get("tests"), add.get("failures")) == ("2", "0")
    assert all(case.find("failure") is None for case in add.iter("testcase"))
    assert (greet.get("tests"), greet.get("failures")) == ("1", "1")
    assert greet.find("testcase/system-out").text == "greeting Ada\n"
    assert greet.find("testcase/failure").get("message") == "greet('Ada') should return 'Hello, Ada!'"


def test_a_broken_fixture_is_an_error_and_a_skip_is_skipped(cli, project):
    solve_add(project)
    write_test(
        project,
        "test_add_more.py",
        "@pytest.fixture\ndef numbers():\n    raise RuntimeError('the fixture broke')\n\n\n"
        "def test_add_with_a_broken_fixture(numbers):\n    pass\n\n\n"
        "@pytest.mark.skip(reason='later')\ndef test_add_later():\n    pass\n",
    )
    root = junit(cli, project)
    found = cases(root)
    broken = found["tests.test_add_more::test_add_with_a_broken_fixture"].find("error")
    assert "the fixture broke" in broken.get("message")
    assert found["tests.test_add_more::test_add_later"].find("skipped") is not None
    add = next(root.iter("testsuite"))
    assert (add.get("tests"), add.get("errors"), add.get("skipped")) == ("4", "1", "1")


def test_code_that_does_not_import_gives_a_report_with_the_error(cli, project):
    (project / "mini_calc" / "calc.py").write_text("def add(:\n")
    root = junit(cli, project, exit_code=1)
    (case,) = root.iter("testcase")
    error = case.find("error")
    assert error is not None and "calc.py" in error.text


def test_characters_xml_cannot_hold_are_replaced(tmp_path):
    exercise = Exercise(1, "add", "Add two numbers", "easy", ("calc.py",), (), "Write add.", ("adds",), ("+",))
    test = TestResult(
        nodeid="tests/test_a.py::test_a[\x1b]",
        name="test_a",
        outcome="failed",
        message="bad \x00 byte",
        printed="\x1b[31m",
    )
    report = results_report(CheckResult((ExerciseResult(exercise, "failing", (test,)),), ()))
    SCHEMA.validate(report)
    assert "\ufffd" in report
    SCHEMA.validate(error_report("no \x07 bell"))


TEMPLATES = {t.name: t for t in available_templates() if t.manifest_path.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_template_in_three_states_validates(cli, name, tmp_path):
    renders = devcheck.render_all(TEMPLATES[name], tmp_path, states=[2])
    for through, path in renders.paths.items():
        root = junit(cli, path, exit_code=0 if through == renders.count else 1)
        suites = list(root.iter("testsuite"))
        assert len(suites) == renders.count, f"solved through {through}: one suite per exercise"
        passing = [s.find("properties/property[@name='status']").get("value") == "passed" for s in suites]
        assert passing == [n <= through for n in range(1, renders.count + 1)], f"solved through {through}"
        assert int(root.get("tests")) > renders.count
