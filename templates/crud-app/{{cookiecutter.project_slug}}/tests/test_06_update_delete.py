"""Exercise 6 (update-delete): editing and deleting tasks."""

import pytest
from conftest import insert_task, racing_a_delete, submit_form

pytestmark = pytest.mark.exercise("update-delete")


def test_toggle_marks_a_task_done(client, add_task, get_task):
    # The toggle view is given: it shows the pattern to follow.
    task_id = add_task("Toggle me")
    response = client.post(f"/tasks/{task_id}/toggle")
    assert response.headers.get("Location") == f"/tasks/{task_id}", "toggling should redirect to the task page"
    assert get_task(task_id).done is True, "toggling an open task should mark it done"


def test_edit_form_is_filled_in(client, add_task):
    task_id = add_task("Old title", description="Old description")
    response = client.get(f"/tasks/{task_id}/edit")
    assert response.status_code == 200, f"GET /tasks/{task_id}/edit should answer 200 OK"
    assert 'value="Old title"' in response.text, "the edit form should be filled in with the current title"
    assert "Old description" in response.text, "the edit form should show the current description"


def test_edit_saves_and_redirects(client, add_task, get_task):
    task_id = add_task("Old title")
    response = client.post(
        f"/tasks/{task_id}/edit", data={"title": " New title ", "description": "Details", "done": "on"}
    )
    assert response.headers.get("Location") == f"/tasks/{task_id}", (
        f"a valid POST /tasks/{task_id}/edit should redirect to the task page, /tasks/{task_id}"
    )
    task = get_task(task_id)
    assert task.title == "New title", "editing should save the new title, without surrounding spaces"
    assert task.description == "Details", "editing should save the new description"
    assert task.done is True, "a ticked 'done' checkbox should mark the task done"


def test_edit_unticked_checkbox_means_not_done(client, add_task, get_task):
    task_id = add_task("Finished", done=True)
    client.post(f"/tasks/{task_id}/edit", data={"title": "Finished"})
    assert get_task(task_id).done is False, (
        "a browser sends nothing for an unticked checkbox: no 'done' field should mean not done"
    )


def test_edit_with_invalid_title(client, add_task, get_task):
    task_id = add_task("Keep this title")
    response = client.post(f"/tasks/{task_id}/edit", data={"title": ""})
    assert response.status_code == 400, "editing with an empty title should answer 400 Bad Request"
    assert "Title is required." in response.text, "editing with an empty title should show 'Title is required.'"
    assert get_task(task_id).title == "Keep this title", "an invalid edit should not change the task"


def test_edit_missing_task_is_404(client):
    assert client.get("/tasks/999/edit").status_code == 404, "GET /tasks/999/edit should answer 404 Not Found"
    assert client.post("/tasks/999/edit", data={"title": "x"}).status_code == 404, (
        "POST /tasks/999/edit should answer 404 Not Found"
    )


def test_delete(client, add_task, get_task):
    task_id = add_task("Delete me")
    response = client.post(f"/tasks/{task_id}/delete")
    assert response.headers.get("Location") == "/tasks/", "deleting should redirect to the task list, /tasks/"
    assert get_task(task_id) is None, "deleting should remove the task from the database"


def test_delete_needs_post(client, add_task, get_task):
    task_id = add_task("Do not delete me")
    response = client.get(f"/tasks/{task_id}/delete")
    assert response.status_code == 405, f"GET /tasks/{task_id}/delete should answer 405 Method Not Allowed"
    assert get_task(task_id) is not None, "a GET must never delete a task"


def test_delete_missing_task_is_404(client):
    assert client.post("/tasks/999/delete").status_code == 404, "POST /tasks/999/delete should answer 404 Not Found"


def test_task_page_links_to_edit_and_delete(client, add_task):
    task_id = add_task("Linked")
    text = client.get(f"/tasks/{task_id}").text
    assert f'href="/tasks/{task_id}/edit"' in text, "the task page should link to its edit form"
    assert f'action="/tasks/{task_id}/delete"' in text, "the task page should have a form that posts to the delete URL"


def test_the_edit_form_works_with_csrf_protection(csrf_app, csrf_client):
    insert_task(csrf_app, "Edit me")
    response = submit_form(csrf_client, "/tasks/1/edit", title="Edited in a browser")
    assert response.status_code != 400, (
        "the edit form should carry its CSRF token: with CSRF protection on, submitting it answered 400"
    )
    assert response.headers.get("Location") == "/tasks/1", (
        "submitting the form of /tasks/1/edit, CSRF token included, should save and redirect to /tasks/1"
    )


def test_the_delete_form_works_with_csrf_protection(csrf_app, csrf_client):
    insert_task(csrf_app, "Delete me")
    response = submit_form(csrf_client, "/tasks/1", action="/tasks/1/delete")
    assert response.status_code != 400, (
        "the delete form on the task page should carry its CSRF token (a hidden csrf_token field): "
        "with CSRF protection on, submitting it answered 400"
    )
    assert response.headers.get("Location") == "/tasks/", (
        "submitting the delete form of /tasks/1, CSRF token included, should delete and redirect to /tasks/"
    )


@pytest.mark.parametrize(
    ("url", "form"),
    [("/tasks/1/edit", {"title": "Too late"}), ("/tasks/1/toggle", {}), ("/tasks/1/delete", {})],
    ids=["edit", "toggle", "delete"],
)
def test_a_task_deleted_by_another_request_meanwhile_answers_404(file_app, url, form):
    # Two people at once: one deletes the task while this request is saving it.
    insert_task(file_app, "Deleted meanwhile")
    response = racing_a_delete(file_app, "POST", url, data=form)
    assert response.status_code == 404, (
        f"POST {url}, when another request deletes the task just before it is saved, should answer "
        f"404 Not Found (the task does not exist any more), not {response.status_code}"
    )
