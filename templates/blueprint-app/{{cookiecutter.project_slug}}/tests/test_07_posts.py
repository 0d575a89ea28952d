"""Exercise 7 (posts): the blog's pages, tags (many-to-many), no N+1 queries, pagination."""

import pytest
from conftest import (
    PASSWORD,
    AuthActions,
    committed_before_saving,
    csrf_token_in,
    deleted_before_saving,
    file_database_app,
    row_committed_after_first_check,
    save_post,
)
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Post, Tag, post_tags

pytestmark = pytest.mark.exercise("posts")


def test_an_empty_blog(client):
    response = client.get("/blog/")
    assert response.status_code == 200, "GET /blog/ should answer 200"
    assert "No posts yet." in response.text, "with no posts, /blog/ should say 'No posts yet.'"


def test_the_list_shows_posts_newest_first_with_author_and_tags(client, auth, add_post):
    alice = auth.create_user("alice")
    add_post(alice, title="Older post", tags=["flask"])
    add_post(alice, title="Newer post", tags=["python", "flask"])
    text = client.get("/blog/").text
    assert "Newer post" in text and "Older post" in text, "/blog/ should list every post's title"
    assert text.index("Newer post") < text.index("Older post"), "the newest post should come first"
    assert "by alice" in text, "each post should show 'by <author>'"
    assert 'href="/blog/tag/python"' in text, "each tag should link to its tag page, /blog/tag/<name>"


def test_the_list_is_paginated(client, auth, add_post):
    alice = auth.create_user("alice")
    for number in range(1, 13):
        add_post(alice, title=f"Post number {number:02}")
    first = client.get("/blog/").text
    assert "Post number 12" in first and "Post number 03" in first, "page 1 should show the 10 newest posts"
    assert "Post number 02" not in first, "page 1 should show 10 posts (POSTS_PER_PAGE), not more"
    second = client.get("/blog/?page=2")
    assert second.status_code == 200 and "Post number 01" in second.text, "?page=2 should show the older posts"
    assert client.get("/blog/?page=3").status_code == 404, "a page past the end should answer 404"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1.5"])
def test_a_bad_page_number_answers_400(client, page):
    response = client.get(f"/blog/?page={page}")
    assert response.status_code == 400, f"?page={page} is not a page number from 1 to 100000: answer 400"


def test_the_list_runs_a_fixed_number_of_queries(app, client, auth, add_post):
    alice, bob = auth.create_user("alice"), auth.create_user("bob")
    for number in range(10):
        add_post(alice if number % 2 else bob, title=f"Post {number}", tags=[f"tag{number}", "common"])
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/blog/")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) <= 4, (
        f"GET /blog/ ran {len(statements)} SQL queries for 10 posts: load the authors and the tags with "
        "selectinload() (count + posts + authors + tags = 4), not one query per post (N+1)"
    )


def test_a_tag_page(client, auth, add_post):
    alice = auth.create_user("alice")
    add_post(alice, title="About Flask", tags=["flask"])
    add_post(alice, title="About cooking", tags=["food"])
    response = client.get("/blog/tag/flask")
    assert response.status_code == 200, "GET /blog/tag/flask should answer 200"
    assert "About Flask" in response.text, "the tag page should list the posts with that tag"
    assert "About cooking" not in response.text, "the tag page should list only the posts with that tag"
    assert "Posts tagged flask" in response.text, "the tag page should say 'Posts tagged flask'"
    assert client.get("/blog/tag/nothing").status_code == 404, "an unknown tag should answer 404"


def test_the_post_page(client, auth, add_post):
    post_id = add_post(auth.create_user("alice"), title="<script>alert(1)</script>", body="Body <b>text</b>")
    response = client.get(f"/blog/{post_id}")
    assert response.status_code == 200, "GET /blog/<id> should show the post"
    assert "<script>alert(1)</script>" not in response.text, "a title with <script> must be shown escaped"
    assert "&lt;script&gt;" in response.text, "Jinja should escape < and > in user content"
    assert client.get("/blog/999").status_code == 404, "a post that does not exist should answer 404"
    assert client.get(f"/blog/{2**64}").status_code == 404, "an id too big for the database should answer 404"


