"""Exercise 11 (hardening): security headers on every response, and no public secret key."""

import pytest

from {{ cookiecutter.project_slug }} import create_app

pytestmark = pytest.mark.exercise("hardening")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/tasks/", "/health", "/no/such/page", "/api/tasks/999"])
def test_every_response_has_the_security_headers(client, url):
    response = client.get(url)
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (
            f"GET {url} ({response.status_code}) should have the header {name}: {value} "
            "(set it in set_security_headers, an after_request hook)"
        )


def test_the_session_cookie_is_same_site_and_http_only(client):
    client.post("/tasks/new", data={"title": "Flash me"})
    cookie = client.get_cookie("session")
    assert cookie is not None, "creating a task flashes a message, which sets the session cookie"
    assert cookie.http_only and cookie.same_site == "Lax", "the session cookie should be HttpOnly and SameSite=Lax"


@pytest.fixture
def production(monkeypatch):
    """The environment of a production server: no debug, no testing, no key yet."""
    for name in ("FLASK_DEBUG", "FLASK_TESTING", "FLASK_SECRET_KEY", "FLASK_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# What these tests take from exercise 1's factory, named when a refusal is missing.
FACTORY = "{{ cookiecutter.project_slug }}/__init__.py"
DEFAULT_KEY = f"exercise 1's factory ({FACTORY}) sets the default SECRET_KEY to exactly 'dev'"
JSON_VALUES = f"exercise 1's factory ({FACTORY}) reads FLASK_* values as JSON"


def refusal(what, earlier=""):
    """The RuntimeError create_app() raises in production, or a failure saying it did not.

    `earlier` names what the refusal also relies on from exercise 1, for the learner to check there.
    """
    try:
        create_app()
    except RuntimeError as error:
        return error
    also = f" (check that {earlier})" if earlier else ""
    pytest.fail(
        f"create_app() without a test or development configuration, with {what}, should raise RuntimeError{also}"
    )


def test_production_refuses_the_development_key(production):
    refused = refusal("the development key 'dev'", DEFAULT_KEY)
    assert "FLASK_SECRET_KEY" in str(refused), "the RuntimeError should say how to set a key, naming FLASK_SECRET_KEY"


def test_production_refuses_a_key_that_is_not_text(production):
    # FLASK_* variables are read as JSON, so FLASK_SECRET_KEY=12345 gives the number 12345.
    production.setenv("FLASK_SECRET_KEY", "12345")
    refusal("FLASK_SECRET_KEY=12345 (read as the number 12345, not a string)", JSON_VALUES)


@pytest.mark.parametrize("blank", ["", "   "], ids=["empty", "spaces"])
def test_production_refuses_a_blank_key(production, blank):
    production.setenv("FLASK_SECRET_KEY", blank)
    refused = refusal(f"FLASK_SECRET_KEY={blank!r} (a blank key)")
    assert "FLASK_SECRET_KEY" in str(refused), "the RuntimeError should say how to set a key, naming FLASK_SECRET_KEY"


def test_flask_debug_in_the_environment_does_not_allow_the_development_key(production):
    # A server that carries FLASK_DEBUG=1 by mistake is still a production server.
    production.setenv("FLASK_DEBUG", "1")
    refusal("the development key 'dev' and FLASK_DEBUG=1 in the environment", DEFAULT_KEY)


def test_production_starts_with_a_real_key(production):
    production.setenv("FLASK_SECRET_KEY", "a-long-random-value-from-secrets-token-hex")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-long-random-value-from-secrets-token-hex"


def test_the_development_configuration_may_use_the_development_key(production):
    app = create_app({"DEBUG": True})
    assert app.debug, "create_app({'DEBUG': True}), the configuration of .flaskenv, should give an app in debug mode"
    assert app.config["SECRET_KEY"] == "dev", "the development configuration keeps the development key"
