"""Exercise 8 (json-api): a JSON API with the right status codes."""

import pytest
from conftest import insert_task, racing_a_delete

pytestmark = pytest.mark.exercise("json-api")


def test_create_answers_201_with_location(client, get_task):
    response = client.post("/api/tasks", json={"title": " Write the API ", "description": "JSON in, JSON out"})
    assert response.status_code == 201, "POST /api/tasks with a valid title should answer 201 Created"
    assert response.headers.get("Location") == "/api/tasks/1", (
        "POST /api/tasks should send a Location header with the new task's URL, /api/tasks/1"
    )
    body = response.get_json()
    assert body is not None, "POST /api/tasks should answer with the new task as JSON"
    assert body["id"] == 1 and body["title"] == "Write the API", "the JSON should hold the saved task (title stripped)"
    assert body["done"] is False, "a new task should not be done"
    assert get_task(1) is not None, "POST /api/tasks should save the task in the database"


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": 42}, {"title": "x" * 201}, {"title": "ok", "description": 5}],
    ids=["no-title", "empty", "spaces", "not-a-string", "too-long", "bad-description"],
)
def test_create_with_invalid_data_answers_400(client, get_task, payload):
    response = client.post("/api/tasks", json=payload)
    assert response.status_code == 400, f"POST /api/tasks with {payload!r} should answer 400 Bad Request"
    assert response.is_json and "error" in response.get_json(), 'a 400 from the API should be JSON with an "error" key'
    assert get_task(1) is None, "an invalid POST should not save anything"


def test_create_without_json_answers_400(client):
    response = client.post("/api/tasks", data="title=hello", content_type="text/plain")
    assert response.status_code == 400, "POST /api/tasks without a JSON body should answer 400 Bad Request"
    assert response.is_json, "the 400 should be a JSON error"


def test_the_api_needs_no_csrf_token(csrf_client):
    response = csrf_client.post("/api/tasks", json={"title": "From a script"})
    assert response.status_code == 201, (
        "the API blueprint is exempt from CSRF: POST /api/tasks should work without a token"
    )


def test_get_one_task(client, add_task):
    task_id = add_task("Read me", description="Some details")
    response = client.get(f"/api/tasks/{task_id}")
    assert response.status_code == 200, f"GET /api/tasks/{task_id} should answer 200 OK"
    body = response.get_json()
    assert body is not None, f"GET /api/tasks/{task_id} should answer JSON"
    assert body["title"] == "Read me" and body["description"] == "Some details", "the JSON should describe the task"
    assert body["url"] == f"/api/tasks/{task_id}", "the JSON should link to the task itself"


def test_get_missing_task_answers_json_404(client):
    response = client.get("/api/tasks/999")
    assert response.status_code == 404, "GET /api/tasks/999 should answer 404 Not Found"
    assert response.is_json and "error" in response.get_json(), "a 404 from the API should be a JSON error"


def test_patch_changes_only_the_given_fields(client, add_task, get_task):
    task_id = add_task("Keep title", description="Keep description")
    response = client.patch(f"/api/tasks/{task_id}", json={"done": True})
    assert response.status_code == 200, f"PATCH /api/tasks/{task_id} should answer 200 OK"
    assert response.get_json()["done"] is True, "the answer should show the updated task"
    task = get_task(task_id)
    assert task.done is True, "PATCH with done=true should mark the task done"
    assert task.title == "Keep title" and task.description == "Keep description", (
        "PATCH should leave the fields it was not given alone"
    )


@pytest.mark.parametrize("payload", [{"done": "yes"}, {"title": ""}], ids=["done-not-bool", "empty-title"])
def test_patch_with_invalid_data_answers_400(client, add_task, get_task, payload):
    task_id = add_task("Unchanged")
    response = client.patch(f"/api/tasks/{task_id}", json=payload)
    assert response.status_code == 400, f"PATCH with {payload!r} should answer 400 Bad Request"
    assert response.is_json, "the 400 should be a JSON error"
    task = get_task(task_id)
    assert task.title == "Unchanged" and task.done is False, "an invalid PATCH should not change the task"


