"""Exercise 5 (login-logout): Flask-Login, remember me, and a safe ?next= redirect."""

import pytest
from conftest import PASSWORD, AuthActions, RateLimitedConfig, csrf_token_in, make_app

from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("login-logout")


def logged_in_user(client):
    """The id Flask-Login keeps in the session, or None."""
    with client.session_transaction() as session:
        return session.get("_user_id")


def flashed(client):
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def test_the_login_form(client):
    response = client.get("/auth/login")
    assert response.status_code == 200, "GET /auth/login should show the form"
    for name in ("username", "password", "remember"):
        assert f'name="{name}"' in response.text, f"the login form should have a {name!r} field"


def test_logging_in_redirects_to_the_blog(client, auth):
    auth.create_user("alice")
    response = auth.login("alice")
    assert response.headers.get("Location") == "/blog/", "a successful login should redirect to /blog/"
    assert "Welcome back, alice." in flashed(client), "a successful login should flash 'Welcome back, alice.'"
    assert (logged_in_user(client) or "").partition(":")[0] == "1", (
        "login_user() should keep alice's id in the session (User.get_id(): '<id>:<session version>')"
    )
    assert "Log out" in client.get("/auth/login").text, "once logged in, pages should show the 'Log out' button"


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_refused_with_one_message(client, auth, username, password):
    auth.create_user("alice")
    response = auth.login(username, password)
    assert response.status_code == 401, "a wrong username or password should answer 401 with the form"
    assert "Invalid username or password." in response.text, (
        "the page should say 'Invalid username or password.' (the same for both cases)"
    )
    assert logged_in_user(client) is None, "nobody should be logged in after a failed login"


def test_an_empty_form_answers_400(client):
    assert client.post("/auth/login", data={}).status_code == 400, "a login form without fields should answer 400"


def test_a_local_next_is_followed(client, auth):
    auth.create_user("alice")
    response = auth.login("alice", next="/blog/new")
    assert response.headers.get("Location") == "/blog/new", "after login, a ?next= path on this site is followed"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example",
        "////evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_a_foreign_next_is_not_followed(client, auth, target):
    auth.create_user("alice")
    response = auth.login("alice", next=target)
    assert response.headers.get("Location") == "/blog/", (
        f"?next={target} leads off the site: after login, go to /blog/ instead"
    )


def test_remember_me_sets_a_cookie(client, auth):
    auth.create_user("alice")
    auth.login("alice", remember=True)
    assert client.get_cookie("remember_token") is not None, "'Remember me' should set Flask-Login's remember_token"


def test_without_remember_me_there_is_no_remember_cookie(client, auth):
    auth.create_user("alice")
    auth.login("alice")
    assert client.get_cookie("remember_token") is None, "without 'Remember me' there should be no remember_token"


def test_logout(client, auth):
    auth.create_user("alice")
    auth.login("alice")
    response = auth.logout()
    assert response.headers.get("Location") == "/blog/", "POST /auth/logout should redirect to /blog/"
    assert "You are logged out." in flashed(client), "logging out should flash 'You are logged out.'"
    assert logged_in_user(client) is None, "after logging out, the user should be anonymous"


def test_logout_is_post_only(client, auth):
    auth.create_user("alice")
    auth.login("alice")
    response = client.get("/auth/logout")
    assert response.status_code == 405, "GET /auth/logout should answer 405: logging out is a POST"
    assert "POST" in response.headers.get("Allow", ""), "the 405 should say Allow: POST"


def test_login_works_with_csrf_on(csrf_app):
    client = csrf_app.test_client()
    AuthActions(csrf_app, client).create_user("alice")
    token = csrf_token_in(client.get("/auth/login").text)
    response = client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.headers.get("Location") == "/blog/", (
        "the page's own form, with its csrf_token, should log the user in"
    )
    page = client.get("/auth/login")
    logout_token = csrf_token_in(page.text)
    response = client.post("/auth/logout", data={"csrf_token": logout_token})
    assert response.headers.get("Location") == "/blog/", "the page's logout form, with its csrf_token, should work"


def test_the_session_keeps_the_id_and_the_session_version(app, client, auth):
    auth.create_user("alice")
    auth.login("alice")
    assert logged_in_user(client) == "1:0", "a new user's get_id() should be '<id>:<session_version>', here '1:0'"


def cookie_value(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, f"after logging in with 'Remember me' there should be a {name} cookie"
    return cookie.value


def logged_in_with(app, name, value):
    """Whether a fresh browser holding only this cookie is logged in (its pages show the 'Log out' button)."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return "Log out" in browser.get("/auth/login").text


def test_logging_out_ends_copies_of_the_session_and_remember_cookies(app, client, auth):
    auth.create_user("alice")
    auth.login("alice", remember=True)
    session, remember = cookie_value(client, "session"), cookie_value(client, "remember_token")
    assert logged_in_with(app, "session", session), "a copy of the session cookie logs in before logout"
    assert logged_in_with(app, "remember_token", remember), "a copy of the remember cookie logs in before logout"
    auth.logout()
    assert not logged_in_with(app, "session", session), (
        "after logout, an old copy of the session cookie must not log in any more (raise the session version)"
    )
    assert not logged_in_with(app, "remember_token", remember), (
        "after logout, an old remember_token cookie must not log in any more (raise the session version)"
    )
    assert auth.login("alice").headers.get("Location") == "/blog/", "logging in again works after a logout"


@pytest.mark.parametrize("typed", ["ALICE", " Alice ", "\uff41lice"])
def test_login_normalises_the_username_like_registration(client, auth, typed):
    auth.create_user("alice")
    response = auth.login(typed)
    assert response.headers.get("Location") == "/blog/", (
        f"logging in as {typed!r} should find alice: the login form normalises the name (NFKC, casefold) as "
        "registration does"
    )


@pytest.fixture
def password_checks(monkeypatch):
    """A list that gets one entry per call of User.check_password."""
    calls = []
    check = User.check_password

    def counted(self, password):
        calls.append(self.username)
        return check(self, password)

    monkeypatch.setattr(User, "check_password", counted)
    return calls


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", PASSWORD), ("alice", "wrong password"), ("alice", PASSWORD)]
)
def test_every_login_checks_one_password_hash(client, auth, password_checks, username, password):
    auth.create_user("alice")
    auth.login(username, password)
    assert len(password_checks) == 1, (
        f"logging in as {username!r} should check a password hash exactly once (User.check_password), an unknown "
        "user too: a login that skips the slow check for unknown users answers faster and so tells which usernames "
        "exist. Use authenticate() from models.py, which checks through exercise 3's User.check_password."
    )


def test_login_attempts_are_rate_limited():
    app = make_app(RateLimitedConfig)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create_user("alice")
    answers = [auth.login("alice", "wrong password").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429], (
        "with LOGIN_RATE_LIMIT = '3 per day', the 4th login attempt from one address should answer "
        f"429 Too Many Requests (got {answers})"
    )
    assert auth.login("alice").status_code == 429, "over the limit even the right password is refused"
    assert client.get("/auth/login").status_code == 200, "the limit counts only POSTs: the page still shows"
