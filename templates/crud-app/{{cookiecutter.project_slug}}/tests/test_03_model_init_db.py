"""Exercise 3 (model-init-db): the Task model and the init-db command."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, inspect

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Task

pytestmark = pytest.mark.exercise("model-init-db")


def test_task_has_the_expected_columns():
    columns = set(Task.__table__.columns.keys())
    for name in ("id", "title", "description", "done", "created"):
        assert name in columns, f"the Task model should have a '{name}' column"


def test_new_task_gets_defaults(app):
    with app.app_context():
        task = Task(title="Water the plants")
        db.session.add(task)
        db.session.commit()
        assert task.done is False, "a new task should not be done (default=False)"
        assert task.description == "", "a new task without description should have description ''"
        assert isinstance(task.created, datetime), "a new task should get its 'created' time automatically"


def test_created_is_the_time_the_task_was_saved(app):
    with app.app_context():
        before = datetime.now(timezone.utc)
        task = Task(title="Feed the cat")
        db.session.add(task)
        db.session.commit()
        after = datetime.now(timezone.utc)
        created = task.created
    assert isinstance(created, datetime), "a new task should get its 'created' time automatically"
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)  # SQLite keeps no time zone: the time is UTC
    assert before <= created <= after, (
        f"a new task's 'created' should be the UTC time it was saved, between {before} and {after}, "
        f"not {created}: a default computed once, when the module was imported, gives every task the same old time"
    )


def run_init_db(app, runner):
    """Run `flask init-db` as the `flask` command does: inside the app's application context.

    `flask` pushes the context before it runs a command registered on `app.cli`;
    the test runner does not, so the test does it here.
    """
    with app.app_context():
        return runner.invoke(args=["init-db"])


def test_init_db_command_creates_the_tables(app, runner):
    with app.app_context():
        db.drop_all()
    result = run_init_db(app, runner)
    assert result.exit_code == 0, f"flask init-db should succeed, it failed with: {result.output}{result.exception!r}"
    assert "Initialized the database" in result.output, "flask init-db should print 'Initialized the database'"
    with app.app_context():
        assert inspect(db.engine).has_table("task"), "flask init-db should create the 'task' table"


def test_init_db_command_clears_existing_tasks(app, runner, add_task):
    add_task("Old task")
    result = run_init_db(app, runner)
    assert result.exit_code == 0, f"flask init-db should succeed, it failed with: {result.output}{result.exception!r}"
    with app.app_context():
        count = db.session.scalar(db.select(func.count()).select_from(Task))
    assert count == 0, "flask init-db should drop the old tables and start with no tasks"
