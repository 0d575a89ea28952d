"""Exercise 12 (deployment): refusing a default secret, WSGI entry point, gunicorn, container, logging, create-admin."""

import runpy
import shlex
import sqlite3
from pathlib import Path, PurePosixPath

import pytest
from conftest import AuthActions, make_app
from flask import Flask
from markupsafe import escape
from sqlalchemy import event

from {{ cookiecutter.project_slug }} import SITE_NAME, create_app
from {{ cookiecutter.project_slug }}.config import ProductionConfig
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("deployment")

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-long-random-production-secret"


def refuses_to_start(start, case: str) -> None:
    """start() must raise a RuntimeError that names FLASK_SECRET_KEY; anything else fails in plain words."""
    try:
        start()
    except RuntimeError as error:
        assert "FLASK_SECRET_KEY" in str(error), (
            f"{case}: the RuntimeError should name FLASK_SECRET_KEY, not say {error}"
        )
        return
    pytest.fail(
        f"{case}: the app started, but it should refuse with a RuntimeError naming FLASK_SECRET_KEY "
        "(check_secret_key in {{ cookiecutter.project_slug }}/__init__.py)"
    )


@pytest.mark.parametrize("key", [None, "", "dev", 12345])
def test_production_refuses_a_missing_or_default_secret_key(monkeypatch, key):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)

    class Config(ProductionConfig):
        SECRET_KEY = key

    refuses_to_start(lambda: create_app(Config), f"a production config with the key {key!r}")


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", SECRET)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    try:
        app = create_app("production")
    except RuntimeError as error:
        pytest.fail(
            f"with FLASK_SECRET_KEY set, production should start, but create_app raised {error}: outside testing, "
            "create_app (exercise 1, {{ cookiecutter.project_slug }}/__init__.py) must read the FLASK_* environment variables"
        )
    assert app.config["SECRET_KEY"] == SECRET and not app.debug, "with FLASK_SECRET_KEY set, production should start"


@pytest.mark.parametrize("key", [None, "", "   ", "dev"])
def test_the_wsgi_app_refuses_a_public_key_even_in_debug_mode(monkeypatch, key):
    # FLASK_DEBUG=1 left on a production server must not let the public key through.
    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    if key is not None:
        monkeypatch.setenv("FLASK_SECRET_KEY", key)
    refuses_to_start(
        lambda: runpy.run_path(str(ROOT / "wsgi.py")), f"wsgi.py in production with FLASK_DEBUG=1 and the key {key!r}"
    )


def test_development_chosen_by_the_environment_refuses_the_public_key(monkeypatch):
    monkeypatch.setenv("APP_CONFIG", "development")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    refuses_to_start(create_app, "APP_CONFIG=development with FLASK_DEBUG=1 and no FLASK_SECRET_KEY")


