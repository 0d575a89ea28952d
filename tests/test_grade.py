"""`scaffolder grade`: one roster row per project of a cohort, whatever state each project is in."""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import threading

import pytest

from scaffolder.grade import _few_words

from .test_results_json import solve_add

GREET_STUB = '    return ""'


@pytest.fixture
def cohort(cli, fixture_templates, tmp_path):
    """A folder of learners' projects of the mini template, in mixed states, and one folder that is no project."""
    made = tmp_path / "made"
    folder = tmp_path / "cohort"
    folder.mkdir()

    def learner(name, *flags):
        result = cli("new", "mini", "--no-input", "-o", made / name, *flags)
        assert result.exit_code == 0, result.output
        return (made / name / "mini_calc").rename(folder / name)

    learner("ada")  # with git: its last commit is known
    learner("bob", "--no-git", "--solved-through", "1")
    learner("cy", "--no-git", "--solved")
    hangs = learner("dee", "--no-git")
    solve_add(hangs, "    import time\n\n    time.sleep(60)")
    broken = learner("eve", "--no-git")
    (broken / "mini_calc" / "calc.py").write_text("def add(a, b:\n")
    tampered = learner("fay", "--no-git")
    test_add = tampered / "tests" / "test_add.py"
    test_add.write_text(test_add.read_text().replace("assert ", "assert True or "))
    crashes = learner("gus", "--no-git")
    solve_add(crashes, "    import os\n\n    os._exit(3)")
    unrecorded = learner("hal", "--no-git", "--solved-through", "1")
    shutil.rmtree(unrecorded / ".scaffolder")
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.txt").write_text("not a project\n")
    hinted = folder / "bob"
    assert cli("hint", "2", hinted).exit_code == 0
    assert cli("hint", "2", hinted).exit_code == 0
    return folder


def roster(cli, *args):
    result = cli("grade", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_project_gets_a_row_that_says_what_is_true(cli, cohort):
    document = json.loads(roster(cli, cohort, "--format", "json", "--timeout", "1"))
    rows = {row["project"]: row for row in document["projects"]}
    assert list(rows) == ["ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "notes"]
    passed = {name: (row["passed"], row["total"]) for name, row in rows.items()}
    assert passed == {
        "ada": (0, 2),
        "bob": (1, 2),
        "cy": (2, 2),
        "dee": (0, 2),
        "eve": (0, 2),
        "fay": (1, 2),  # the tampered test passes the stub: the row says the tests were changed
        "gus": (0, 2),
        "hal": (1, 2),
        "notes": (None, None),
    }
    assert rows["bob"]["hints"] == 2 and rows["ada"]["hints"] == 0
    assert rows["ada"]["last_commit"] is not None and rows["bob"]["last_commit"] is None
    assert rows["ada"]["note"] == rows["bob"]["note"] == rows["cy"]["note"] == ""
    assert rows["dee"]["note"].startswith("a test hung: test_add_small_numbers")
    assert rows["eve"]["note"].startswith("does not import: SyntaxError")
    assert rows["fay"]["tests_changed"] == ["tests/test_add.py (changed)"]
    assert "tests changed" in rows["fay"]["note"]
    assert rows["gus"]["note"].startswith("crashed in")
    assert rows["hal"]["hints"] is None and "no .scaffolder/ record" in rows["hal"]["note"]
    assert rows["notes"]["note"] == "not a practice project (no exercises.toml)"


def test_two_jobs_give_the_same_roster_as_one(cli, cohort):
    one = roster(cli, cohort, "--format", "csv", "--timeout", "1")
    two = roster(cli, cohort, "--format", "csv", "--timeout", "1", "--jobs", "2")
    assert one == two
    table = list(csv.DictReader(io.StringIO(two)))
    assert [row["passed"] for row in table[:3]] == ["0", "1", "2"]
    columns = {"project", "template", "passed", "total", "hints", "tests_changed", "last_commit", "note"}
    assert table[0].keys() == columns


def test_markdown_roster_has_one_line_per_project(cli, cohort):
    text = roster(cli, cohort / "ada", cohort / "cy", cohort / "notes")
    lines = text.splitlines()
    assert lines[0].startswith("| project | template | passed |")
    assert lines[2].startswith("| ada | mini | 0 of 2 | 0 | 0 | 20")
    assert lines[3].startswith("| cy | mini | 2 of 2 | 0 | 0 | - |")
    assert lines[4] == "| notes | - | - | - | - | - | not a practice project (no exercises.toml) |"


def test_a_name_that_is_no_folder_is_bad_input(cli, tmp_path):
    result = cli("grade", tmp_path / "missing")
    assert result.exit_code == 2
    said = f"Error: {tmp_path / 'missing'} is not a folder: name a project or a folder of projects."
    assert result.stderr.strip() == said
    (tmp_path / "empty").mkdir()
    assert "| empty | - | - | - | - | - | not a practice project" in roster(cli, tmp_path / "empty")


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (
            "Your code does not import, so no test can run: NameError: x (a.py:1)",
            "does not import: NameError: x (a.py:1)",
        ),
        ("Your code did not finish importing within 20 s, so no test ran: ...", "hangs while importing (over 20 s)"),
        ("The test run ended in the middle of test_x (exit code 3) without a result: ...", "crashed in test_x"),
        ("x" * 500, "x" * 117 + "..."),
    ],
)
def test_errors_are_said_in_a_few_words(message, words):
    assert _few_words(message) == words


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs signals sent to the main thread (POSIX)")
def test_an_interrupted_grade_stops_the_test_processes_it_started(cohort, monkeypatch):
    from scaffolder import grade as grading

    started = []
    real = grading.launch_subprocess

    def launch(*args):
        process = real(*args)
        started.append(process)
        return process

    def interrupt_once_a_test_runs():
        while not started:
            threading.Event().wait(0.05)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    monkeypatch.setattr(grading, "launch_subprocess", launch)
    threading.Thread(target=interrupt_once_a_test_runs, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        grading.grade([cohort / "dee", cohort / "cy"], test_timeout=60)  # dee's test sleeps 60 s
    assert len(started) == 1, "the second project was not started after the interrupt"
    assert started[0].poll() is not None, "the running test process was stopped"
