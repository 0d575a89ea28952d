"""Exercise 12 (write-tests): YOUR tests of the JSON API's error answers.

Write them here with the fixtures of conftest.py (`client`, `add_task`,
`get_task`). Run them against the app with

    python -m pytest tests/api_error_tests.py

`scaffolder check` (test_12_write_tests.py) also runs them against a few
planted faulty versions of the API: each fault must make at least one of
your tests fail. This file is not named test_*.py, so the main suite does not
collect it on its own.
"""

import pytest

pytestmark = pytest.mark.exercise("write-tests")


# BEGIN SOLUTION write-tests
def test_a_missing_task_is_a_json_404(client):
    response = client.get("/api/tasks/999")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"] and body["message"]


def test_a_blank_title_is_refused_and_nothing_is_saved(client, get_task):
    response = client.post("/api/tasks", json={"title": "   "})
    assert response.status_code == 400
    assert response.get_json()["message"]
    assert get_task(1) is None


def test_a_body_that_is_not_json_is_refused(client, get_task):
    response = client.post("/api/tasks", data="title=hello", content_type="text/plain")
    assert response.status_code == 400
    assert response.is_json
    assert get_task(1) is None


def test_an_invalid_patch_changes_nothing(client, add_task, get_task):
    task_id = add_task("Keep me")
    response = client.patch(f"/api/tasks/{task_id}", json={"done": "yes"})
    assert response.status_code == 400
    assert get_task(task_id).done is False


def test_deleting_a_missing_task_is_a_404(client, add_task, get_task):
    task_id = add_task("Delete me")
    assert client.delete(f"/api/tasks/{task_id}").status_code == 204
    assert get_task(task_id) is None
    response = client.delete(f"/api/tasks/{task_id}")
    assert response.status_code == 404
    assert response.is_json


def test_a_wrong_method_is_a_405_that_lists_the_allowed_ones(client):
    response = client.put("/api/tasks")
    assert response.status_code == 405
    assert response.is_json
    assert "POST" in response.headers.get("Allow", "")
    assert "GET" in response.headers.get("Allow", "")
# STUB
# def test_a_missing_task_is_a_json_404(client):
#     raise NotImplementedError("Exercise 12 (write-tests) is not done yet: see EXERCISES.md")
# END SOLUTION
