"""`check --format json` against Exercism's test-runner interface v3: statuses, names, output."""

from __future__ import annotations

import json

import pytest

from scaffolder.manifest import Exercise
from scaffolder.results_json import MAX_OUTPUT_CHARS, TRUNCATED, results_document
from scaffolder.verdicts import CheckResult, ExerciseResult, TestResult

from .conftest import ADD_STUB
from .test_learning_loop import assert_interface_v3

EXERCISE_MARK = 'pytestmark = pytest.mark.exercise("add")\n'


def check_json(cli, project, *flags):
    result = cli("check", project, "--format", "json", *flags)
    document = json.loads(result.stdout)
    assert_interface_v3(document)
    return {test["name"]: test for test in document["tests"]}


def write_test(project, name, body):
    (project / "tests" / name).write_text(f"import pytest\n\n{EXERCISE_MARK}\n\n{body}")


def solve_add(project, body="    return a + b"):
    calc = project / "mini_calc" / "calc.py"
    calc.write_text(calc.read_text().replace(ADD_STUB, body))


def test_a_passing_test_that_printed_carries_its_output_without_pytest_headers(cli, project):
    solve_add(project)
    calc = project / "mini_calc" / "calc.py"
    calc.write_text(calc.read_text().replace('    return ""', '    return f"Hello, {name}!"'))
    tests = check_json(cli, project)
    greet = tests["tests/test_greet.py::test_greet"]
    assert greet["status"] == "pass"
    assert greet["output"] == "greeting Ada\n", "only what the test printed, no '--- Captured stdout call ---'"
    assert tests["tests/test_add.py::test_add_small_numbers"]["output"] is None, "printed nothing: no output"


def test_output_over_500_characters_is_cut_with_the_notice_the_interface_asks_for(cli, project):
    solve_add(project, "    print('x' * 5000)\n    return a + b")
    tests = check_json(cli, project, "--exercise", "1")
    add = tests["tests/test_add.py::test_add_small_numbers"]
    assert add["status"] == "pass"
    assert len(add["output"]) == MAX_OUTPUT_CHARS
    assert add["output"].endswith("Output was truncated. Please limit to 500 chars.")
    assert add["output"].startswith("x" * 100)


def test_a_failing_test_is_fail_and_a_fixture_that_raises_is_error(cli, project):
    write_test(
        project,
        "test_add_fixture.py",
        "@pytest.fixture\ndef numbers():\n    raise RuntimeError('the fixture broke')\n\n\n"
        "def test_add_with_a_broken_fixture(numbers):\n    pass\n",
    )
    tests = check_json(cli, project)
    stub = tests["tests/test_add.py::test_add_small_numbers"]
    assert stub["status"] == "fail", "the stub's NotImplementedError is the code failing the test, not a broken run"
    assert "NotImplementedError" in stub["message"]
    assert tests["tests/test_greet.py::test_greet"]["status"] == "fail", "a failed assertion"
    broken = tests["tests/test_add_fixture.py::test_add_with_a_broken_fixture"]
    assert broken["status"] == "error", "the test never ran: its setup raised"
    assert "the fixture broke" in broken["message"]


def test_names_are_unique_across_files_and_parameters(cli, project):
    write_test(
        project,
        "test_add_more.py",
        "from mini_calc.calc import add\n\n\n"
        "def test_add_small_numbers():\n    assert add(1, 1) == 2\n\n\n"
        "@pytest.mark.parametrize('a', [1, 2])\ndef test_add_zero(a):\n    assert add(a, 0) == a\n",
    )
    solve_add(project)
    document = json.loads(cli("check", project, "--format", "json").stdout)
    names = [test["name"] for test in document["tests"]]
    assert len(names) == len(set(names)) == 6
    assert {"tests/test_add.py::test_add_small_numbers", "tests/test_add_more.py::test_add_small_numbers"} <= set(names)
    tests = {test["name"]: test for test in document["tests"]}
    assert tests["tests/test_add_more.py::test_add_zero[2]"]["test_code"].startswith("def test_add_zero(a):")


def test_a_test_that_hangs_and_the_tests_it_stopped_are_error(cli, project):
    solve_add(project)
    write_test(project, "test_add_slow.py", "import time\n\n\ndef test_add_sleeps():\n    time.sleep(30)\n")
    tests = check_json(cli, project, "--timeout", "0.5")
    assert tests["tests/test_add.py::test_add_small_numbers"]["status"] == "pass"
    hung = tests["tests/test_add_slow.py::test_add_sleeps"]
    assert hung["status"] == "error" and hung["message"].startswith("Timeout")
    greet = tests["tests/test_greet.py::test_greet"]
    assert greet["status"] == "error" and greet["message"].startswith("not run")


# The document from a CheckResult, without a test run.


EXERCISE = Exercise(1, "add", "Add two numbers", "easy", ("calc.py",), (), "Write add.", ("adds",), ("+",))


def result_of(*tests: TestResult) -> CheckResult:
    return CheckResult((ExerciseResult(EXERCISE, "failing", tests),), ())


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("", None),
        ("a" * MAX_OUTPUT_CHARS, "a" * MAX_OUTPUT_CHARS),
        ("a" * (MAX_OUTPUT_CHARS + 1), "a" * (MAX_OUTPUT_CHARS - len(TRUNCATED)) + TRUNCATED),
    ],
    ids=["nothing", "exactly-500", "501"],
)
def test_output_is_cut_only_past_500_characters(tmp_path, printed, expected):
    test = TestResult(nodeid="tests/test_a.py::test_a", name="test_a", outcome="passed", printed=printed)
    (entry,) = results_document(result_of(test), tmp_path)["tests"]
    assert entry["output"] == expected


@pytest.mark.parametrize(
    ("outcome", "phase", "status"),
    [
        ("passed", "", "pass"),
        ("failed", "call", "fail"),
        ("failed", "setup", "error"),
        ("failed", "teardown", "error"),
        ("skipped", "", "fail"),
        ("not run", "", "error"),
    ],
)
def test_status_of_each_outcome(tmp_path, outcome, phase, status):
    test = TestResult(nodeid="tests/test_a.py::test_a", name="test_a", outcome=outcome, message="m", phase=phase)
    document = results_document(result_of(test), tmp_path)
    assert document["tests"][0]["status"] == status


def test_no_test_at_all_is_an_error_document(tmp_path):
    document = results_document(result_of(), tmp_path)
    assert_interface_v3(document)
    assert document["status"] == "error" and document["tests"] == [] and "No test ran" in document["message"]
