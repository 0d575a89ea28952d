"""Exercise 7 (error-pages): custom error pages, and JSON errors under /api/."""

import pytest

pytestmark = pytest.mark.exercise("error-pages")

CUSTOM_PAGE = "Back to the task list"


def test_unknown_url_has_a_custom_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404, "an unknown URL should answer 404 Not Found"
    assert CUSTOM_PAGE in response.text, "a 404 should render errors/error.html, with its link back to the task list"
    assert "<h1>404 Not Found</h1>" in response.text, "the error page should show the code and name of the error"


def test_missing_task_has_the_custom_404_page(client):
    response = client.get("/tasks/999")
    assert response.status_code == 404, "GET /tasks/999 should answer 404 Not Found"
    assert CUSTOM_PAGE in response.text, "a missing task should show the custom 404 page"


def test_wrong_method_has_a_custom_405_page(client):
    response = client.delete("/tasks/")
    assert response.status_code == 405, "DELETE /tasks/ should answer 405 Method Not Allowed"
    assert CUSTOM_PAGE in response.text, "a 405 should render the custom error page"
    allowed = response.headers.get("Allow", "")
    assert "GET" in allowed, (
        "the custom 405 page should keep the Allow header of the error (build it from error.get_response())"
    )


def test_missing_csrf_token_has_a_custom_400_page(csrf_client):
    response = csrf_client.post("/tasks/new", data={"title": "No token"})
    assert response.status_code == 400, "a form posted without its CSRF token should answer 400 Bad Request"
    assert CUSTOM_PAGE in response.text, "a 400 should render the custom error page"


def test_api_unknown_url_answers_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404, "GET /api/no-such-thing should answer 404 Not Found"
    assert response.is_json, "errors under /api/ should be JSON, not HTML"
    body = response.get_json()
    assert body.get("error") == "Not Found", 'a JSON error should have an "error" key holding the error\'s name'
    assert body.get("message"), 'a JSON error should have a "message" key holding the error\'s description'


def test_api_wrong_method_answers_json(client):
    response = client.put("/api/tasks")
    assert response.status_code == 405, "PUT /api/tasks should answer 405 Method Not Allowed"
    assert response.is_json, "errors under /api/ should be JSON, not HTML"
    assert "POST" in response.headers.get("Allow", ""), (
        "the JSON 405 should keep the Allow header of the error (build it from error.get_response())"
    )
    assert "error" in response.get_json(), 'a JSON error should have an "error" key'


def test_a_form_over_the_size_limit_has_a_custom_413_page(client):
    response = client.post("/tasks/new", data={"title": "Big", "description": "x" * (1024 * 1024)})
    assert response.status_code == 413, "a form over MAX_CONTENT_LENGTH (1 MB) should answer 413 Content Too Large"
    assert CUSTOM_PAGE in response.text, "a 413 should render the custom error page"
