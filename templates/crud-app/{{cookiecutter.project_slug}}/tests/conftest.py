"""Fixtures shared by every test: a fresh app and database per test."""

import pytest

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Task

TEST_CONFIG = {
    "TESTING": True,
    # An in-memory database: fast, and a new empty one for every app.
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": "test",
    # The tests post forms without a CSRF token; one test turns it back on.
    "WTF_CSRF_ENABLED": False,
}


def make_app(**overrides):
    """Build an app with the testing configuration and an empty database."""
    app = create_app({**TEST_CONFIG, **overrides})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app():
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client():
    """A client of an app with CSRF protection on, as in production."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def add_task(app):
    """Save a task directly in the database and return its id."""

    def add(title="A task", **fields):
        with app.app_context():
            task = Task(title=title, **fields)
            db.session.add(task)
            db.session.commit()
            return task.id

    return add


@pytest.fixture
def get_task(app):
    """Read a task back from the database (None when it does not exist)."""

    def get(task_id):
        with app.app_context():
            task = db.session.get(Task, task_id)
            if task is not None:
                db.session.expunge(task)
            return task

    return get
