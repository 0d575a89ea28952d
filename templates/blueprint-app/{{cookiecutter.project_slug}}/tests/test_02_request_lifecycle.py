"""Exercise 2 (request-lifecycle): before_request, after_request, teardown_appcontext and g."""

import logging
import re

import pytest
from flask import g

pytestmark = pytest.mark.exercise("request-lifecycle")


def test_every_response_has_a_request_id(client):
    first = client.get("/").headers.get("X-Request-ID", "")
    second = client.get("/no-such-page").headers.get("X-Request-ID", "")
    assert re.fullmatch(r"[0-9a-f]{32}", first), (
        "every response should carry an X-Request-ID header: 32 hex digits (uuid4().hex) when none was sent"
    )
    assert re.fullmatch(r"[0-9a-f]{32}", second), "error responses (404) should carry an X-Request-ID too"
    assert first != second, "each request should get its own id"


def test_a_valid_incoming_request_id_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "proxy-42-abc"})
    assert response.headers.get("X-Request-ID") == "proxy-42-abc", (
        "an incoming X-Request-ID made of letters, digits and dashes (at most 64) should be reused"
    )


@pytest.mark.parametrize("bad", ["has spaces", "x" * 65, "semi;colon", "<script>"])
def test_an_invalid_incoming_request_id_is_replaced(client, bad):
    response = client.get("/", headers={"X-Request-ID": bad})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers.get("X-Request-ID", "")), (
        f"an incoming X-Request-ID {bad!r} is not a plain id: replace it with a new one"
    )


def test_views_can_read_the_id_from_g(app):
    app.add_url_rule("/whoami", "whoami", lambda: {"id": g.request_id})
    response = app.test_client().get("/whoami", headers={"X-Request-ID": "abc-1"})
    assert response.json == {"id": "abc-1"}, "before_request should store the id in g.request_id"


def test_teardown_logs_every_request_even_after_an_error(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/", headers={"X-Request-ID": "first-1"})
    client.get("/no-such-page", headers={"X-Request-ID": "second-2"})
    messages = [record.getMessage() for record in caplog.records]
    for request_id in ("first-1", "second-2"):
        assert any(message.startswith(f"request {request_id} finished in ") for message in messages), (
            f"teardown_appcontext should log 'request {request_id} finished in ... ms' at DEBUG level"
        )


def test_an_app_context_without_a_request_logs_nothing(app, caplog):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        pass
    assert not [r for r in caplog.records if "finished in" in r.getMessage()], (
        "an app context pushed without a request (a CLI command) has no request id: log nothing"
    )


def test_security_headers_are_still_there(client):
    response = client.get("/")
    assert response.headers.get("X-Content-Type-Options") == "nosniff", "keep the given security headers hook"
