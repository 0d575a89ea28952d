"""`scaffolder check` and `scaffolder hint` on a generated fixture project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.check import run_check
from scaffolder.exceptions import TestRunError
from scaffolder.project import find_project

from .conftest import ADD_STUB, tree


def edit(project, old, new):
    calc = project / "mini_calc" / "calc.py"
    text = calc.read_text()
    assert old in text
    calc.write_text(text.replace(old, new))


def test_learner_project_fails_exercise_one_readably(cli, project):
    before = tree(project)
    result = cli("check", project)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Mini calculator (mini, level 1): 0 of 2 exercises pass"
    assert any("1. Add two numbers" in line and line.endswith("not started") for line in lines)
    assert any("2. Greet someone" in line and line.endswith("not started") for line in lines), (
        "a stub that fails by assertion is still 'not started' while it is untouched"
    )
    assert "Exercise 1 (add): Add two numbers" in result.stdout
    assert "NotImplementedError: Exercise 1 (add) is not done yet: see EXERCISES.md" in result.stdout
    assert "in your code: mini_calc/calc.py:3" in result.stdout
    assert "scaffolder hint 1" in result.stdout
    assert tree(project) == before, "check changes none of the learner's files"


def test_wrong_answer_shows_the_plain_words_message(cli, project):
    edit(
        project,
        ADD_STUB,
        "    return a - b",
    )
    result = cli("check", project)
    assert result.exit_code == 1
    assert "failing (2 of 2 tests failing)" in result.stdout
    assert "add(2, 3) should return 5" in result.stdout
    assert "test: tests/test_add.py:9" in result.stdout


@pytest.mark.slow  # two runs of check
def test_solving_moves_on_to_the_next_exercise_and_shows_output(cli, project):
    edit(
        project,
        ADD_STUB,
        "    return a + b",
    )
    result = cli("check", project)
    assert result.exit_code == 1
    assert "1 of 2 exercises pass" in result.stdout
    assert "Exercise 2 (greet): Greet someone" in result.stdout
    assert "greet('Ada') should return 'Hello, Ada!'" in result.stdout
    assert "greeting Ada" in result.stdout, "captured output of the failing test is shown"
    only = cli("check", project, "--exercise", "add")
    assert only.exit_code == 0, "every selected exercise passes"
    assert "this exercise passes" in only.stdout


def test_editing_a_stub_marks_the_exercise_started(cli, project):
    edit(project, '    return ""', '    return "Hi"')
    result = cli("check", project)
    assert any(
        "2. Greet someone" in line and "failing (1 of 1 tests failing)" in line for line in result.stdout.splitlines()
    )


# Each kind of damage costs a render of the template and a run: one of them in the quick run.
@pytest.mark.parametrize(
    "damage",
    [
        "delete-folder",
        pytest.param("bad-json", marks=pytest.mark.slow),
        pytest.param("wrong-shape", marks=pytest.mark.slow),
    ],
)
def test_a_lost_stub_record_is_rebuilt_from_the_template(cli, project, damage):
    import shutil

    record = project / ".scaffolder" / "stubs.json"
    if damage == "delete-folder":
        shutil.rmtree(project / ".scaffolder")
    else:
        record.write_text("{not json" if damage == "bad-json" else "[1, 2]")
    result = cli("check", project)
    lines = result.stdout.splitlines()
    assert any("1. Add two numbers" in line and line.endswith("not started") for line in lines)
    assert any("2. Greet someone" in line and line.endswith("not started") for line in lines), result.output
    assert "Warning" not in result.stderr
    assert json.loads(record.read_text())["version"] == 1, "the record is written again"


def test_without_a_stub_record_or_template_check_warns(cli, project, monkeypatch, tmp_path):
    (project / ".scaffolder" / "stubs.json").unlink()
    (tmp_path / "no-templates").mkdir()
    monkeypatch.setenv("SCAFFOLDER_TEMPLATES", str(tmp_path / "no-templates"))
    result = cli("check", project)
    lines = result.stdout.splitlines()
    assert any("1. Add two numbers" in line and line.endswith("not started") for line in lines)
    assert "stubs.json, the record of the starting stubs, is missing or damaged" in result.stderr


def test_solved_project_passes(cli, fixture_templates, tmp_path):
    assert cli("new", "mini", "--no-input", "--no-git", "--solved", "-o", tmp_path).exit_code == 0
    result = cli("check", tmp_path / "mini_calc" / "tests")
    assert result.exit_code == 0, result.output
    assert "2 of 2 exercises pass" in result.stdout and "Every exercise passes" in result.stdout


def test_code_that_does_not_import_is_one_clear_line(cli, project):
    edit(project, "def add(a, b):", "def add(a, b)")
    result = cli("check", project)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Your code does not import, so no test can run: SyntaxError")
    assert result.stderr.count("\n") == 1
    assert "calc.py:1" in result.stderr


def test_code_that_raises_on_import_is_one_clear_line(cli, project):
    # conftest-style failure: the package itself raises while it is imported
    (project / "mini_calc" / "__init__.py").write_text("undefined_name\n")
    (project / "tests" / "conftest.py").write_text("import mini_calc  # noqa: F401\n")
    result = cli("check", project)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Your code does not import, so no test can run: "
        "NameError: name 'undefined_name' is not defined (mini_calc/__init__.py:1)\n"
    )


@pytest.mark.slow  # the test spins until its timeout
def test_a_hanging_test_times_out(cli, project):
    edit(
        project,
        ADD_STUB,
        "    while True:\n        pass",
    )
    result = cli("check", project, "--timeout", "0.5")
    assert result.exit_code == 1
    assert "Timeout" in result.stdout


@pytest.mark.slow  # the import spins until the 3 s run limit
def test_code_that_hangs_on_import_stops_the_run(project):
    edit(project, "def add(a, b):", "while True:\n    pass\n\n\ndef add(a, b):")
    # By its CPU time, or on a very busy machine by the wall-clock safety net.
    with pytest.raises(TestRunError, match="(used more than 3 s of CPU time|did not finish within 12 s); the run was"):
        run_check(find_project(project), run_timeout=3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exercise", "9"], "There is no exercise '9'; this project has 1 (add), 2 (greet)."),
        (["--exercise", "nope"], "There is no exercise 'nope'"),
    ],
)
def test_unknown_exercise_is_a_usage_error(cli, project, args, message):
    result = cli("check", project, *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_check_outside_a_project_is_a_usage_error(cli, tmp_path):
    result = cli("check", tmp_path)
    assert result.exit_code == 2
    assert "is not inside a practice project" in result.stderr and result.stderr.count("\n") == 1
    missing = cli("check", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_damaged_manifest_is_a_usage_error(cli, project):
    (project / "exercises.toml").write_text("format = 1\n")
    result = cli("check", project)
    assert result.exit_code == 2
    assert "field 'template' is missing" in result.stderr


def test_hints_are_revealed_one_at_a_time_and_remembered(cli, project):
    first = cli("hint", "greet", project)
    assert first.exit_code == 0
    assert "Hint 1 of 3 for exercise 2 (greet)" in first.stdout and "An f-string helps." in first.stdout
    assert "Use the name inside the string." not in first.stdout
    second = cli("hint", "2", project)
    assert "Hint 2 of 3" in second.stdout and "Use the name inside the string." in second.stdout
    assert "again for a more specific hint" in second.stdout and "last hint" not in second.stdout
    third = cli("hint", "2", project)
    assert "Hint 3 of 3" in third.stdout and "That was the last hint" in third.stdout, "said the first time it shows"
    last = cli("hint", "2", project)
    assert "Hint 3 of 3" in last.stdout and "That was the last hint" in last.stdout
    state = json.loads((project / ".scaffolder" / "state.json").read_text())
    assert state == {"version": 1, "hints_shown": {"greet": 3}}


def test_hint_without_an_exercise_picks_the_current_one(cli, project, monkeypatch):
    monkeypatch.chdir(project / "mini_calc")
    result = cli("hint")
    assert result.exit_code == 0
    assert "Hint 1 of 2 for exercise 1 (add)" in result.stdout


def test_damaged_hint_state_is_reported_and_kept(cli, project):
    state = project / ".scaffolder" / "state.json"
    state.parent.mkdir(exist_ok=True)
    state.write_text("{not json")
    result = cli("hint", "1", project)
    assert result.exit_code == 1
    assert "state.json is damaged" in result.stderr and result.stderr.count("\n") == 1
    assert state.read_text() == "{not json"


def test_hint_for_unknown_exercise(cli, project):
    result = cli("hint", "12", project)
    assert result.exit_code == 2 and "There is no exercise '12'" in result.stderr


@pytest.mark.parametrize("marker", ["@pytest.mark.skip(reason='later')", "@pytest.mark.xfail(reason='later')"])
def test_a_skipped_or_xfail_test_makes_its_exercise_incomplete_not_passing(cli, project, marker):
    edit(project, ADD_STUB, "    return a + b")
    tests = project / "tests" / "test_add.py"
    tests.write_text(tests.read_text().replace("def test_add_negative", f"{marker}\ndef test_add_negative"))
    edit(project, "    return a + b", "    return a + b if a >= 0 else 99")
    result = cli("check", project)
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "1. Add two numbers" in line)
    assert line.startswith("  SKIP") and line.endswith("incomplete (1 of 2 tests skipped; the rest pass)")
    assert "does not count as passing" in result.stdout
    assert "0 of 2 exercises pass" in result.stdout


def test_an_exercise_stopped_only_by_another_exercises_stub_is_blocked_not_started():
    """After `reset 1`, exercise 2's code is the learner's: its label must not say 'not started'."""
    from scaffolder.manifest import Exercise
    from scaffolder.verdicts import BLOCKED, FAILING, NOT_STARTED, judge

    def exercise(number, slug):
        return Exercise(number, slug, slug, "easy", (), (), "", (), ("h",))

    stub = "NotImplementedError: Exercise 1 (app-factory) is not done yet: see EXERCISES.md"
    raised = {"outcome": "failed", "kind": "not_implemented", "message": stub}
    data = {
        "tests": {
            "tests/test_02.py::test_a": {"exercise": "routes", **raised},
            "tests/test_03.py::test_b": {"exercise": "forms", **raised},
            "tests/test_03.py::test_c": {"exercise": "forms", "outcome": "failed", "kind": "assertion", "message": "x"},
        }
    }
    exercises = [exercise(1, "app-factory"), exercise(2, "routes"), exercise(3, "forms")]
    stubs = {"routes": [{"file": "app.py", "text": "STUB OF ROUTES"}], "forms": [{"file": "app.py", "text": "F"}]}
    result = judge(data, exercises[1:], Path("/nonexistent"), stubs)
    assert [r.status for r in result.exercises] == [BLOCKED, FAILING]
    untouched = judge(data, exercises[1:2], Path("/nonexistent"), None)
    assert untouched.exercises[0].status == BLOCKED, "unrecorded stubs: another exercise's stub still blocks"
    data["tests"]["tests/test_02.py::test_a"]["message"] = stub.replace("1 (app-factory)", "2 (routes)")
    assert judge(data, exercises[1:2], Path("/nonexistent"), None).exercises[0].status == NOT_STARTED


def test_a_word_that_names_an_exercise_is_the_exercise_even_beside_a_folder_of_that_name(cli, project, monkeypatch):
    (project / "greet").mkdir()  # blueprint-app has exercise `migrations` and a migrations/ folder
    monkeypatch.chdir(project)
    hint = cli("hint", "greet")
    assert hint.exit_code == 0 and hint.stdout.startswith("Hint 1 of ") and "exercise 2 (greet)" in hint.stdout
    checked = cli("check", "2")
    assert checked.stdout.startswith("Mini calculator (mini, level 1): this exercise does not pass yet")
    assert "2. Greet someone" in checked.stdout and "1. Add two numbers" not in checked.stdout
    assert cli("check", "greet").stdout == checked.stdout
    unknown = cli("check", "13")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: There is no exercise '13'; this project has 1")
    both = cli("check", "2", "--exercise", "1")
    assert both.exit_code == 2 and "Name the exercise once" in both.stderr
    assert cli("check", ".").stdout.startswith("Mini calculator (mini, level 1): 0 of 2 exercises pass")


def test_arguments_in_the_other_order_still_name_the_project_and_the_exercise(cli, project, monkeypatch):
    monkeypatch.chdir(project.parent)
    checked = cli("check", project.name, "2")
    assert checked.stdout.startswith("Mini calculator (mini, level 1): this exercise does not pass yet")
    refused = cli("reset", project.name)
    assert refused.exit_code == 2
    assert refused.stderr == "Error: Name the exercise: scaffolder reset EXERCISE [PATH], e.g. scaffolder reset 1.\n"


def test_new_points_at_the_first_exercise_left_to_do(cli, fixture_templates, tmp_path):
    partly = cli("new", "mini", "--no-input", "--no-git", "--solved-through", "1", "-o", tmp_path / "a")
    assert "start with exercise 2" in partly.stdout
    solved = cli("new", "mini", "--no-input", "--no-git", "--solved", "-o", tmp_path / "b")
    assert "start with exercise" not in solved.stdout and "compare the reference" in solved.stdout


def test_the_details_say_when_an_exercise_waits_for_an_earlier_one(capsys):
    from scaffolder.display import print_details
    from scaffolder.manifest import Exercise
    from scaffolder.verdicts import NOT_STARTED, ExerciseResult, TestResult

    stub = "NotImplementedError: Exercise 1 (app-factory) is not done yet: see EXERCISES.md"
    test = TestResult("tests/test_02.py::test_a", "test_a", "failed", message=stub, kind="not_implemented")
    routes = Exercise(2, "routes", "Routes", "easy", ("app.py",), (), "", (), ("h",))
    print_details(ExerciseResult(routes, NOT_STARTED, (test,)))
    shown = capsys.readouterr().out
    assert "stop at an earlier exercise that is not done yet (app-factory): finish that one first" in shown


def test_check_says_how_many_hints_are_left_for_the_current_exercise(cli, project):
    assert "Stuck? `scaffolder hint 1` (2 hints, from the idea to code, one at a time)." in cli("check", project).stdout
    cli("hint", "1", project)
    assert "Stuck? `scaffolder hint 1` (1 of 2 hints left)." in cli("check", project).stdout
    cli("hint", "1", project)
    assert "You have seen all 2 hints (`scaffolder hint 1` shows the last again)." in cli("check", project).stdout


def test_exercises_md_lists_the_interface_the_tests_call(project):
    text = (project / "EXERCISES.md").read_text(encoding="utf-8")
    assert "**Interface** (what the tests call: keep these names)\n\n- `add(a, b)`\n" in text
