"""Exercise 10 (password-reset): a signed, expiring token sent by mail (Flask-Mail's outbox)."""

import base64
import logging
import re
import smtplib
import threading

import pytest
from conftest import PASSWORD, AuthActions, csrf_token_in, make_app

from {{ cookiecutter.project_slug }}.config import TestingConfig
from {{ cookiecutter.project_slug }}.extensions import db, mail
from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("password-reset")

NEW_PASSWORD = "a brand new password"


def reset_link(app, client, email="alice@example.com"):
    """Ask for a reset and return the path of the link in the mail."""
    with mail.record_messages() as outbox:
        client.post("/auth/reset", data={"email": email})
    assert len(outbox) == 1, "asking for a reset with a registered address should send exactly one mail"
    match = re.search(r"http://localhost(/auth/reset/\S+)", outbox[0].body)
    assert match, "the mail body should contain the full reset link, http://localhost/auth/reset/<token>"
    return match.group(1)


def test_the_request_form(client):
    response = client.get("/auth/reset")
    assert response.status_code == 200 and 'name="email"' in response.text, "GET /auth/reset should show the form"


def test_a_registered_address_gets_a_mail(app, client, auth):
    auth.create_user("alice")
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset", data={"email": "ALICE@example.com"})
    assert response.headers.get("Location") == "/auth/login", "after asking for a reset, redirect to /auth/login"
    assert len(outbox) == 1, "one mail should be sent (recorded by Flask-Mail, never really sent in tests)"
    message = outbox[0]
    assert message.recipients == ["alice@example.com"], "the mail should go to the user's address"
    assert message.subject == "Reset your password", "the subject should be 'Reset your password'"
    text = client.get("/auth/login").text
    assert "If that address is registered, a reset link is on its way." in text, "flash the neutral message"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset", data={"email": "nobody@example.com"})
    assert outbox == [], "no mail should be sent to an address nobody registered"
    assert response.headers.get("Location") == "/auth/login", "the answer should not reveal who is registered"