def test_patch_missing_task_answers_404(client):
    response = client.patch("/api/tasks/999", json={"done": True})
    assert response.status_code == 404, "PATCH /api/tasks/999 should answer 404 Not Found"


def test_delete_answers_204(client, add_task, get_task):
    task_id = add_task("Delete me")
    response = client.delete(f"/api/tasks/{task_id}")
    assert response.status_code == 204, f"DELETE /api/tasks/{task_id} should answer 204 No Content"
    assert response.data == b"", "a 204 answer has no body"
    assert get_task(task_id) is None, "DELETE should remove the task"
    assert client.delete(f"/api/tasks/{task_id}").status_code == 404, "deleting it again should answer 404"


@pytest.mark.parametrize(
    "body",
    [
        '{"title": "lone \\ud800 surrogate"}',
        '{"title": "nul \\u0000 byte"}',
        '{"title": "ok", "description": "\\u0000"}',
    ],
    ids=["surrogate", "nul-in-title", "nul-in-description"],
)
def test_text_that_cannot_be_stored_answers_400(client, get_task, body):
    response = client.post("/api/tasks", data=body, content_type="application/json")
    assert response.status_code == 400, f"POST /api/tasks with {body} should answer 400 Bad Request, never 500"
    assert response.is_json, "the 400 should be a JSON error"
    assert get_task(1) is None, "text that cannot be stored should not be saved"


@pytest.mark.parametrize(
    "body", ["[" * 100_000 + "]" * 100_000, "[1, 2]", '{"title": '], ids=["deeply-nested", "a-list", "malformed"]
)
def test_a_body_that_is_not_a_json_object_answers_400(client, body):
    response = client.post("/api/tasks", data=body, content_type="application/json")
    assert response.status_code == 400, "POST /api/tasks with a body that is not a JSON object should answer 400"
    assert response.is_json, "the 400 should be a JSON error"


def test_created_time_says_it_is_utc(client):
    body = client.post("/api/tasks", json={"title": "What time is it?"}).get_json()
    assert body is not None and body["created"].endswith("+00:00"), (
        "the 'created' time in the JSON should carry its time zone, +00:00 (UTC)"
    )


def test_delete_answer_has_no_content_type(client, add_task):
    task_id = add_task("Delete me")
    response = client.delete(f"/api/tasks/{task_id}")
    assert response.status_code == 204, f"DELETE /api/tasks/{task_id} should answer 204 No Content"
    assert "Content-Type" not in response.headers, "a 204 has no body, so it should have no Content-Type"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "PUT", "POST"])
def test_an_id_too_big_for_the_database_is_not_found(client, method):
    response = client.open(f"/api/tasks/{2**63}", method=method, json={"done": True})
    assert response.status_code == 404, (
        f"{method} /api/tasks/9223372036854775808 names no task: it should answer 404 Not Found, "
        f"like GET, not {response.status_code}"
    )
    assert response.is_json, "the 404 should be a JSON error"


@pytest.mark.parametrize(
    ("method", "body"), [("PATCH", {"title": "Too late", "done": True}), ("DELETE", None)], ids=["patch", "delete"]
)
def test_a_task_deleted_by_another_request_meanwhile_answers_404(file_app, method, body):
    # Two clients at once: one deletes the task while this request is saving it.
    insert_task(file_app, "Deleted meanwhile")
    response = racing_a_delete(file_app, method, "/api/tasks/1", json=body)
    assert response.status_code == 404, (
        f"{method} /api/tasks/1, when another request deletes the task just before it is saved, should answer "
        f"404 Not Found (the task does not exist any more), not {response.status_code}"
    )
    assert response.is_json, "the 404 should be a JSON error"


def test_a_body_over_the_size_limit_answers_json_413(client):
    response = client.post("/api/tasks", data=b" " * (1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413, "a JSON body over MAX_CONTENT_LENGTH (1 MB) should answer 413"
    assert response.is_json and "error" in response.get_json(), "the 413 under /api/ should be a JSON error"
