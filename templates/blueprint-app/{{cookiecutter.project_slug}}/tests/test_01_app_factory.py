"""Exercise 1 (app-factory): the application factory, configuration classes, extensions, blueprints."""

import pytest
from conftest import RateLimitedConfig

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import DevelopmentConfig, TestingConfig

pytestmark = pytest.mark.exercise("app-factory")


def test_a_configuration_class_is_loaded():
    app = create_app(TestingConfig)
    assert app.testing, "create_app(TestingConfig) should load that class: TESTING should be True"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://", (
        "create_app(TestingConfig) should use the testing database URI, sqlite://"
    )


def test_a_configuration_can_be_named():
    app = create_app("testing")
    assert app.testing, "create_app('testing') should load TestingConfig"


def test_the_environment_variable_chooses_the_configuration(monkeypatch):
    monkeypatch.setenv("APP_CONFIG", "testing")
    assert create_app().testing, "with APP_CONFIG=testing, create_app() should load TestingConfig"


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("APP_CONFIG", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    # Chosen by the environment (no configuration given in code), development needs a real key too.
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-development-secret")
    app = create_app()
    assert not app.testing, "without APP_CONFIG, create_app() should load DevelopmentConfig, not testing"
    assert app.config["MAIL_PRINT"] is DevelopmentConfig.MAIL_PRINT is True, (
        "without APP_CONFIG, create_app() should load DevelopmentConfig"
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"), (
        "in development the database should default to a SQLite file in the instance folder"
    )


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(ValueError):
        create_app("staging")


def test_environment_variables_override_the_class(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FLASK_POSTS_PER_PAGE", "3")
    app = create_app("development")
    assert app.config["POSTS_PER_PAGE"] == 3, (
        "outside testing, FLASK_* environment variables should override the class (app.config.from_prefixed_env())"
    )


def test_each_call_builds_a_new_app():
    assert create_app(TestingConfig) is not create_app(TestingConfig), "every call should build a new Flask app"


def test_every_extension_is_bound():
    app = create_app(TestingConfig)
    for name in ("sqlalchemy", "migrate", "mail", "csrf"):
        assert name in app.extensions, f"the factory should bind the {name!r} extension with init_app(app)"
    assert hasattr(app, "login_manager"), "the factory should bind Flask-Login: login_manager.init_app(app)"
    limited = create_app(RateLimitedConfig)
    assert "limiter" in limited.extensions, (
        "the factory should bind Flask-Limiter: limiter.init_app(app) (with RATELIMIT_ENABLED on, as outside tests)"
    )


@pytest.mark.parametrize(("name", "prefix"), [("auth", "/auth"), ("blog", "/blog"), ("api", "/api")])
def test_every_blueprint_is_registered(name, prefix):
    app = create_app(TestingConfig)
    assert name in app.blueprints, f"the factory should register the {name!r} blueprint"
    rules = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(name + ".")]
    assert rules and all(rule.startswith(prefix) for rule in rules), (
        f"the routes of the {name!r} blueprint should all start with {prefix}"
    )


def test_the_home_page_redirects_to_the_blog():
    response = create_app(TestingConfig).test_client().get("/")
    assert response.headers.get("Location") == "/blog/", "GET / should redirect to the blog, /blog/"
