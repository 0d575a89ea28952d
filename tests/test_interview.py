"""`scaffolder interview`: a timed take-home from the briefs, its record, and the report at its end."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from scaffolder import interview
from scaffolder.manifest import parse_manifest

from .conftest import START


@pytest.fixture
def takehome(cli, fixture_templates, tmp_path, clock, monkeypatch):
    """A 30-minute take-home of the mini fixture whose task is exercise 2 (greet); the current folder is it."""
    result = cli("interview", "1", "--minutes", "30", "--seed", "7", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "mini_calc"
    monkeypatch.chdir(path)
    return path


def solve_greet(path):
    calc = path / "mini_calc" / "calc.py"
    calc.write_text(calc.read_text().replace('    return ""\n', '    return f"Hello, {name}!"\n'))


def record(path) -> dict:
    return json.loads((path / ".scaffolder" / "interview.json").read_text())


def test_the_assignment_holds_only_the_chosen_briefs_and_the_rest_is_given(cli, takehome):
    assert record(takehome)["assigned"] == ["greet"]
    assignment = (takehome / "ASSIGNMENT.md").read_text()
    assert "## Task 1: Greet someone" in assignment and "Add two numbers" not in assignment
    assert "`mini_calc/calc.py`" in assignment and "- `greet(name)`" in assignment
    assert "You have **30 minutes**" in assignment and "--seed 7" in assignment
    check = cli("check")
    assert "1 of 2 exercises pass" in check.stdout and "not started" in check.stdout


def test_a_take_home_worked_and_submitted_gives_a_true_report(cli, takehome, clock):
    clock.at = START + timedelta(minutes=2)
    assert cli("check").exit_code == 1
    clock.at = START + timedelta(minutes=4)
    hint = cli("hint")
    assert "noted in your take-home report" in hint.stderr
    clock.at = START + timedelta(minutes=11, seconds=30)
    solve_greet(takehome)
    assert cli("check").exit_code == 0
    clock.at = START + timedelta(minutes=12)
    status = cli("interview", "status")
    assert "18 min 00 s left" in status.stdout and "1 of 1 tasks pass" in status.stdout
    assert "Greet someone: passes, 1 hint(s) taken" in status.stdout
    clock.at = START + timedelta(minutes=20)
    submitted = cli("interview", "submit")
    assert submitted.exit_code == 0, submitted.output
    report = (takehome / "INTERVIEW_REPORT.md").read_text()
    assert "handed in after 20 min 00 s of 30 minutes" in report
    assert "## Result: 1 of 1 tasks pass" in report
    assert "| 2. Greet someone | yes | 11 min 30 s | 1 |" in report
    assert "Q6. What is Jinja" in report and "scaffolder drill --level 1" in report
    page = (takehome / "interview_report.html").read_text()
    assert "<svg" in page and "first passed at 11 min 30 s" in page and "hint at 4 min 00 s" in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', ""), "self-contained: nothing fetched"
    again = cli("interview", "submit")
    assert again.exit_code == 2 and "already ended" in again.stderr


def test_the_first_command_after_the_time_runs_out_ends_it(cli, takehome, clock):
    clock.at = START + timedelta(minutes=31)
    solve_greet(takehome)
    check = cli("check")
    assert check.exit_code == 0
    assert "Time is up: the take-home ended at 09:30 UTC" in check.stderr
    attempt = record(takehome)
    assert attempt["ended_by"] == "time" and attempt["ended"] == (START + timedelta(minutes=30)).isoformat()
    assert attempt["checks"] == [], "a pass after the time does not count"
    report = (takehome / "INTERVIEW_REPORT.md").read_text()
    assert "ended when the time ran out after 30 min 00 s of 30 minutes" in report
    assert "| 2. Greet someone | no | never within the time | 0 |" in report


def test_the_seed_picks_the_same_set_and_the_minutes_size_it():
    data = {
        "format": 1,
        "template": {"name": "t", "level": 1, "title": "T", "summary": "S", "topics": ["x"]},
        "exercises": [
            {
                "number": n,
                "slug": f"e{n}",
                "title": f"E{n}",
                "difficulty": "medium",
                "files": ["a.py"],
                "questions": [],
                "instructions": "Do it.",
                "acceptance": ["Done."],
                "hints": ["Idea.", "Code."],
                "docs": [{"title": "Python", "url": "https://docs.python.org/3/"}],
            }
            for n in range(1, 7)
        ],
        "interview": {"sets": [[1, 2, 3], [2, 4, 6], [3, 5, 6], [1, 2, 3, 4, 5]]},
    }
    manifest = parse_manifest(data, "test")
    picks = {interview.choose_set(manifest, 90, seed) for seed in range(40)}
    assert picks == {(1, 2, 3), (2, 4, 6), (3, 5, 6)}, "three medium tasks fit 90 minutes; five do not"
    assert interview.choose_set(manifest, 90, 5) == interview.choose_set(manifest, 90, 5)
    assert interview.choose_set(manifest, 130, 1) == (1, 2, 3, 4, 5), "the one that fills the time"
    with pytest.raises(Exception, match="No take-home of t fits in 30 minutes; the shortest takes about 75"):
        interview.choose_set(manifest, 30, 1)
    data["interview"]["sets"] = [[3, 1]]
    with pytest.raises(Exception, match=r"\[interview\] set 1: must list distinct numbers in increasing order"):
        parse_manifest(data, "test")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("interview", "7"), "There is no level '7'; the levels are 1 (mini)"),
        (("interview", "1", "--minutes", "0"), "--minutes must be 1 or more, not 0."),
    ],
)
def test_bad_input_is_one_line(cli, fixture_templates, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_interview_is_not_started_inside_a_project(cli, project, monkeypatch):
    monkeypatch.chdir(project)
    result = cli("interview", "1")
    assert result.exit_code == 2 and "is the practice project" in result.stderr
    assert result.stderr.count("\n") == 1


def test_submit_and_status_need_a_running_take_home(cli, project, monkeypatch):
    monkeypatch.chdir(project)
    for command in ("submit", "status"):
        result = cli("interview", command)
        assert result.exit_code == 2 and "No take-home is running in" in result.stderr


def test_a_damaged_record_is_reported_and_kept(cli, takehome):
    path = takehome / ".scaffolder" / "interview.json"
    path.write_text('{"version": 1, "template": "mini"}')
    for command in (("interview", "status"), ("check",)):
        result = cli(*command)
        assert result.exit_code == 1, result.output
        assert "is not a record this scaffolder understands" in result.stderr and result.stderr.count("\n") == 1
    assert path.read_text() == '{"version": 1, "template": "mini"}'


def test_status_outside_a_take_home_says_where_to_run_it(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("interview", "submit")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "No take-home in .: run `scaffolder interview submit` inside the take-home's project" in result.stderr


def test_a_take_home_handed_in_early_is_drawn_over_the_time_used(cli, takehome, clock):
    clock.at = START + timedelta(minutes=3)
    solve_greet(takehome)
    cli("check")
    clock.at = START + timedelta(minutes=5)
    assert cli("interview", "submit").exit_code == 0
    page = (takehome / "interview_report.html").read_text()
    assert "the time limit, 30 minutes, lies beyond its right edge" in page and 'class="chart"' in page


def test_an_interview_is_not_started_in_a_new_folder_inside_a_project(cli, project, monkeypatch):
    monkeypatch.chdir(project)
    result = cli("interview", "1", "-o", "takehome")
    assert result.exit_code == 2 and "is inside the practice project" in result.stderr
    assert not (project / "takehome").exists()
