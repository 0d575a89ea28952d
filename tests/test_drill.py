"""`scaffolder drill`: questions asked, graded, and brought back on FSRS's schedule, kept safely on disk."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

from scaffolder import drill
from scaffolder.bank import Entry, Practice, question_bank

from .conftest import START


def asked(output: str) -> list[str]:
    """The question numbers a drill asked, in order (`Q7`, `Q2.1`)."""
    return re.findall(r"^Question \d+ of \d+ .*\n(Q[\d.]+)\. ", output, flags=re.M)


def schedule() -> dict:
    return json.loads(drill.drill_path().read_text(encoding="utf-8"))["cards"]


def test_a_drill_asks_grades_and_the_next_one_follows_the_due_dates(cli, clock):
    # Typed answers end with an empty line; one said out loud is just the empty line.
    first = cli("drill", "--count", "3", input="Flask is small.\n\nagain\n\n4\nWSGI\nis an interface\n\ngood\n")
    assert first.exit_code == 0, first.output
    assert asked(first.stdout) == ["Q1", "Q2", "Q3"]
    assert "Drilled 3 question(s)." in first.stdout
    cards = schedule()
    grades = [card["last_grade"] for card in cards.values()]
    assert sorted(grades) == ["again", "easy", "good"] and all(card["reviews"] == 1 for card in cards.values())

    clock.at = START + timedelta(days=30)  # everything graded is due again by now
    second = cli("drill", "--count", "5", input="\ngood\n" * 5)
    assert second.exit_code == 0, second.output
    by_due = sorted(cards.items(), key=lambda item: item[1]["fsrs"]["due"])
    question_of = {entry.question: f"Q{entry.number}" for entry in question_bank()}
    assert asked(second.stdout)[:3] == [question_of[question] for question, _ in by_due]
    assert asked(second.stdout)[3:] == ["Q4", "Q5"], "then the questions never drilled, in the bank's order"


def test_a_question_just_graded_is_not_asked_again_before_it_is_due(cli, clock):
    cli("drill", "--count", "1", input="\neasy\n")
    clock.at = START + timedelta(minutes=1)
    entries = question_bank()
    cards = drill.load_cards()
    assert drill.drill_order(entries, cards, clock.at)[0].number == "2", "the graded one is not due"


def test_questions_practised_in_code_come_first_among_new_ones():
    def entry(number: str, done: bool) -> Entry:
        practice = (Practice("crud-app", 1, 1, "app-factory", done),)
        return Entry(number, f"question {number}?", "answer", True, practice)

    entries = [entry("1", False), entry("2", True), entry("3", False), entry("4", True)]
    assert [e.number for e in drill.drill_order(entries, {}, START)] == ["2", "4", "1", "3"]


def test_end_of_input_stops_the_drill_and_keeps_the_grades_given(cli, clock):
    result = cli("drill", "--count", "3", input="\ngood\n\n")
    assert result.exit_code == 0
    assert "No more input: the drill stops here, with 1 grade(s) saved." in result.stderr
    assert len(schedule()) == 1


def test_stats_show_what_is_due_and_what_is_weak(cli, clock):
    cli("drill", "--count", "2", input="\nhard\n\ngood\n")
    clock.at = START + timedelta(days=1)
    result = cli("drill", "--stats")
    assert result.exit_code == 0, result.output
    assert "Weak (last graded again or hard): 1\n  Q1. " in result.stdout
    assert re.search(r"^Due now: [12] \(Q1", result.stdout, flags=re.M), result.stdout


def test_the_schedule_survives_a_crash_mid_write(cli, clock, monkeypatch):
    cli("drill", "--count", "1", input="\ngood\n")
    before = drill.drill_path().read_bytes()

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    result = cli("drill", "--count", "1", input="\neasy\n")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Could not save the schedule" in result.stderr
    assert drill.drill_path().read_bytes() == before, "the last good schedule is kept whole"
    assert [p.name for p in drill.drill_path().parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_damaged_schedule_is_reported_and_kept(cli):
    path: Path = drill.drill_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 1, "cards": {"q": {"fsrs": {"due": "soon"}, "reviews": 1}}}')
    result = cli("drill", input="\ngood\n")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "delete it to start the schedule over" in result.stderr
    assert "soon" in path.read_text()


def test_an_unknown_level_is_one_line(cli):
    result = cli("drill", "--level", "7")
    assert result.exit_code == 2
    assert "There is no template of level 7; the levels are 1, 2, 3" in result.stderr
