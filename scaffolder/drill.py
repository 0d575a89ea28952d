"""`scaffolder drill`: answer the interview questions out loud, on a spaced-repetition schedule.

The schedule is FSRS (the algorithm Anki uses), from the `fsrs` package: each
question is a card; grading an answer (again, hard, good, easy) sets when it
comes back. The cards are kept in `drill.json` beside the journey record, in
the user data directory, written atomically like every other record.

Order of a drill: questions that are due, earliest first; then questions never
drilled, those the learner has practised in code (a passed exercise) first.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scaffolder import storage
from scaffolder.bank import Entry
from scaffolder.exceptions import StateError
from scaffolder.storage import locked, read_versioned, write_json

DRILL_FILE = "drill.json"
DRILL_VERSION = 1
REMEDY = "delete it to start the schedule over"
GRADES = ("again", "hard", "good", "easy")  # fsrs.Rating 1..4, in this order


def drill_path() -> Path:
    from scaffolder.journey import data_dir

    return data_dir() / DRILL_FILE


@dataclass
class Card:
    """What the schedule knows of one question (keyed by its text, which outlives renumbering)."""

    fsrs: dict[str, Any]  # fsrs.Card.to_dict()
    reviews: int = 0
    last_grade: str | None = None

    @property
    def due(self) -> datetime:
        return datetime.fromisoformat(self.fsrs["due"])


def load_cards(path: Path | None = None) -> dict[str, Card]:
    """Every drilled question's card; empty before the first drill. A damaged file is reported, never reset."""
    path = path or drill_path()
    data = read_versioned(path, DRILL_VERSION, REMEDY)
    if data is None:
        return {}
    try:
        cards = {}
        for question, raw in data["cards"].items():
            card = Card(fsrs=dict(raw["fsrs"]), reviews=int(raw["reviews"]), last_grade=raw.get("last_grade"))
            card.due  # noqa: B018 -- a due date that does not parse is damage, found now rather than mid-drill
            cards[str(question)] = card
        return cards
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        raise StateError(f"{path} is not a record this scaffolder understands; {REMEDY}.") from err


def save_card(question: str, card: Card, path: Path | None = None) -> None:
    """Record one graded card: read, change and write under the lock, atomically."""
    path = path or drill_path()
    with locked(Path(f"{path}.lock")):
        cards = load_cards(path)
        cards[question] = card
        raw = {q: {"fsrs": c.fsrs, "reviews": c.reviews, "last_grade": c.last_grade} for q, c in cards.items()}
        try:
            write_json(path, {"version": DRILL_VERSION, "cards": raw})
        except OSError as err:
            raise StateError(f"Could not save the schedule in {path}: {err.strerror or err}.") from err


def practised(entry: Entry) -> bool:
    return any(p.done for p in entry.practice)


def drill_order(entries: list[Entry], cards: dict[str, Card], at: datetime) -> list[Entry]:
    """The questions to ask now: due ones by due date, then new ones (practised in code first), bank order kept."""
    stats = drill_stats(entries, cards, at)
    return stats.due_now + sorted(stats.new, key=lambda e: not practised(e))  # stable sort: bank order kept


def grade(card: Card | None, rating: str, at: datetime) -> Card:
    """The card after the learner graded their answer `rating` at `at`."""
    import fsrs

    scheduler = fsrs.Scheduler(enable_fuzzing=False)  # the same grade on the same day gives the same due date
    before = fsrs.Card.from_dict(card.fsrs) if card else fsrs.Card(due=at)
    after, _log = scheduler.review_card(before, fsrs.Rating(GRADES.index(rating) + 1), review_datetime=at)
    return Card(fsrs=after.to_dict(), reviews=(card.reviews if card else 0) + 1, last_grade=rating)


@dataclass(frozen=True)
class Stats:
    due_now: list[Entry]
    new: list[Entry]
    weak: list[tuple[Entry, Card]]  # last graded again or hard
    upcoming: list[tuple[Entry, Card]]  # not due yet, soonest first