@pytest.mark.parametrize("path", ["/blog/{}", "/blog/{}/edit", "/blog/{}/delete"])
@pytest.mark.parametrize("post_id", [2**63, 10**25])
def test_an_id_past_2_63_answers_404_to_every_method(client, auth, path, post_id):
    auth.create_user("alice")
    auth.login("alice")
    url = path.format(post_id)
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    answers = {method: client.open(url, method=method).status_code for method in methods}
    assert set(answers.values()) == {404}, (
        f"{url} names no post whatever the method, so every method should answer 404 Not Found, as for a missing "
        f"post; got {answers} (a 405 for some methods tells that the route matched before the id was checked)"
    )


def test_writing_a_post(app, client, auth):
    auth.create_user("alice")
    auth.login("alice")
    assert client.get("/blog/new").status_code == 200, "a logged-in user should see the form at /blog/new"
    response = client.post("/blog/new", data={"title": "  Hello  ", "body": "First!", "tags": "Flask, python, flask"})
    assert response.headers.get("Location") == "/blog/1", "a valid post should be saved and redirect to /blog/1"
    with app.app_context():
        post = db.session.get(Post, 1)
        assert (post.title, post.body, post.author.username) == ("Hello", "First!", "alice"), (
            "the post should be saved with its stripped title, its text and the current user as author"
        )
        assert [tag.name for tag in post.tags] == ["flask", "python"], (
            "the tags 'Flask, python, flask' should become the tags flask and python"
        )
    assert "Post created." in client.get("/blog/1").text, "the post page should flash 'Post created.'"


def test_existing_tags_are_reused(app, client, auth, add_post):
    alice = auth.create_user("alice")
    add_post(alice, tags=["flask"])
    auth.login("alice")
    client.post("/blog/new", data={"title": "Again", "body": "More", "tags": "flask"})
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Tag)).scalar() == 1, (
            "a tag that exists should be reused (tags_named()), not created twice"
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, "Give the post a title."),
        ({"title": "x", "body": ""}, "Write something."),
        ({"title": "x" * 201, "body": "x"}, "Field cannot be longer than 200 characters."),
        ({"title": "x", "body": "x", "tags": "no spaces allowed"}, "must be 1 to 32 lowercase letters"),
        ({"title": "a\x00b", "body": "x"}, "contains a character that is not allowed"),
    ],
    ids=["no-title", "no-body", "long-title", "bad-tag", "nul-byte"],
)
def test_an_invalid_post_answers_400(app, client, auth, data, message):
    auth.create_user("alice")
    auth.login("alice")
    response = client.post("/blog/new", data=data)
    assert response.status_code == 400, "an invalid post should answer 400 and show the form again"
    assert message in response.text, f"the form should show the error {message!r}"
    with app.app_context():
        assert db.session.get(Post, 1) is None, "an invalid post should not be saved"


def test_the_form_works_with_csrf_on(csrf_app):
    client = csrf_app.test_client()
    AuthActions(csrf_app, client).create_user("alice")
    token = csrf_token_in(client.get("/auth/login").text)
    client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    form = client.get("/blog/new").text
    response = client.post("/blog/new", data={"title": "T", "body": "B", "csrf_token": csrf_token_in(form)})
    assert response.headers.get("Location") == "/blog/1", "the page's own form, with its csrf_token, should save"


