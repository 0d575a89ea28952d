"""The learning loop: check --format json, reset, solution, status, questions (watch is in test_watch.py)."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from scaffolder import journey
from scaffolder.exercises_doc import own_questions
from scaffolder.generate import new_project
from scaffolder.project import find_project
from scaffolder.questions import ANSWERS, NOT_ABOUT_CODE, QUESTIONS
from scaffolder.restore import exercise_changes
from scaffolder.templates import PROJECT_DIR_NAME, available_templates

from .conftest import ADD_STUB, tree


def make(cli, tmp_path, *flags, name="out"):
    result = cli("new", "mini", "--no-input", "--no-git", "-o", tmp_path / name, *flags)
    assert result.exit_code == 0, result.output
    return tmp_path / name / "mini_calc"


def calc(project):
    return project / "mini_calc" / "calc.py"


# check --format json: Exercism's test-runner interface, version 3.

TEST_FIELDS = {"name": str, "status": str, "message": (str, type(None)), "output": (str, type(None))}


def assert_interface_v3(document):
    assert set(document) == {"version", "status", "message", "tests"}
    assert document["version"] == 3
    assert document["status"] in ("pass", "fail", "error")
    assert isinstance(document["message"], str) if document["status"] == "error" else document["message"] is None
    for test in document["tests"]:
        assert set(test) == {"name", "status", "message", "output", "test_code", "task_id"}
        for field, kind in TEST_FIELDS.items():
            assert isinstance(test[field], kind), (field, test)
        assert test["status"] in ("pass", "fail", "error")
        assert isinstance(test["task_id"], int) and isinstance(test["test_code"], str)
        assert test["output"] is None or len(test["output"]) <= 500
        assert (test["message"] is None) == (test["status"] == "pass")


def text_verdicts(stdout):
    """Exercise number -> passed, from the text table."""
    return {int(m[2]): m[1] == "PASS" for m in re.finditer(r"^\s+(PASS|FAIL|TODO|\?\?\?\?)\s+(\d+)\.", stdout, re.M)}


@pytest.mark.slow  # two runs of check per state
@pytest.mark.parametrize("flags", [(), ("--solved-through", "1"), ("--solved",)], ids=["learner", "part", "solved"])
def test_json_results_follow_the_interface_and_agree_with_the_text(cli, fixture_templates, tmp_path, flags):
    project = make(cli, tmp_path, *flags)
    as_json = cli("check", project, "--format", "json")
    as_text = cli("check", project)
    document = json.loads(as_json.stdout)  # stdout holds the JSON document and nothing else
    assert_interface_v3(document)
    assert as_json.exit_code == as_text.exit_code
    by_task: dict[int, list[str]] = {}
    for test in document["tests"]:
        by_task.setdefault(test["task_id"], []).append(test["status"])
    assert {task: set(s) == {"pass"} for task, s in by_task.items()} == text_verdicts(as_text.stdout)
    assert document["status"] == ("pass" if as_text.exit_code == 0 else "fail")
    first = document["tests"][0]
    assert first["test_code"].startswith("def test_") and "add(" in first["test_code"]
    if not flags:
        assert first["status"] == "fail" and "NotImplementedError" in first["message"]


def test_json_for_code_that_does_not_import_is_an_error_document(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    calc(project).write_text(calc(project).read_text().replace("def add(a, b):", "def add(a, b)"))
    result = cli("check", project, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert_interface_v3(document)
    assert document["status"] == "error" and "does not import" in document["message"]


def test_json_output_is_cut_and_failures_are_fail(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    calc(project).write_text(calc(project).read_text().replace(ADD_STUB, "    print('x' * 5000)\n    return a - b"))
    document = json.loads(cli("check", project, "--format", "json").stdout)
    add = [t for t in document["tests"] if t["task_id"] == 1]
    assert {t["status"] for t in add} == {"fail"}
    assert all(t["output"] and len(t["output"]) == 500 for t in add)
    assert "should return 5" in add[0]["message"]


# reset and solution


@pytest.mark.slow  # four runs of check
def test_reset_then_solution_round_trips_with_backups(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path, "--solved")
    assert cli("check", project, "-e", "1").exit_code == 0
    solved = tree(project)

    refused = cli("reset", "1", project)
    assert refused.exit_code == 2 and refused.stderr.startswith("Error: ") and refused.stderr.count("\n") == 1
    assert "--yes" in refused.stderr and tree(project) == solved

    reset = cli("reset", "1", project, "--yes")
    assert reset.exit_code == 0, reset.output
    assert ADD_STUB in calc(project).read_text()
    assert 'return f"Hello, {name}!"' in calc(project).read_text(), "the other exercise's code is untouched"
    assert cli("check", project, "-e", "1").exit_code == 1
    (first_backup,) = (project / ".scaffolder" / "backups").iterdir()
    assert str(first_backup.name) in reset.stdout
    assert (first_backup / "mini_calc" / "calc.py").read_bytes() == solved["mini_calc/calc.py"]
    learner_state = calc(project).read_bytes()

    ask = cli("solution", "1", project)
    assert ask.exit_code == 2 and "does not pass yet" in ask.stderr, "seeing it early needs --yes"
    shown = cli("solution", "1", project, "--yes")
    assert "+    return a + b" in shown.stdout and f"-{ADD_STUB}" in shown.stdout
    assert calc(project).read_bytes() == learner_state, "showing the diff changes nothing"

    applied = cli("solution", "1", project, "--apply", "--yes")
    assert applied.exit_code == 0, applied.output
    assert cli("check", project, "-e", "1").exit_code == 0
    backups = sorted((project / ".scaffolder" / "backups").iterdir())
    assert len(backups) == 2
    assert (backups[1] / "mini_calc" / "calc.py").read_bytes() == learner_state, "the failing state is kept too"
    assert calc(project).read_bytes() == solved["mini_calc/calc.py"]


def test_reset_keeps_the_learners_other_edits_and_finds_a_moved_region(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    text = calc(project).read_text().replace(ADD_STUB, "    total = a + b\n    return total")
    calc(project).write_text("import math  # mine\n\n\n" + text + "\n\ndef mine():\n    return math.pi\n")
    assert cli("reset", "add", project, "--yes").exit_code == 0
    after = calc(project).read_text()
    assert ADD_STUB in after and "total = a + b" not in after
    assert after.startswith("import math  # mine\n") and after.endswith("def mine():\n    return math.pi\n")


def test_reset_of_an_untouched_exercise_changes_nothing(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    before = tree(project)
    result = cli("reset", "1", project)
    assert result.exit_code == 0 and "already at its starting stubs" in result.stdout
    assert tree(project) == before


def test_reset_of_an_unknown_exercise_is_a_usage_error(cli, fixture_templates, tmp_path):
    result = cli("reset", "7", make(cli, tmp_path), "--yes")
    assert result.exit_code == 2 and result.stderr.startswith("Error: There is no exercise '7'")


@pytest.mark.slow  # renders each real template
@pytest.mark.parametrize("template", [t.name for t in available_templates()])
def test_reset_and_solution_find_every_exercise_of_every_template(cli, tmp_path, template):
    """On each real template: a solved project resets each exercise, and the solution of each is what it has."""
    made = cli("new", template, "--no-input", "--no-git", "--solved", "-o", tmp_path)
    assert made.exit_code == 0, made.output
    (root,) = tmp_path.iterdir()
    project = find_project(root)
    for exercise in project.manifest.exercises:
        assert exercise_changes(project, exercise, to="solution") == [], exercise.label
        stubbed = exercise_changes(project, exercise, to="stub")
        assert stubbed, exercise.label
        assert all(f"TODO exercise {exercise.number} ({exercise.slug})" in c.new for c in stubbed), exercise.label


# status and the journey


def solve_add(project):
    calc(project).write_text(calc(project).read_text().replace(ADD_STUB, "    return a + b"))


def solve_greet(project):
    calc(project).write_text(calc(project).read_text().replace('    return ""', '    return f"Hello, {name}!"'))


@pytest.mark.slow  # two runs of check
def test_status_shows_each_project_its_progress_and_what_next(cli, fixture_templates, tmp_path):
    empty = cli("status").stdout
    assert "No practice project yet" in empty and "Start with level 1, Mini calculator: scaffolder new mini" in empty
    project = make(cli, tmp_path)
    solve_add(project)
    cli("check", project)
    result = cli("status")
    assert result.exit_code == 0
    assert "Level 1  mini: Mini calculator" in result.stdout
    assert str(project) in result.stdout
    assert "[##########----------]  1/2 solved by you  next: exercise 2 (greet)" in result.stdout

    solve_greet(project)
    assert cli("check", project).exit_code == 0
    finished = cli("status").stdout
    assert "2/2 solved by you  finished 20" in finished and "Every level is done" in finished


def test_a_reference_render_is_not_progress(cli, fixture_templates, tmp_path):
    solved = make(cli, tmp_path, "--solved")
    assert cli("check", solved).exit_code == 0
    result = cli("status").stdout
    assert "(the reference solution, not your progress)" in result
    assert "Every level is done" not in result and "finished" not in result
    assert "Start with level 1" in result and "Level 0" not in result
    assert "mini 1 (add) done" not in cli("questions", "14").stdout

    partly = make(cli, tmp_path, "--solved-through", "1", name="partly")
    solve_greet(partly)
    assert cli("check", partly).exit_code == 0
    shown = cli("status").stdout
    assert "1/1 solved by you  (1 given solved by scaffolder)  finished 20" in shown


def test_an_applied_solution_is_given_and_a_reset_takes_it_back(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    assert cli("solution", "1", project, "--apply", "--yes").exit_code == 0
    cli("check", project)
    assert "0/1 solved by you  (1 given solved by scaffolder)  next: exercise 2" in cli("status").stdout
    assert cli("reset", "1", project, "--yes").exit_code == 0
    solve_add(project)
    cli("check", project)
    assert "1/2 solved by you  next: exercise 2" in cli("status").stdout


def test_status_shows_a_moved_project_and_a_damaged_record_is_one_line(cli, fixture_templates, tmp_path):
    import shutil

    project = make(cli, tmp_path)
    shutil.rmtree(project)
    result = cli("status")
    assert result.exit_code == 0 and "(moved or deleted)" in result.stdout
    journey.journey_path().write_text("{broken")
    damaged = cli("status")
    assert damaged.exit_code == 1 and damaged.stderr.startswith("Error: ") and damaged.stderr.count("\n") == 1
    assert make(cli, tmp_path, name="again").is_dir(), "a damaged record never stops `new`"


def test_starting_a_level_before_finishing_the_one_below_is_a_notice(cli, tmp_path):
    levels = {t.manifest().level: t.name for t in available_templates()}
    if 2 not in levels:
        pytest.fail("this test needs a level-2 template")
    result = cli("new", levels[2], "--no-input", "--no-git", "-o", tmp_path)
    assert result.exit_code == 0
    assert "Notice: level 1 is not finished yet" in result.stdout
    assert any(r.level == 2 for r in journey.load_journey().values())


# questions


def test_every_curriculum_question_has_an_answer_and_code_questions_an_exercise():
    assert sorted(QUESTIONS) == list(range(1, 15)) == sorted(ANSWERS)
    assert all(len(ANSWERS[n].split()) >= 25 for n in QUESTIONS), "a few sentences each"
    practised = set()
    for template in available_templates():
        for exercise in template.manifest().exercises:
            practised.update(exercise.questions)
    assert set(QUESTIONS) - NOT_ABOUT_CODE <= practised


def test_questions_marks_the_exercises_passed(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    before = cli("questions", "14").stdout
    assert "Practised in: mini 1 (add)\n" in before
    solve_add(project)
    cli("check", project)
    after = cli("questions", "14")
    assert after.exit_code == 0 and "Q14. What are good practices" in after.stdout
    assert "mini 1 (add) done" in after.stdout
    assert cli("questions").stdout.count("\nQ") == 13


def test_a_levels_own_questions_are_in_the_bank(cli):
    result = cli("questions", "--level", "3")
    assert result.exit_code == 0
    assert "Q14. What are good practices" in result.stdout
    assert "Q3.1. Why read files with generators?\n" in result.stdout
    one = cli("questions", "3.1").stdout
    assert one.startswith("Q3.1. Why read files with generators?\n  A generator produces one record")
    assert "Practised in: etl-pipeline 1 (read-jsonl), etl-pipeline 2 (read-csv), etl-pipeline 4" in one
    assert "(exercises 1, 2, 4)" not in result.stdout
    unknown = cli("questions", "3.99")
    assert unknown.exit_code == 2 and "each level's own: 3.1 to 3." in unknown.stderr


@pytest.mark.parametrize("args", [["15"], ["--level", "9"]])
def test_questions_bad_input(cli, fixture_templates, args):
    result = cli("questions", *args)
    assert result.exit_code == 2 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("template", [t.name for t in available_templates()])
def test_interview_md_and_the_bank_tell_one_story(template):
    """Each question INTERVIEW.md answers is a bank question, and each exercise it names practises it."""
    (found,) = [t for t in available_templates() if t.name == template]
    project = found.path / PROJECT_DIR_NAME
    manifest = tomllib.loads((project / "exercises.toml").read_text(encoding="utf-8"))
    slugs = {e["number"]: e["slug"] for e in manifest["exercises"]}
    practising: dict[int, set[int]] = {}
    for exercise in manifest["exercises"]:
        for question in exercise.get("questions", []):
            practising.setdefault(question, set()).add(exercise["number"])
    text = (project / "INTERVIEW.md").read_text(encoding="utf-8")
    sections = re.split(r"^## (\d+)\. (.*)$", text, flags=re.M)
    answered = {}
    for i in range(1, len(sections), 3):
        answered[int(sections[i])] = (sections[i + 1], sections[i + 2])
    assert sorted(answered) == sorted(QUESTIONS), "INTERVIEW.md answers every curriculum question"
    problems = []
    for number, (_, body) in answered.items():
        for named, slug in re.findall(r"\b(\d+) \(([a-z0-9-]+)[:)]", body):
            if slugs.get(int(named)) != slug:
                problems.append(f"Q{number}: names exercise {named} ({slug}), which is not exercise {named}")
            elif int(named) not in practising.get(number, set()):
                problems.append(f"Q{number}: names exercise {named} ({slug}), whose `questions` lacks {number}")
    for number, questions in own_questions(text).items():
        if number not in slugs:
            problems.append(f"{questions[0]!r} names exercise {number}, which does not exist")
    assert problems == []


def test_a_levels_own_interview_questions_are_listed_under_their_exercises(tmp_path):
    project = new_project("etl-pipeline", {}, tmp_path, no_input=True, git=False).path
    text = (project / "EXERCISES.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\d+)\. .*?$(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    assert "- Why read files with generators?" in sections["1"]
    assert "- How do you validate and coerce records?" in sections["3"]
    assert "- How do you validate and coerce records?" not in sections["1"]
    assert "- When do you move to a task queue or an orchestrator?" in sections["11"]
    assert "benchmark" not in sections["6"].split("**Interview questions")[1], "the remark after ';' is left out"


def test_a_backup_holds_the_learners_files_not_a_virtualenv_or_caches(cli, fixture_templates, tmp_path):
    project = make(cli, tmp_path)
    for folder in ("my-env", ".venv", "__pycache__"):
        (project / folder).mkdir()
        (project / folder / "big.bin").write_bytes(b"x" * 1000)
    (project / "my-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    solve_add(project)
    assert cli("reset", "1", project, "--yes").exit_code == 0
    (backup,) = (project / ".scaffolder" / "backups").iterdir()
    saved = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()}
    assert "mini_calc/calc.py" in saved and "tests/test_add.py" in saved
    assert not [name for name in saved if name.split("/")[0] in ("my-env", ".venv", "__pycache__", ".scaffolder")]