def drill_stats(entries: list[Entry], cards: dict[str, Card], at: datetime) -> Stats:
    known = [(e, cards[e.question]) for e in entries if e.question in cards]
    return Stats(
        due_now=[e for e, c in sorted(known, key=lambda pair: pair[1].due) if c.due <= at],
        new=[e for e in entries if e.question not in cards],
        weak=[(e, c) for e, c in known if c.last_grade in ("again", "hard")],
        upcoming=sorted(((e, c) for e, c in known if c.due > at), key=lambda pair: pair[1].due),
    )


def run_drill(entries: list[Entry], count: int) -> int:
    """Ask up to `count` questions at the terminal; save each grade as it is given. Returns how many were graded."""
    import click

    from scaffolder.display import print_question, style

    cards = load_cards()
    at = storage.utc_now()
    chosen = drill_order(entries, cards, at)[:count]
    if not chosen:
        upcoming = drill_stats(entries, cards, at).upcoming
        when = f" The next comes back on {upcoming[0][1].due:%Y-%m-%d at %H:%M} UTC." if upcoming else ""
        click.echo(f"Nothing is due now: every question is scheduled.{when}")
        return 0
    stdin = sys.stdin  # CliRunner and a terminal both put the input here
    graded = 0
    for index, entry in enumerate(chosen, start=1):
        card = cards.get(entry.question)
        kind = "new" if card is None else f"due; last time: {card.last_grade}"
        click.echo(style(f"\nQuestion {index} of {len(chosen)} ({kind})", "cyan"))
        click.echo(f"Q{entry.number}. {entry.question}")
        click.echo("Answer it out loud, or type it. Press Enter on an empty line to see the model answer.")
        typed = _read_answer(stdin)
        if typed is None:
            break
        click.echo()
        print_question(entry)
        rating = _ask_grade(stdin)
        if rating is None:
            break
        card = grade(card, rating, storage.utc_now())
        save_card(entry.question, card)
        cards[entry.question] = card
        graded += 1
        click.echo(f"Saved: back on {card.due:%Y-%m-%d at %H:%M} UTC.")
    else:
        click.echo(f"\nDrilled {graded} question(s). `scaffolder drill --stats` shows what is due and what is weak.")
        return graded
    click.echo(f"\nNo more input: the drill stops here, with {graded} grade(s) saved.", err=True)
    return graded


def _read_answer(stdin) -> list[str] | None:
    """The lines typed up to an empty line (said out loud: just the empty line); None at end of input."""
    lines: list[str] = []
    while True:
        line = stdin.readline()
        if not line:
            return None
        if not line.strip():
            return lines
        lines.append(line.rstrip("\n"))


def _ask_grade(stdin) -> str | None:
    """again, hard, good or easy (or 1-4, or the first letter); None at end of input."""
    import click

    words = {}
    for number, word in enumerate(GRADES, start=1):
        words.update({word: word, word[0]: word, str(number): word})
    while True:
        click.echo("How did it go? again (1), hard (2), good (3), easy (4): ", nl=False)
        answer = stdin.readline()  # the stream the answer was read from: one buffer, nothing read ahead is lost
        if not answer:
            click.echo()
            return None
        chosen = words.get(answer.strip().lower())
        if chosen:
            return chosen
        click.echo("Type again, hard, good or easy (or 1 to 4).")


def print_stats(entries: list[Entry]) -> None:
    import click

    stats = drill_stats(entries, load_cards(), storage.utc_now())

    def names(chosen: list[Entry]) -> str:
        return ", ".join(f"Q{e.number}" for e in chosen) or "none"

    click.echo(f"Due now: {len(stats.due_now)} ({names(stats.due_now)})")
    first = [e for e in stats.new if practised(e)]
    asked_first = f"; practised in code, so asked first: {names(first)}" if first else ""
    click.echo(f"Never drilled: {len(stats.new)}{asked_first}")
    click.echo(f"Weak (last graded again or hard): {len(stats.weak)}")
    for entry, card in stats.weak:
        click.echo(f"  Q{entry.number}. {entry.question} ({card.last_grade}, {card.reviews} review(s))")
    if stats.upcoming:
        click.echo("Coming back:")
        for entry, card in stats.upcoming[:10]:
            click.echo(f"  {card.due:%Y-%m-%d %H:%M} UTC  Q{entry.number}. {entry.question}")
