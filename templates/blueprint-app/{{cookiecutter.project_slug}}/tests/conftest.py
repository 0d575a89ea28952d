"""Fixtures shared by every test: a fresh app and database per test, and an auth helper."""

import logging
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import TestingConfig
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Post, User, post_tags, tags_named

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_in(html: str) -> str:
    """The hidden csrf_token value of the first form on a page."""
    match = CSRF_FIELD.search(html)
    assert match, "the page should contain a form with a hidden csrf_token field (form.hidden_tag() renders it)"
    return match.group(1)


class CsrfTestingConfig(TestingConfig):
    """The testing configuration with CSRF protection on, as in production."""

    WTF_CSRF_ENABLED = True


class RateLimitedConfig(TestingConfig):
    """Rate limits on (the testing configuration turns them off), with a low limit to reach."""

    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per day"


def make_app(config=TestingConfig):
    """Build an app with a testing configuration and an empty database.

    The tests build the schema from the models with create_all(), which is
    quicker than running the migrations for every test; test_11_migrations.py
    checks that the migrations build the same schema.
    """
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def file_database_app(tmp_path, config=TestingConfig):
    """An app like make_app()'s, but on a SQLite file: another connection can then commit beside the request's."""

    class FileDatabaseConfig(config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'race.sqlite'}"

    return make_app(FileDatabaseConfig)


@contextmanager
def row_committed_after_first_check(app, table, **values):
    """Lose a race on purpose: another connection inserts a row with `values` into `table` and commits
    it, as a concurrent request would, right after the app first reads `table` (between a view's
    "does it exist yet?" check and its insert) or, for an app that does not read first, just before
    its own insert. Only a unique constraint can catch that. The list it gives holds True once the
    other row was committed."""
    fired = []

    def commit_the_other_row():
        fired.append(True)
        with db.engine.connect() as other:
            other.execute(table.insert().values(**values))
            other.commit()

    def after_first_read(state):
        if fired or not state.is_select or table not in state.statement.get_final_froms():
            return None
        result = state.invoke_statement().freeze()
        commit_the_other_row()
        return result()

    def before_first_insert(conn, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        if not fired and context.isinsert and compiled is not None and compiled.statement.table is table:
            commit_the_other_row()

    with app.app_context():
        engine = db.engine
    event.listen(Session, "do_orm_execute", after_first_read)
    event.listen(engine, "before_cursor_execute", before_first_insert)
    try:
        yield fired
    finally:
        event.remove(Session, "do_orm_execute", after_first_read)
        event.remove(engine, "before_cursor_execute", before_first_insert)
        with app.app_context():
            db.engine.dispose()


@contextmanager
def committed_before_saving(app, *statements):
    """Run `statements` on a second connection and commit them just before the app first changes a row.

    That is what happens when another request changes or deletes the same rows
    between a view loading them and saving its own changes. The list it gives
    holds True once the statements were committed that way.
    """
    with app.app_context():
        engine = db.engine
    committed = []

    def commit_first(conn, cursor, statement, parameters, context, executemany):
        if committed or not statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            return
        committed.append(True)
        with engine.connect() as other:
            for other_statement in statements:
                other.execute(other_statement)
            other.commit()

    event.listen(engine, "before_cursor_execute", commit_first)
    try:
        yield committed
    finally:
        event.remove(engine, "before_cursor_execute", commit_first)


def deleted_before_saving(app, post_id):
    """Delete the post (and its tag rows) from a second connection just before the app first changes a row."""
    return committed_before_saving(
        app, post_tags.delete().where(post_tags.c.post_id == post_id), db.delete(Post).where(Post.id == post_id)
    )


@pytest.fixture(autouse=True)
def _restore_app_logger():
    """Undo the production logging set up by tests that build a production app (the logger is shared)."""
    logger = logging.getLogger("{{ cookiecutter.project_slug }}")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


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
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app():
    """An app with CSRF protection on."""
    return make_app(CsrfTestingConfig)


class AuthActions:
    """Create users and log a test client in and out."""

    def __init__(self, app, client):
        self._app = app
        self._client = client

    def create_user(self, username="alice", password=PASSWORD, email=None, is_admin=False) -> int:
        """Save a user directly in the database (no form) and return its id."""
        with self._app.app_context():
            user = User(username=username, email=email or f"{username}@example.com", is_admin=is_admin)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return user.id

    def register(self, username="alice", password=PASSWORD, email=None):
        """Sign up through the registration form."""
        data = {
            "username": username,
            "email": email or f"{username}@example.com",
            "password": password,
            "password2": password,
        }
        return self._client.post("/auth/register", data=data)

    def login(self, username="alice", password=PASSWORD, remember=False, next=None):
        """Log in through the login form."""
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "y"
        url = "/auth/login" if next is None else f"/auth/login?next={next}"
        return self._client.post(url, data=data)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


def save_post(app, author_id, title="A post", body="Some text.", tags=()) -> int:
    """Save a post directly in the database of `app` and return its id."""
    with app.app_context():
        post = Post(title=title, body=body, author_id=author_id, tags=tags_named(list(tags)))
        db.session.add(post)
        db.session.commit()
        return post.id


@pytest.fixture
def add_post(app):
    """Save a post directly in the database and return its id: add_post(author_id, title=..., tags=[...])."""

    def add(author_id, title="A post", body="Some text.", tags=()):
        return save_post(app, author_id, title, body, tags)

    return add


@pytest.fixture
def get_post(app):
    """Read a post back from the database as (title, body), or None when it does not exist."""

    def get(post_id):
        with app.app_context():
            post = db.session.get(Post, post_id)
            return None if post is None else (post.title, post.body)

    return get


def probe_app():
    """The app for scaffolder's route probe: CSRF on, a user, an admin and a post."""
    app = make_app(CsrfTestingConfig)
    with app.app_context():
        author = User(username="alice", email="alice@example.com")
        author.set_password(PASSWORD)
        admin = User(username="admin", email="admin@example.com", is_admin=True)
        admin.set_password(PASSWORD)
        db.session.add_all([author, admin])
        db.session.flush()
        db.session.add(Post(title="Hello", body="First post", author_id=author.id, tags=tags_named(["flask"])))
        db.session.commit()
    return app


def probe_login(client):
    """Log the probe's client in as the post's author, through the real login form."""
    token = csrf_token_in(client.get("/auth/login").text)
    client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
