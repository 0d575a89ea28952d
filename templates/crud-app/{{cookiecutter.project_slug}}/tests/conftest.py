"""Fixtures shared by every test: a fresh app and database per test."""

from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
from sqlalchemy import event
from sqlalchemy.exc import SAWarning, SQLAlchemyError

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
def csrf_app():
    """An app with CSRF protection on, as in production."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()


class _Forms(HTMLParser):
    """The POST forms of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif self.forms and attrs.get("name") and tag in ("input", "textarea"):
            if tag == "textarea":
                self._textarea = attrs["name"]
                self.forms[-1]["fields"][self._textarea] = ""
            elif attrs.get("type") != "checkbox" or "checked" in attrs:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "on")

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def submit_form(client, page_url, action=None, **values):
    """Load a page and submit its POST form (the one posting to `action`), as a browser would.

    The form's own hidden fields, the CSRF token among them, are sent along;
    `values` change or add fields.
    """
    page = client.get(page_url)
    assert page.status_code == 200, f"GET {page_url} should show the page with its form"
    parser = _Forms()
    parser.feed(page.text)
    for form in parser.forms:
        target = form["action"] or page_url
        if action is None or target == action:
            return client.post(target, data={**form["fields"], **values})
    where = f" posting to {action}" if action else ""
    raise AssertionError(f'the page {page_url} should have a <form method="post">{where}')


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def file_app(tmp_path):
    """An app whose database is a file, so that a second connection sees the same tasks."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'tasks.sqlite'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def deleted_before_saving(app, task_id) -> Iterator[list]:
    """Delete the task from a second connection just before the app first writes to the database.

    That is what happens when another request deletes the task between a view
    loading it and saving it. The list it gives holds True once the task was
    deleted that way.
    """
    with app.app_context():
        engine = db.engine
    deleted = []

    def delete_first(conn, cursor, statement, parameters, context, executemany):
        if deleted or not statement.lstrip().upper().startswith(("UPDATE", "DELETE")):
            return
        deleted.append(True)
        with engine.connect() as other:
            other.execute(db.delete(Task).where(Task.id == task_id))
            other.commit()

    event.listen(engine, "before_cursor_execute", delete_first)
    try:
        yield deleted
    finally:
        event.remove(engine, "before_cursor_execute", delete_first)


def racing_a_delete(app, method, url, **request_args):
    """Send a request that changes task 1 while another request deletes it; return the response.

    Fails when the view never writes to the database (it does not save or
    delete anything yet) or when it fails instead of answering.
    """
    client = app.test_client()
    with deleted_before_saving(app, 1) as deleted:
        try:
            response = client.open(url, method=method, **request_args)
        except (SQLAlchemyError, SAWarning) as error:
            pytest.fail(
                f"{method} {url}, while another request deletes the task, should answer 404 Not Found: "
                f"it failed with {type(error).__name__} ({error}), a 500 for the user"
            )
    assert deleted, (
        f"{method} {url} should write its change to the database (the test deletes the task from another "
        f"connection at that moment); it answered {response.status_code} without writing anything"
    )
    return response


def insert_task(app, title="A task", **fields):
    """Save a task directly in the app's database and return its id."""
    with app.app_context():
        task = Task(title=title, **fields)
        db.session.add(task)
        db.session.commit()
        return task.id


@pytest.fixture
def add_task(app):
    """Save a task directly in the database and return its id."""

    def add(title="A task", **fields):
        return insert_task(app, title, **fields)

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


def probe_app():
    """The app that scaffolder's route probe attacks: CSRF on, and two tasks to find."""
    app = make_app(WTF_CSRF_ENABLED=True)
    insert_task(app, "First task")
    insert_task(app, "Second task", done=True)
    return app