def test_the_link_lets_the_user_choose_a_new_password(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    assert client.get(link).status_code == 200, "the reset link should show the new-password form"
    response = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.headers.get("Location") == "/auth/login", "after a reset, redirect to /auth/login"
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.check_password(NEW_PASSWORD), "the new password should be saved (as a hash)"
    assert auth.login("alice", NEW_PASSWORD).headers.get("Location") == "/blog/", "the new password should work"


def test_a_link_works_only_once(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = client.get(link)
    assert response.headers.get("Location") == "/auth/reset", "a used link should be refused (redirect to /auth/reset)"


def test_a_tampered_token_is_refused(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    response = client.get(link[:-2] + ("xx" if not link.endswith("xx") else "yy"))
    assert response.headers.get("Location") == "/auth/reset", "a tampered token should be refused"
    assert "That reset link is invalid or has expired." in client.get("/auth/reset").text, "say the link is invalid"


def test_an_expired_token_is_refused(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    assert client.get(link).headers.get("Location") == "/auth/reset", (
        "a token older than RESET_TOKEN_MAX_AGE seconds should be refused"
    )


def test_a_token_signed_with_another_key_is_refused(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    app.config["SECRET_KEY"] = "another key"
    assert client.get(link).headers.get("Location") == "/auth/reset", "the token must be signed with SECRET_KEY"


def test_mismatched_passwords_answer_400(app, client, auth):
    auth.create_user("alice")
    link = reset_link(app, client)
    response = client.post(link, data={"password": NEW_PASSWORD, "password2": "different"})
    assert response.status_code == 400 and "Passwords must match." in response.text, "mismatched passwords: 400"


def test_the_forms_work_with_csrf_on(csrf_app):
    client = csrf_app.test_client()
    AuthActions(csrf_app, client).create_user("alice")
    token = csrf_token_in(client.get("/auth/reset").text)
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset", data={"email": "alice@example.com", "csrf_token": token})
    assert response.headers.get("Location") == "/auth/login" and len(outbox) == 1, "the request form should work"
    link = re.search(r"http://localhost(/auth/reset/\S+)", outbox[0].body).group(1)
    token = csrf_token_in(client.get(link).text)
    data = {"password": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrf_token": token}
    assert client.post(link, data=data).headers.get("Location") == "/auth/login", "the new-password form should work"
    assert PASSWORD != NEW_PASSWORD


class PublicSiteConfig(TestingConfig):
    """The testing configuration of a site published at https://blog.example.com, no host list given."""

    EXTERNAL_URL = "https://blog.example.com"
    TRUSTED_HOSTS = None


class BehindOneProxyConfig(PublicSiteConfig):
    PROXY_COUNT = 1


def mails_after_reset_request(app, **request_options):
    """Ask for alice's reset on a fresh client of `app`; return (response, list of mails)."""
    client = app.test_client()
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset", data={"email": "alice@example.com"}, **request_options)
    return response, outbox


def test_a_foreign_host_header_is_refused():
    app = make_app(PublicSiteConfig)
    AuthActions(app, app.test_client()).create_user("alice")
    assert app.config["TRUSTED_HOSTS"] == ["blog.example.com"], (
        "with no TRUSTED_HOSTS set, the trusted host should be the host of EXTERNAL_URL"
    )
    response, outbox = mails_after_reset_request(app, headers={"Host": "evil.example"})
    assert response.status_code == 400, "a request with Host: evil.example should answer 400 (not a trusted host)"
    assert outbox == [], "no mail should be sent for a request to a foreign host"
    response, outbox = mails_after_reset_request(app, base_url="https://blog.example.com")
    assert response.status_code == 302 and len(outbox) == 1, "a reset asked on the site's own host should send a mail"


def test_reset_links_come_from_external_url_not_from_the_host_header():
    app = make_app(PublicSiteConfig)
    AuthActions(app, app.test_client()).create_user("alice")
    app.config["TRUSTED_HOSTS"] = None  # as if the host check were forgotten: the link must still be right
    response, outbox = mails_after_reset_request(app, headers={"Host": "evil.example"})
    assert len(outbox) == 1, "a registered address should get one mail"
    assert "evil.example" not in outbox[0].body, "the link in the mail must never use the request's Host header"
    assert "https://blog.example.com/auth/reset/" in outbox[0].body, (
        "the link in the mail should start with EXTERNAL_URL: https://blog.example.com/auth/reset/<token>"
    )


def test_forwarded_headers_are_trusted_only_behind_a_proxy():
    direct = make_app(PublicSiteConfig).test_client()
    forged = {"Host": "blog.example.com", "X-Forwarded-Host": "evil.example"}
    assert direct.get("/auth/reset", headers=forged).status_code == 200, (
        "with PROXY_COUNT = 0, X-Forwarded-Host is an ordinary header a client can send: ignore it"
    )
    proxied = make_app(BehindOneProxyConfig).test_client()
    from_proxy = {"Host": "app:8000", "X-Forwarded-Host": "blog.example.com", "X-Forwarded-Proto": "https"}
    assert proxied.get("/auth/reset", headers=from_proxy).status_code == 200, (
        "with PROXY_COUNT = 1 (ProxyFix), the host the proxy forwards, blog.example.com, is the request's host"
    )
    assert proxied.get("/auth/reset", headers=forged).status_code == 400, (
        "with PROXY_COUNT = 1, a forwarded host that is not trusted answers 400"
    )


def test_a_reset_ends_every_earlier_session_remember_cookie_and_api_token(app, client, auth):
    auth.create_user("alice")
    thief = app.test_client()
    AuthActions(app, thief).login("alice", remember=True)
    session, remember = thief.get_cookie("session").value, thief.get_cookie("remember_token").value
    basic = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    token = thief.post("/api/tokens", headers={"Authorization": basic}).json["token"]
    assert thief.get("/api/posts", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    link = reset_link(app, client)
    client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})

    for name, value in [("session", session), ("remember_token", remember)]:
        browser = app.test_client()
        browser.set_cookie(name, value)
        assert "Log out" not in browser.get("/auth/login").text, (
            f"after a password reset, a {name} cookie from before it must not log in any more: add one to the "
            "user's session_version (load_user in models.py, exercise 5, refuses a cookie with an older one)"
        )
    answer = app.test_client().get("/api/posts", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, "after a password reset, the user's API tokens from before it must stop working"


class RealMailConfig(TestingConfig):
    """Mail really sent (to a server that the test makes unreachable)."""

    MAIL_SUPPRESS_SEND = False
    MAIL_SERVER = "127.0.0.1"


def error_logged(app):
    """An event that is set when `app` logs an error, from any thread (mail is sent in the background)."""
    logged = threading.Event()

    class Handler(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR and record.exc_info:
                logged.set()

    app.logger.addHandler(Handler())
    return logged


def test_an_unreachable_mail_server_changes_nothing_in_the_answer(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    app = make_app(RealMailConfig)
    failed = error_logged(app)
    client = app.test_client()
    AuthActions(app, client).create_user("alice")
    known = client.post("/auth/reset", data={"email": "alice@example.com"})
    unknown = client.post("/auth/reset", data={"email": "nobody@example.com"})
    assert (known.status_code, known.headers.get("Location")) == (302, "/auth/login"), (
        "when the mail cannot be sent, a registered address should still get the redirect to /auth/login, not a 500"
    )
    assert (unknown.status_code, unknown.headers.get("Location")) == (302, "/auth/login"), (
        "an unknown address should get the same redirect"
    )
    # wall-clock: a net for a failure that is never logged (it comes at once, from the mail's thread).
    assert failed.wait(60), "the failure should be logged as an error with its traceback (app.logger.exception)"


def test_a_mail_server_that_never_answers_holds_up_no_answer(monkeypatch):
    request_thread = threading.get_ident()  # the test client answers the request on this thread
    attempts = []  # (thread, timeout) of each connection to the mail server
    release = threading.Event()

    def never_answers(host, port, timeout=None, **kwargs):
        attempts.append((threading.get_ident(), timeout))
        if threading.get_ident() != request_thread:
            release.wait(60)  # wall-clock: a net in case the test stops before releasing it
        raise TimeoutError("the mail server accepted the connection and never answered")

    monkeypatch.setattr(smtplib, "SMTP", never_answers)
    app = make_app(RealMailConfig)
    failed = error_logged(app)
    client = app.test_client()
    AuthActions(app, client).create_user("alice")
    try:
        known = client.post("/auth/reset", data={"email": "alice@example.com"})
        unknown = client.post("/auth/reset", data={"email": "nobody@example.com"})
        waited = [timeout for thread, timeout in attempts if thread == request_thread]
    finally:
        release.set()
    assert not waited, (
        "the answer to a reset for a registered address waited for the mail server: one that accepts the "
        "connection and never replies would hold that answer (and a server worker) while an unknown address is "
        "answered at once. Send with the project's `mail` (extensions.py), which sends in the background"
    )
    answers = [(response.status_code, response.headers.get("Location")) for response in (known, unknown)]
    assert answers == [(302, "/auth/login")] * 2, (
        f"a registered and an unknown address should get the same redirect to /auth/login (got {answers})"
    )
    failed.wait(60)  # wall-clock: a net for a failure that is never logged; it comes once released
    assert len(attempts) == 1, f"the mail should be tried exactly once (tried {len(attempts)} times)"
    assert attempts[0][1] == app.config["MAIL_TIMEOUT"], (
        f"the connection to the mail server should give up after MAIL_TIMEOUT seconds (timeout={attempts[0][1]!r})"
    )
    assert failed.is_set(), "the failure should be logged at ERROR with its traceback"
