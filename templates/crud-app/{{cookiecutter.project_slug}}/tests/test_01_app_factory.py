"""Exercise 1 (app-factory): the application factory and its configuration."""

import os
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import db

pytestmark = pytest.mark.exercise("app-factory")


@pytest.fixture(autouse=True)
def server_environment(monkeypatch):
    """Run create_app() as a server would: no FLASK_* variables but a real secret key."""
    for name in ("FLASK_DEBUG", "FLASK_TESTING", "FLASK_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-real-secret-from-the-environment")


def test_test_config_overrides_the_defaults():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.testing, "create_app({'TESTING': True}) should give an app in testing mode"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://", (
        "a value in test_config should replace the default database URI"
    )
    assert app.config["SECRET_KEY"] == "x", "a value in test_config should replace the default SECRET_KEY"


def test_without_test_config_the_app_is_not_in_testing_mode():
    app = create_app()
    assert not app.testing, "create_app() without test_config should not be in testing mode"


def test_each_call_builds_a_new_app():
    first = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first is not second, "every call of create_app() should build a new Flask app"


def test_config_is_relative_to_the_instance_folder():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config.root_path == app.instance_path, (
        "the app should be created with instance_relative_config=True, "
        "so config files are read from the instance folder"
    )
    assert os.path.isdir(app.instance_path), "create_app() should make sure the instance folder exists"


def test_a_secret_key_is_always_set(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY")
    app = create_app({"DEBUG": True})
    assert app.config.get("SECRET_KEY") == "dev", (
        "create_app() should set SECRET_KEY to exactly 'dev' by default (exercise 11 refuses that value in "
        "production), and create_app({'DEBUG': True}) keeps it"
    )
    assert app.debug and not app.testing, "create_app({'DEBUG': True}) should give an app in debug mode, not testing"


def test_environment_variables_override_the_defaults(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment", (
        "without test_config, settings from FLASK_* environment variables should override the defaults "
        "(FLASK_SECRET_KEY sets SECRET_KEY)"
    )


def test_environment_values_are_read_as_json(monkeypatch):
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "2048")
    app = create_app()
    assert app.config.get("MAX_CONTENT_LENGTH") == 2048, (
        "without test_config, FLASK_* environment variables should set the configuration with their values read "
        "as JSON: FLASK_MAX_CONTENT_LENGTH=2048 should give the number 2048"
    )


def test_default_database_lives_in_the_instance_folder():
    app = create_app()
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    assert uri.startswith("sqlite:///"), "the default SQLALCHEMY_DATABASE_URI should be a SQLite file (sqlite:///...)"
    with app.app_context():
        database = Path(db.engine.url.database)
    assert database.parent == Path(app.instance_path), (
        f"the default SQLite file should be inside the instance folder, {app.instance_path}, not at {database}"
    )