def test_a_tag_added_by_a_concurrent_post_is_reused(tmp_path):
    app = file_database_app(tmp_path)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create_user("alice")
    auth.login("alice")
    data = {"title": "Racing", "body": "Two posts, one new tag.", "tags": "brand-new"}
    with row_committed_after_first_check(app, Tag.__table__, name="brand-new") as raced:
        response = client.post("/blog/new", data=data)
    assert raced, "a valid post should save its new tag (the test races it with another request)"
    assert response.status_code == 302, (
        "when another request creates the same new tag between the lookup and the insert, the unique constraint "
        "refuses the second insert (IntegrityError): the post should still be saved with the existing tag, not a 500"
    )
    with app.app_context():
        tags = db.session.execute(db.select(Tag.name)).scalars().all()
        post = db.session.execute(db.select(Post)).scalar_one()
        assert tags == ["brand-new"] and [tag.name for tag in post.tags] == ["brand-new"], (
            "there should be one tag brand-new, and the post should have it"
        )


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/blog/1/edit", {"title": "Too late", "body": "Changed.", "tags": "python"}),
        ("/blog/1/delete", {}),
    ],
    ids=["edit", "delete"],
)
def test_a_post_deleted_by_another_request_meanwhile_answers_404(tmp_path, url, form):
    # Two people at once: an admin deletes the post while its author is saving it.
    app = file_database_app(tmp_path)
    client = app.test_client()
    auth = AuthActions(app, client)
    save_post(app, auth.create_user("alice"), tags=["flask"])
    auth.login("alice")
    with deleted_before_saving(app, 1) as deleted:
        try:
            response = client.post(url, data=form)
        except SQLAlchemyError as error:
            pytest.fail(f"POST {url}, while another request deletes the post, failed with {error!r}: a 500")
    assert deleted, f"POST {url} should write to the database (the test deletes the post at that moment)"
    assert response.status_code == 404, (
        f"POST {url}, when another request deletes the post just before it is saved, should answer "
        f"404 Not Found (the post does not exist any more), not {response.status_code}"
    )


def test_a_tag_another_edit_gave_the_post_meanwhile_answers_409(tmp_path):
    # Two edits at once give the post the same tag: the second (post, tag) row breaks the primary key.
    app = file_database_app(tmp_path)
    client = app.test_client()
    auth = AuthActions(app, client)
    alice = auth.create_user("alice")
    save_post(app, alice, tags=["python"])
    save_post(app, alice, title="Another post", tags=["flask"])
    auth.login("alice")
    with app.app_context():
        flask_id = db.session.execute(db.select(Tag.id).where(Tag.name == "flask")).scalar_one()
    # Just before the edit's first write, the other edit commits: post 1 gets the tag flask.
    with committed_before_saving(app, post_tags.insert().values(post_id=1, tag_id=flask_id)) as raced:
        try:
            response = client.post("/blog/1/edit", data={"title": "Both", "body": "Edited.", "tags": "python, flask"})
        except SQLAlchemyError as error:
            pytest.fail(f"an edit that loses a race for the same tag failed with {error!r}: a 500")
    assert raced, "saving the edit should write to the database"
    assert response.status_code == 409, (
        f"when another edit gave the post the same tag meanwhile, the edit should answer 409 Conflict, "
        f"not {response.status_code}"
    )


def test_an_edit_racing_another_edit_of_the_tags_answers_409_not_404(tmp_path):
    # Two edits at once replace the post's tag python by flask: the other one commits first, so the
    # (post, python) row this edit removes is already gone. The post still exists: never call it deleted.
    app = file_database_app(tmp_path)
    client = app.test_client()
    auth = AuthActions(app, client)
    alice = auth.create_user("alice")
    save_post(app, alice, tags=["python"])
    save_post(app, alice, title="Another post", tags=["flask"])
    auth.login("alice")
    with app.app_context():
        tag_ids = dict(db.session.execute(db.select(Tag.name, Tag.id)).all())
    other_edit = (
        post_tags.delete().where(post_tags.c.post_id == 1, post_tags.c.tag_id == tag_ids["python"]),
        post_tags.insert().values(post_id=1, tag_id=tag_ids["flask"]),
    )
    with committed_before_saving(app, *other_edit) as raced:
        try:
            response = client.post("/blog/1/edit", data={"title": "Mine", "body": "Edited.", "tags": "flask"})
        except SQLAlchemyError as error:
            pytest.fail(f"an edit racing another edit of the same post failed with {error!r}: a 500")
    assert raced, "saving the edit should write to the database"
    assert response.status_code == 409, (
        "when another edit changed the post's tags while this one was saving, the post still exists: the edit "
        f"should answer 409 Conflict (load it again and retry), not {response.status_code}"
        + (" (404 says the post was deleted, and it was not)" if response.status_code == 404 else "")
    )
    with app.app_context():
        assert db.session.get(Post, 1) is not None, "the post should still be there"
