"""Exercise 8 (sessions): a feature on Flask's signed cookie session, and the cookie settings."""

import pytest

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import ProductionConfig

pytestmark = pytest.mark.exercise("sessions")


def test_viewed_posts_are_remembered_in_the_session(client, auth, add_post):
    alice = auth.create_user("alice")
    ids = [add_post(alice, title=f"Post {n}") for n in range(1, 4)]
    for post_id in ids:
        client.get(f"/blog/{post_id}")
    client.get(f"/blog/{ids[0]}")
    with client.session_transaction() as session:
        assert session.get("recent") == [ids[0], ids[2], ids[1]], (
            "the session key 'recent' should list the viewed post ids, most recent first, each once"
        )


def test_at_most_five_posts_are_remembered(client, auth, add_post):
    alice = auth.create_user("alice")
    ids = [add_post(alice, title=f"Post {n}") for n in range(1, 8)]
    for post_id in ids:
        client.get(f"/blog/{post_id}")
    with client.session_transaction() as session:
        assert session.get("recent") == ids[::-1][:5], "the session should keep only the 5 most recent ids"


def test_the_blog_pages_show_recently_viewed_posts(client, auth, add_post):
    alice = auth.create_user("alice")
    first, second = add_post(alice, title="First post"), add_post(alice, title="Second post")
    client.get(f"/blog/{first}")
    client.get(f"/blog/{second}")
    text = client.get("/blog/").text
    assert "Recently viewed" in text, "after viewing posts, /blog/ should show a 'Recently viewed' list"
    recent = text[text.index("Recently viewed") :]
    assert recent.index("Second post") < recent.index("First post"), "the most recently viewed post comes first"


def test_a_deleted_post_drops_out_of_the_list(client, auth, add_post):
    alice = auth.create_user("alice")
    post_id = add_post(alice, title="Soon gone")
    client.get(f"/blog/{post_id}")
    auth.login("alice")
    client.post(f"/blog/{post_id}/delete")
    text = client.get("/blog/").text
    assert "Soon gone" not in text, "a post that no longer exists should not be listed as recently viewed"


def test_a_session_value_of_the_wrong_type_is_ignored(client, auth, add_post):
    post_id = add_post(auth.create_user("alice"))
    with client.session_transaction() as session:
        session["recent"] = "not a list"
    assert client.get(f"/blog/{post_id}").status_code == 200, "an unexpected session value must not cause an error"
    with client.session_transaction() as session:
        assert session.get("recent") == [post_id], "an unexpected value should be replaced by a fresh list"


def test_a_tampered_cookie_is_ignored(client, auth, add_post):
    post_id = add_post(auth.create_user("alice"))
    client.get(f"/blog/{post_id}")
    cookie = client.get_cookie("session")
    assert cookie is not None, (
        f"viewing /blog/{post_id} should remember it in session['recent'], which sets the session cookie"
    )
    value = cookie.value
    client.set_cookie("session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    with client.session_transaction() as session:
        assert "recent" not in session, "a session cookie whose signature does not match should be ignored"


def test_the_session_cookie_is_httponly_and_samesite(client, auth, add_post):
    post_id = add_post(auth.create_user("alice"))
    cookie = client.get(f"/blog/{post_id}").headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie, "the session cookie should be HttpOnly (SESSION_COOKIE_HTTPONLY)"
    assert "SameSite=Lax" in cookie, "the session cookie should be SameSite=Lax (SESSION_COOKIE_SAMESITE)"


def test_the_remember_cookie_is_httponly_and_samesite(client, auth):
    auth.create_user("alice")
    cookies = auth.login("alice", remember=True).headers.getlist("Set-Cookie")
    remember = next((c for c in cookies if c.startswith("remember_token=")), "")
    assert "HttpOnly" in remember and "SameSite=Lax" in remember, (
        "the remember_token cookie should be HttpOnly and SameSite=Lax (REMEMBER_COOKIE_HTTPONLY, _SAMESITE)"
    )


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-production-secret")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True, "in production the session cookie should be Secure"
    assert app.config.get("REMEMBER_COOKIE_SECURE") is True, "in production the remember cookie should be Secure"
