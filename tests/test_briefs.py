"""The brief rule (scaffolder/briefs.py): an exercise says what; code the learner could choose is in its hints."""

from __future__ import annotations

import pytest

from scaffolder.briefs import call_counts, exercise_problems, findings
from scaffolder.manifest import Exercise, Manifest
from scaffolder.templates import available_templates


def exercise(instructions: str, hints=("The idea.", "`thing(x)`"), interface=(), acceptance=("It works.",)) -> Exercise:
    return Exercise(
        number=1,
        slug="one",
        title="One",
        difficulty="easy",
        files=("pkg/app.py",),
        questions=(),
        instructions=instructions,
        acceptance=tuple(acceptance),
        hints=tuple(hints),
        interface=tuple(interface),
    )


@pytest.mark.parametrize(
    ("text", "kind", "what"),
    [
        ("Page the list with `db.paginate(query, per_page=10)`.", "call", "db.paginate(...)"),
        ("Answer 404 with `abort(404)`.", "call", "abort(...)"),
        ("Start with `from flask import g`.", "import", "from flask import g"),
        ("Protect it with `@login_required`.", "decorator", "@login_required"),
        ("Like this:\n\n```python\napp = Flask(__name__)\n```\n", "code block", "```python app = Flask(__name__) ..."),
        ("Like this:\n\n```\nreturn a + b\n```\n", "code block", "``` return a + b ..."),
    ],
)
def test_the_how_in_a_brief_is_found(text, kind, what):
    assert [(f.kind, f.what) for f in findings(text)] == [(kind, what)]


@pytest.mark.parametrize(
    "text",
    [
        "`GET /tasks?page=2` shows the second page; a missing task answers `404`.",
        'The error is JSON: `{"error": "not found", "message": "No task 7"}`.',
        "Run it:\n\n```console\n$ flask --app tasks init-db\nInitialized the database.\n```\n",
        'Send:\n\n```http\nPOST /api/tasks\nContent-Type: application/json\n\n{"title": "x"}\n```\n',
        "Write `create_app(test_config=None)`; the tests call `create_app({'TESTING': True})`.",
        "`Task(title=...)` rows have an `id`; `client.get('/')` is how the tests ask.",
    ],
)
def test_what_a_brief_may_say_is_not_flagged(text):
    assert findings(text, interface=["create_app(test_config=None) -> Flask", "Task", "client"]) == []


def test_an_exercise_that_dictates_is_named_with_the_code_and_the_way_out():
    problems = exercise_problems(exercise("Use `db.get_or_404(Task, task_id)` in `detail(task_id)`."))
    assert len(problems) == 2, problems
    assert "exercise 1 (one): its text shows the call `db.get_or_404(...)`" in problems[0]
    assert "move the how into a hint" in problems[0] and "declare it in `interface`" in problems[0]
    assert "`detail(...)`" in problems[1]
    assert exercise_problems(exercise("Write `detail(task_id)`.", interface=["detail(task_id)"])) == []


def test_a_ladder_that_starts_with_code_is_flagged():
    problems = exercise_problems(exercise("Show one task.", hints=("`db.get_or_404(Task, task_id)`", "More.")))
    assert problems == [
        "exercise 1 (one): its first hint already shows code; a ladder climbs from the idea and where to "
        "read about it, then the APIs, and shows code last"
    ]


def test_call_counts_separate_the_brief_from_the_hints():
    one = exercise(
        "Write `add(a, b)`; it must not call `sum(...)` or `print()`.",
        hints=("Think.", "`operator.add(a, b)`", "```python\nreturn add(a, b) + len(x)\n```"),
        interface=["add(a, b)"],
    )
    manifest = Manifest(name="t", title="T", summary="S", level=1, topics=("x",), exercises=(one,))
    [row] = call_counts(manifest)
    assert (row.brief, row.undeclared, row.hints) == (3, 2, 3)


@pytest.mark.parametrize("template", available_templates(), ids=lambda t: t.name)
def test_every_shipped_exercise_is_a_brief(template):
    from scaffolder.briefs import manifest_problems

    problems = manifest_problems(template.manifest())
    assert problems == [], f"{len(problems)} problems, the first: {problems[:3]}"


def test_a_plural_in_brackets_is_text_not_a_call():
    assert findings("The page says `0 task(s) found for “q”`.") == []


def test_sql_words_before_a_bracket_and_a_declared_method_named_alone_are_not_calls():
    assert findings("Rows are unique: `ON CONFLICT (order_id)` never fires twice.") == []
    assert findings("Each reject goes through `write(reject)`.", interface=["RejectWriter.write(reject)"]) == []
    assert [f.what for f in findings("Each reject goes through `write(reject)`.")] == ["write(...)"]
