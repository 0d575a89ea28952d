"""Exercise 9 (api): class-based views, token authentication, JSON errors and pagination."""

import base64
import hashlib
import io

import pytest
from conftest import AuthActions, RateLimitedConfig, committed_before_saving, file_database_app, make_app, save_post

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import ApiToken, Post, Tag, User, post_tags

pytestmark = pytest.mark.exercise("api")


def basic(username, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def token(client, auth):
    """A token of alice, obtained through the API."""
    auth.create_user("alice")
    response = client.post("/api/tokens", headers=basic("alice", "correct horse battery"))
    assert response.status_code == 201, "POST /api/tokens with alice's username and password should answer 201"
    return response.json["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_issued_and_stored_hashed(app, token):
    assert isinstance(token, str) and len(token) >= 32, "the answer should be {'token': <a long random string>}"
    with app.app_context():
        stored = db.session.execute(db.select(ApiToken.token_hash)).scalar_one()
    assert stored != token, "the token itself must not be stored, only its hash"
    assert stored == hashlib.sha256(token.encode()).hexdigest(), "store the SHA-256 hex digest of the token"


@pytest.mark.parametrize("headers", [{}, basic("alice", "wrong"), basic("nobody", "x"), bearer("abc")])
def test_no_token_without_the_right_password(client, auth, headers):
    auth.create_user("alice")
    response = client.post("/api/tokens", headers=headers)
    assert response.status_code == 401, "POST /api/tokens without a right username and password should answer 401"
    assert response.is_json and "error" in response.json, "the 401 should be a JSON error"
    assert response.headers.get("WWW-Authenticate", "").lower().startswith("basic"), (
        "the 401 should say WWW-Authenticate: Basic"
    )


@pytest.mark.parametrize("headers", [{}, bearer("wrong-token"), {"Authorization": "Token abc"}, bearer("")])
def test_calls_without_a_valid_token_get_a_json_401(client, headers):
    response = client.get("/api/posts", headers=headers)
    assert response.status_code == 401, "GET /api/posts without a valid bearer token should answer 401"
    assert response.is_json and "error" in response.json, "the 401 should be a JSON error"
    assert response.headers.get("WWW-Authenticate", "").lower().startswith("bearer"), (
        "the 401 should say WWW-Authenticate: Bearer"
    )


def test_create_and_read_a_post(client, token):
    data = {"title": "  From the API ", "body": "Hello", "tags": ["Flask", "api"]}
    response = client.post("/api/posts", json=data, headers=bearer(token))
    assert response.status_code == 201, "POST /api/posts with a valid post should answer 201 Created"
    assert response.headers.get("Location") == "/api/posts/1", "the Location header should be the post's URL"
    post = response.json
    assert (post["title"], post["author"], post["tags"]) == ("From the API", "alice", ["api", "flask"]), (
        "the answer should be the post as JSON: stripped title, author's username, tag names"
    )
    assert post["created"].endswith("+00:00"), "times should carry their zone, like 2026-01-01T12:00:00+00:00"
    again = client.get("/api/posts/1", headers=bearer(token))
    assert again.status_code == 200 and again.json["id"] == 1, "GET /api/posts/1 should answer the post"


@pytest.mark.parametrize(
    "body",
    [
        {"body": "x"},
        {"title": "", "body": "x"},
        {"title": 5, "body": "x"},
        {"title": "x"},
        {"title": "x" * 201, "body": "x"},
        {"title": "x", "body": "x", "tags": "flask"},
        {"title": "bad \ud800", "body": "x"},
        [1, 2],
    ],
    ids=["no-title", "blank", "number", "no-body", "too-long", "tags-not-list", "surrogate", "not-an-object"],
)
def test_invalid_posts_answer_a_json_400(client, token, body):
    response = client.post("/api/posts", json=body, headers=bearer(token))
    assert response.status_code == 400, f"POST /api/posts with {body!r} should answer 400"
    assert response.is_json and "message" in response.json, "the 400 should be a JSON error with a message"


def test_a_body_that_is_not_json_answers_400(client, token):
    response = client.post("/api/posts", data="title=x", headers=bearer(token))
    assert response.status_code == 400 and response.is_json, "a body that is not JSON should answer a JSON 400"


def test_the_list_is_paginated(app, client, token, add_post):
    for number in range(25):
        add_post(1, title=f"Post {number}")
    first = client.get("/api/posts", headers=bearer(token)).json
    assert (first["page"], first["per_page"], first["pages"], first["total"]) == (1, 20, 2, 25), (
        "GET /api/posts should answer page 1 of 20 posts, with page, per_page, pages and total"
    )
    assert [p["id"] for p in first["posts"]] == list(range(1, 21)), "the posts should come in id order"
    page = client.get("/api/posts?page=3&per_page=5", headers=bearer(token)).json
    assert [p["id"] for p in page["posts"]] == [11, 12, 13, 14, 15], "?page=3&per_page=5 should give posts 11-15"
    past = client.get("/api/posts?page=9", headers=bearer(token))
    assert past.status_code == 404 and past.is_json, "a page past the end should answer a JSON 404"
    for bad in ("per_page=101", "per_page=0", "page=abc", "page=-1"):
        response = client.get(f"/api/posts?{bad}", headers=bearer(token))
        assert response.status_code == 400 and response.is_json, f"?{bad} should answer a JSON 400"


def test_only_the_author_may_change_a_post(client, auth, token, add_post):
    bob = auth.create_user("bob")
    bobs = add_post(bob, title="Bob's")
    response = client.patch(f"/api/posts/{bobs}", json={"title": "Mine now"}, headers=bearer(token))
    assert response.status_code == 403 and response.is_json, "changing another user's post should be a JSON 403"
    assert client.delete(f"/api/posts/{bobs}", headers=bearer(token)).status_code == 403, (
        "deleting another user's post should answer 403"
    )


def test_patch_changes_only_the_given_fields(client, token):
    client.post("/api/posts", json={"title": "Title", "body": "Body"}, headers=bearer(token))
    response = client.patch("/api/posts/1", json={"body": "New body"}, headers=bearer(token))
    assert response.status_code == 200, "PATCH /api/posts/1 by its author should answer 200"
    assert (response.json["title"], response.json["body"]) == ("Title", "New body"), "PATCH changes only given fields"
    bad = client.patch("/api/posts/1", json={"title": ""}, headers=bearer(token))
    assert bad.status_code == 400, "PATCH with an invalid value should answer 400"


def test_delete_answers_204_without_a_body(app, client, token):
    client.post("/api/posts", json={"title": "Title", "body": "Body"}, headers=bearer(token))
    response = client.delete("/api/posts/1", headers=bearer(token))
    assert response.status_code == 204, "DELETE /api/posts/1 should answer 204 No Content"
    assert response.data == b"" and "Content-Type" not in response.headers, "a 204 has no body and no Content-Type"
    with app.app_context():
        assert db.session.get(Post, 1) is None, "the post should be deleted"
    assert client.delete("/api/posts/1", headers=bearer(token)).status_code == 404, "a second DELETE answers 404"


def test_a_token_can_be_revoked(client, token):
    response = client.delete("/api/tokens", headers=bearer(token))
    assert response.status_code == 204, "DELETE /api/tokens should revoke the token sent and answer 204"
    assert client.get("/api/posts", headers=bearer(token)).status_code == 401, "a revoked token should answer 401"


def test_api_errors_are_json(client, token):
    response = client.put("/api/posts", headers=bearer(token))
    assert response.status_code == 405 and response.is_json, "a wrong method under /api/ should be a JSON 405"
    assert "GET" in response.headers.get("Allow", ""), "the 405 should keep its Allow header"


@pytest.mark.parametrize("post_id", [2**63, 10**25])
def test_an_id_past_2_63_answers_a_json_404_to_every_method(client, token, post_id):
    answers = {}
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        response = client.open(f"/api/posts/{post_id}", method=method, json={"title": "T"}, headers=bearer(token))
        answers[method] = (response.status_code, response.is_json)
    assert set(answers.values()) == {(404, True)}, (
        f"/api/posts/{post_id} names no post whatever the method, so every method should answer a JSON 404, as for "
        f"a missing post; got (status, is JSON) {answers}"
    )


def test_a_patch_racing_another_edit_of_the_tags_answers_409_not_404(tmp_path):
    # Two PATCHes at once set the post's tags to ["flask"]: the other one commits first, so the
    # (post, python) row this one removes is already gone. The post still exists: never call it deleted.
    app = file_database_app(tmp_path)
    client = app.test_client()
    alice = AuthActions(app, client).create_user("alice")
    token = client.post("/api/tokens", headers=basic("alice", "correct horse battery")).json["token"]
    save_post(app, alice, tags=["python"])
    save_post(app, alice, title="Another post", tags=["flask"])
    with app.app_context():
        tag_ids = dict(db.session.execute(db.select(Tag.name, Tag.id)).all())
    other_patch = (
        post_tags.delete().where(post_tags.c.post_id == 1, post_tags.c.tag_id == tag_ids["python"]),
        post_tags.insert().values(post_id=1, tag_id=tag_ids["flask"]),
    )
    with committed_before_saving(app, *other_patch) as raced:
        response = client.patch("/api/posts/1", json={"tags": ["flask"]}, headers=bearer(token))
    assert raced, "PATCH with new tags should write to the database"
    assert response.status_code == 409 and response.is_json, (
        "when another request changed the post's tags while this PATCH was saving, the post still exists: the "
        f"PATCH should answer a JSON 409 Conflict (load it again and retry), not {response.status_code}"
        + (" (404 says the post was deleted, and it was not)" if response.status_code == 404 else "")
    )


def test_the_views_are_method_views():
    from flask.views import MethodView

    from {{ cookiecutter.project_slug }}.api import views

    for name in ("TokenAPI", "PostListAPI", "PostAPI"):
        assert issubclass(getattr(views, name), MethodView), f"{name} should be a MethodView"


def test_a_json_body_over_the_size_limit_answers_413(app, client, token):
    body = b'{"title": "big", "body": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = client.post("/api/posts", data=body, content_type="application/json", headers=bearer(token))
    assert response.status_code == 413, "a JSON body over MAX_CONTENT_LENGTH should answer 413, not 400"
    assert response.is_json and "error" in response.json, "the 413 should be a JSON error"


def test_a_chunked_json_body_over_the_size_limit_answers_413(app, client, token):
    # Sent in chunks, without Content-Length (as gunicorn passes it on): the size is known only by reading.
    body = b'{"title": "big", "body": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = client.post(
        "/api/posts",
        input_stream=io.BytesIO(body),
        headers={**bearer(token), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and response.is_json, (
        "a JSON body over MAX_CONTENT_LENGTH sent without Content-Length (chunked) should answer a JSON 413 too, "
        f"not {response.status_code}: Werkzeug stops reading at the limit without an error, and the cut body "
        "then looks like broken JSON (400)"
    )


def test_a_token_for_the_username_in_another_case(client, auth):
    auth.create_user("alice")
    response = client.post("/api/tokens", headers=basic("ALICE", "correct horse battery"))
    assert response.status_code == 201, "HTTP Basic usernames are normalised like the forms': ALICE is alice"


@pytest.mark.parametrize("username", ["nobody", "alice"])
def test_every_token_request_checks_one_password_hash(client, auth, monkeypatch, username):
    auth.create_user("alice")
    calls = []
    check = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, password: calls.append(1) or check(self, password))
    client.post("/api/tokens", headers=basic(username, "wrong password"))
    assert len(calls) == 1, (
        f"a token request for {username!r} should check a password hash exactly once, an unknown user too, so the "
        "time taken does not tell which usernames exist (authenticate() in models.py does this)"
    )


def test_token_requests_are_rate_limited():
    app = make_app(RateLimitedConfig)
    client = app.test_client()
    AuthActions(app, client).create_user("alice")
    answers = [client.post("/api/tokens", headers=basic("alice", "wrong")).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429], (
        f"with LOGIN_RATE_LIMIT = '3 per day', the 4th token request should answer 429 (got {answers})"
    )
    last = client.post("/api/tokens", headers=basic("alice", "correct horse battery"))
    assert last.status_code == 429 and last.is_json, "over the limit, a JSON 429, even with the right password"
