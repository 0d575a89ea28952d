"""Exercise 11 (migrations): the schema comes from Flask-Migrate revisions, not create_all()."""

import sqlite3

import pytest
from flask_migrate import downgrade, upgrade

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import TestingConfig
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("migrations")


@pytest.fixture
def file_app(tmp_path):
    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'blog.sqlite'}"

    app = create_app(FileConfig)
    yield app, tmp_path / "blog.sqlite"
    with app.app_context():
        db.engine.dispose()


def columns(path, table):
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]


def test_the_user_model_has_an_about_column(app):
    assert "about" in User.__table__.columns, "User should have an `about` column"
    column = User.__table__.columns["about"]
    assert column.type.length == 500, "`about` should be a String(500)"
    assert not column.nullable, "`about` should not be nullable (Mapped[str])"
    with app.app_context():
        user = User(username="alice", email="a@example.com", password_hash="x")
        db.session.add(user)
        db.session.commit()
        assert user.about == "", "a new user's `about` should default to an empty string"


def test_upgrade_adds_the_column(file_app):
    app, path = file_app
    with app.app_context():
        upgrade()
    assert "about" in columns(path, "user"), "`flask db upgrade` should add the column `about` to the table user"


def test_upgrade_builds_exactly_the_models_schema(file_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app, _ = file_app
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], (
        f"after `flask db upgrade` the database should match the models; Alembic still sees: {differences}"
    )


def test_existing_users_get_an_empty_about(file_app):
    app, path = file_app
    with app.app_context():
        upgrade(revision="0001")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO user (username, email, password_hash, is_admin, created) "
            "VALUES ('old', 'old@example.com', 'x', 0, '2026-01-01 00:00:00')"
        )
    with app.app_context():
        upgrade()
    with sqlite3.connect(path) as connection:
        about = connection.execute("SELECT about FROM user").fetchone()
    assert about == ("",), "a user who existed before the migration should get an empty `about` (server_default)"


def test_downgrade_removes_the_column(file_app):
    app, path = file_app
    with app.app_context():
        upgrade()
        downgrade(revision="0001")
    assert "about" not in columns(path, "user"), "`flask db downgrade` should remove the column again"
    assert "username" in columns(path, "user"), "downgrading 0002 should keep the rest of the table"


def test_the_factory_does_not_create_tables(file_app):
    app, path = file_app
    app.test_client().get("/")
    assert not path.exists() or columns(path, "user") == [], (
        "create_app() should not create tables: the schema comes from `flask db upgrade`"
    )


def test_the_db_commands_are_available(runner):
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0 and "upgrade" in result.output, "`flask db` should be there (Flask-Migrate)"