def test_development_in_debug_mode_may_use_the_default_key(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    assert create_app("development").config["SECRET_KEY"] == "dev", "debug mode may keep the development key"


def test_the_wsgi_module_builds_the_app_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("FLASK_SECRET_KEY", SECRET)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    namespace = runpy.run_path(str(ROOT / "wsgi.py"))
    app = namespace.get("app")
    assert isinstance(app, Flask), "wsgi.py should define `app`, built with create_app()"
    assert app.config["SESSION_COOKIE_SECURE"] is True or app.config["SECRET_KEY"] == SECRET, (
        "with APP_CONFIG=production, wsgi.app should use the production configuration"
    )
    assert app.config["SECRET_KEY"] == SECRET, "wsgi.app should take its secret from the environment"


def test_the_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings.get("bind") == "0.0.0.0:9000", "gunicorn.conf.py should bind to 0.0.0.0 on the port in $PORT"
    assert settings.get("workers") == 3, "gunicorn.conf.py should take the number of workers from $WEB_CONCURRENCY"
    assert settings.get("accesslog") == "-" and settings.get("errorlog") == "-", (
        "gunicorn should log to stdout/stderr: accesslog = '-' and errorlog = '-'"
    )


def test_the_container_file():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:" in text, "the Dockerfile should start FROM an official python image"
    assert "APP_CONFIG=production" in text, "the image should set APP_CONFIG=production"
    assert "USER " in text, "the server should not run as root: add a USER line"
    assert "db upgrade" in text, "the container should run `flask db upgrade` before starting"
    assert "gunicorn" in text and "wsgi:app" in text, "the container should start gunicorn with wsgi:app"


def dockerfile_instructions():
    """(INSTRUCTION, arguments) for each instruction of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#") and " " in line]


def paths_given_to(user, command):
    """The paths a RUN command makes `user`'s: `chown user[:group] PATH...` or `install -d -o user PATH...`."""
    owned = []
    for part in command.replace("&&", ";").split(";"):
        words = shlex.split(part)
        if words[:1] == ["chown"]:
            args = [word for word in words[1:] if not word.startswith("-")]
            if args and args[0].split(":")[0] == user:
                owned += args[1:]
        elif words[:1] == ["install"] and "-d" in words and "-o" in words:
            position = words.index("-o")
            if words[position + 1] == user:
                options_with_a_value = ("-o", "-g", "-m")
                owned += [
                    word
                    for i, word in enumerate(words[1:], 1)
                    if not word.startswith("-") and words[i - 1] not in options_with_a_value
                ]
    return owned


def test_the_container_user_owns_the_instance_folder(app):
    instructions = dockerfile_instructions()
    workdir = next((PurePosixPath(args) for name, args in instructions if name == "WORKDIR"), None)
    user = next((args.split(":")[0] for name, args in instructions if name == "USER"), None)
    assert workdir is not None and user is not None, "the Dockerfile should have a WORKDIR and a USER line"
    assert Path(app.instance_path) == ROOT / "instance", (
        "the app writes to its instance folder, next to the package: instance/ at the project's root"
    )
    install = " ".join(args for name, args in instructions if name == "RUN" and "pip install" in args)
    assert " -e " in f" {install} " or "--editable" in install, (
        "install the project editable (pip install -e): a second copy in site-packages would move the instance "
        "folder to /usr/local/var, where the unprivileged user cannot create it"
    )
    owned = [workdir / path for name, args in instructions if name == "RUN" for path in paths_given_to(user, args)]
    assert workdir / "instance" in owned, (
        f"the app writes its SQLite database to {workdir / 'instance'}: create that folder owned by {user} "
        f"(RUN install -d -o {user} -g {user} {workdir / 'instance'}, or mkdir then chown), before USER {user}"
    )


def test_production_errors_are_logged_with_the_request_id(monkeypatch, capsys):
    monkeypatch.setenv("FLASK_SECRET_KEY", SECRET)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app("production")

    def broken():
        raise RuntimeError("something broke")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken", headers={"X-Request-ID": "req-1234"})
    assert response.status_code == 500, "an unhandled error should answer 500 with the error page"
    assert "something broke" not in response.text, "the 500 page must not show the exception"
    logged = capsys.readouterr().err
    assert "[req-1234]" in logged, (
        "in production, log records go to stderr with the request id in brackets, like '... ERROR [req-1234] ...'"
    )
    assert "ERROR" in logged and "something broke" in logged, "the error and its traceback should be logged"


def test_create_admin_makes_a_new_admin(app, runner):
    result = runner.invoke(args=["create-admin", "root", "Root@Example.com", "--password", "a long password"])
    assert result.exit_code == 0, f"`flask create-admin root root@example.com` should succeed: {result.output}"
    assert "Created the administrator root." in result.output, "it should print 'Created the administrator root.'"
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.is_admin and user.email == "root@example.com", "the user should be saved as an admin"
        assert user.check_password("a long password"), "the password should be set (hashed)"


def test_create_admin_promotes_an_existing_user(app, runner, auth):
    auth.create_user("alice")
    result = runner.invoke(args=["create-admin", "alice", "alice@example.com", "--password", "ignored pw"])
    assert "alice is now an administrator." in result.output, "it should print 'alice is now an administrator.'"
    with app.app_context():
        assert db.session.execute(db.select(User.is_admin)).scalar_one(), "alice should now be an admin"


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-admin", "root", "root@example.com", "--password", "short"])
    assert result.exit_code != 0, "a password shorter than 8 characters should be refused"
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None, "nothing should be saved"


def test_the_500_page_survives_a_database_error_of_a_logged_in_user():
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, instead of raising into the test

    def broken():
        db.session.add(User(username="alice", email="again@example.com", password_hash="x"))
        db.session.flush()  # alice exists: IntegrityError, and the session now needs a rollback

    app.add_url_rule("/broken", "broken", broken)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create_user("alice")
    auth.login("alice")
    response = client.get("/broken")
    assert response.status_code == 500, "a database error should answer 500"
    assert "500 Internal Server Error" in response.text and "Log out" in response.text, (
        "the app's own 500 page (with the logged-in user's menu) should be shown: the error handler must roll "
        "the database session back before the page reads current_user, or the page fails too"
    )


def test_the_500_page_survives_a_database_that_keeps_failing_for_a_logged_in_user():
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, instead of raising into the test
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create_user("alice")
    auth.login("alice")
    with app.app_context():
        engine = db.engine
    refused = []

    def locked(conn, cursor, statement, parameters, context, executemany):
        # Another process holds the database's write lock: every statement fails, the page's too.
        refused.append(statement)
        raise sqlite3.OperationalError("database is locked")

    event.listen(engine, "before_cursor_execute", locked)
    try:
        response = client.get("/blog/")
    except Exception as error:
        pytest.fail(
            f"while the database refuses every query, GET /blog/ for a logged-in user raised {error!r} out of the "
            "app: the WSGI server then sends its own bare 'Internal Server Error'. The 500 handler must still "
            "answer a page of the app's own, without the database, when its full page cannot be rendered"
        )
    finally:
        event.remove(engine, "before_cursor_execute", locked)
    assert refused, "GET /blog/ should query the database (the test makes every query fail)"
    assert response.status_code == 500, "a database that refuses every query should answer 500"
    assert "500 Internal Server Error" in response.text and escape(SITE_NAME) in response.text, (
        "the answer should be the app's own error page (its title `500 Internal Server Error` and the site's name), "
        "in a plain form that needs no database when the full page fails too"
    )
    assert response.headers.get("X-Content-Type-Options") == "nosniff", "the error page keeps the security headers"
