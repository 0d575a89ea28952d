"""Exercise 6 (authorization): login required, owner-only edit and delete, an admin role."""

import pytest
from conftest import PASSWORD, AuthActions, csrf_token_in, save_post

pytestmark = pytest.mark.exercise("authorization")


@pytest.fixture
def post_of_alice(auth, add_post):
    return add_post(auth.create_user("alice"), title="Alice's post", body="Her text")


def test_the_author_can_edit(client, auth, post_of_alice, get_post):
    auth.login("alice")
    assert client.get(f"/blog/{post_of_alice}/edit").status_code == 200, "the author should see the edit form"
    response = client.post(f"/blog/{post_of_alice}/edit", data={"title": "New", "body": "New text"})
    assert response.headers.get("Location") == f"/blog/{post_of_alice}", "a saved edit redirects to the post"
    assert get_post(post_of_alice) == ("New", "New text"), "the author's edit should be saved"


def test_the_author_can_delete(client, auth, post_of_alice, get_post):
    auth.login("alice")
    response = client.post(f"/blog/{post_of_alice}/delete")
    assert response.headers.get("Location") == "/blog/", "deleting should redirect to /blog/"
    assert get_post(post_of_alice) is None, "the author's post should be deleted"


def test_another_user_gets_403_and_changes_nothing(client, auth, post_of_alice, get_post):
    auth.create_user("mallory")
    auth.login("mallory")
    assert client.get(f"/blog/{post_of_alice}/edit").status_code == 403, "another user's edit form should be 403"
    response = client.post(f"/blog/{post_of_alice}/edit", data={"title": "Hacked", "body": "Hacked"})
    assert response.status_code == 403, "another user's edit should answer 403 Forbidden"
    assert client.post(f"/blog/{post_of_alice}/delete").status_code == 403, "another user's delete should be 403"
    assert get_post(post_of_alice) == ("Alice's post", "Her text"), "a refused edit or delete must change nothing"


def test_an_admin_may_edit_and_delete_any_post(client, auth, post_of_alice, get_post):
    auth.create_user("root", is_admin=True)
    auth.login("root")
    response = client.post(f"/blog/{post_of_alice}/edit", data={"title": "Moderated", "body": "Moderated"})
    assert response.status_code == 302, "an admin should be able to edit any post"
    client.post(f"/blog/{post_of_alice}/delete")
    assert get_post(post_of_alice) is None, "an admin should be able to delete any post"


@pytest.mark.parametrize("url", ["/blog/{id}/edit", "/blog/new"])
def test_anonymous_visitors_are_sent_to_login(client, post_of_alice, url):
    url = url.format(id=post_of_alice)
    response = client.get(url)
    assert response.status_code == 302, f"an anonymous GET {url} should redirect to the login page"
    assert response.headers["Location"].startswith("/auth/login?next="), (
        "the redirect should go to /auth/login with ?next= the page asked for (login_manager.login_view)"
    )


def test_anonymous_delete_is_sent_to_login(client, post_of_alice, get_post):
    response = client.post(f"/blog/{post_of_alice}/delete")
    assert response.headers.get("Location", "").startswith("/auth/login"), "an anonymous delete should go to login"
    assert get_post(post_of_alice) is not None, "an anonymous delete must delete nothing"


def test_a_missing_post_is_404(client, auth):
    auth.create_user("alice")
    auth.login("alice")
    assert client.get("/blog/999/edit").status_code == 404, "editing a post that does not exist should be 404"
    assert client.post("/blog/999/delete").status_code == 404, "deleting a post that does not exist should be 404"


def test_the_user_list_is_for_admins_only(client, auth):
    auth.create_user("alice")
    auth.create_user("root", is_admin=True)
    assert client.get("/auth/users").headers.get("Location", "").startswith("/auth/login"), (
        "an anonymous visitor of /auth/users should be sent to the login page"
    )
    auth.login("alice")
    assert client.get("/auth/users").status_code == 403, "a user who is not an admin should get 403 on /auth/users"
    auth.logout()
    auth.login("root")
    response = client.get("/auth/users")
    assert response.status_code == 200 and "alice" in response.text, "an admin should see the list of users"


def test_two_admin_pages_keep_their_own_endpoints(app, client, auth):
    # Flask names an endpoint after the view function: a decorator that hides the view's name
    # makes every admin page "wrapped", and the second page could not be registered.
    from {{ cookiecutter.project_slug }}.auth.decorators import admin_required

    def reports():
        return "the reports page"

    def settings():
        return "the settings page"

    try:
        app.add_url_rule("/admin-reports", view_func=admin_required(reports))
        app.add_url_rule("/admin-settings", view_func=admin_required(settings))
    except AssertionError as error:
        pytest.fail(
            f"two views decorated with admin_required could not both be registered ({error}): the decorated "
            "view should keep the name of the view it wraps, which Flask uses as the endpoint name"
        )
    auth.create_user("root", is_admin=True)
    auth.login("root")
    assert client.get("/admin-reports").text == "the reports page", "an admin should reach the first admin page"
    assert client.get("/admin-settings").text == "the settings page", "an admin should reach the second admin page"


def test_the_edit_and_delete_forms_work_with_csrf_on(csrf_app):
    client = csrf_app.test_client()
    auth = AuthActions(csrf_app, client)
    post_id = save_post(csrf_app, auth.create_user("alice"))
    token = csrf_token_in(client.get("/auth/login").text)
    client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    form = client.get(f"/blog/{post_id}/edit").text
    data = {"title": "Edited", "body": "With CSRF on", "csrf_token": csrf_token_in(form)}
    response = client.post(f"/blog/{post_id}/edit", data=data)
    assert response.headers.get("Location") == f"/blog/{post_id}", "the edit page's own form should save the post"
    page = client.get(f"/blog/{post_id}").text
    response = client.post(f"/blog/{post_id}/delete", data={"csrf_token": csrf_token_in(page)})
    assert response.headers.get("Location") == "/blog/", "the post page's delete form should delete the post"
