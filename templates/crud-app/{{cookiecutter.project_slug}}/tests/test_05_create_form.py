"""Exercise 5 (create-form): creating a task from a form."""

import pytest
from conftest import submit_form

pytestmark = pytest.mark.exercise("create-form")


def test_form_page(client):
    response = client.get("/tasks/new")
    assert response.status_code == 200, "GET /tasks/new should show the form with 200 OK"
    assert 'name="title"' in response.text, "GET /tasks/new should show a form with a 'title' field"


def test_create_redirects_to_the_new_task(client, get_task):
    response = client.post("/tasks/new", data={"title": "  Learn Flask  ", "description": "The tutorial"})
    assert response.headers.get("Location") == "/tasks/1", (
        "a valid POST /tasks/new should save the task and redirect to its page, /tasks/1"
    )
    task = get_task(1)
    assert task is not None, "a valid POST /tasks/new should save the task in the database"
    assert task.title == "Learn Flask", "the saved title should have surrounding spaces removed"
    assert task.description == "The tutorial", "the saved task should keep its description"


def test_create_flashes_a_message(client):
    response = client.post("/tasks/new", data={"title": "Learn Flask"}, follow_redirects=True)
    assert response.status_code == 200, "after creating a task, the redirect should lead to a page that answers 200"
    assert "Task created." in response.text, "after creating a task, the next page should flash 'Task created.'"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Title is required."),
        ("   ", "Title is required."),
        ("x" * 201, "Title must be at most 200 characters."),
    ],
    ids=["empty", "only-spaces", "too-long"],
)
def test_invalid_title_is_rejected(client, get_task, title, message):
    response = client.post("/tasks/new", data={"title": title, "description": "keep me"})
    assert response.status_code == 400, "POST /tasks/new with an invalid title should answer 400 Bad Request"
    assert "Location" not in response.headers, "an invalid form should be shown again, not redirected"
    assert message in response.text, f"the form should show the error {message!r} as a flash message"
    assert "keep me" in response.text, "the form should keep what the user typed"
    assert get_task(1) is None, "an invalid form should not save anything"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Nul\x00byte"}, "Title must not contain control characters."),
        ({"title": "Fine", "description": "x" * 2001}, "Description must be at most 2000 characters."),
    ],
    ids=["nul-in-title", "description-too-long"],
)
def test_text_that_cannot_be_stored_is_rejected(client, get_task, fields, message):
    response = client.post("/tasks/new", data=fields)
    assert response.status_code == 400, f"POST /tasks/new with {message.lower()!r} should answer 400 Bad Request"
    assert message in response.text, f"the form should show the error {message!r} as a flash message"
    assert get_task(1) is None, "an invalid form should not save anything"


def test_the_page_form_works_with_csrf_protection(csrf_client):
    response = submit_form(csrf_client, "/tasks/new", title="Made in a browser")
    assert response.status_code != 400, (
        "the form on /tasks/new should carry its CSRF token: with CSRF protection on, "
        "submitting it answered 400 (the token is missing from the form)"
    )
    assert response.headers.get("Location") == "/tasks/1", (
        "submitting the form of /tasks/new, CSRF token included, should create the task and redirect to /tasks/1"
    )
