"""Exercise 2 (routes): routes, variable rules, converters, methods and url_for."""

import pytest
from flask import url_for

pytestmark = pytest.mark.exercise("routes")


def test_home_page_redirects_to_the_task_list(app, client):
    response = client.get("/")
    with app.test_request_context():
        expected = url_for("tasks.index")
    assert response.status_code != 404, "GET / should exist (a route on the main blueprint)"
    assert response.headers.get("Location") == expected, (
        f"GET / should redirect to the task list, {expected}, built with url_for('tasks.index')"
    )


def test_about_page(client):
    response = client.get("/about")
    assert response.status_code == 200, "GET /about should answer 200 OK"
    assert "<h1>About</h1>" in response.text, "GET /about should render main/about.html"


def test_health_check_answers_json(client):
    response = client.get("/health")
    assert response.status_code == 200, "GET /health should answer 200 OK"
    assert response.is_json, "GET /health should answer JSON"
    assert response.get_json() == {"status": "ok"}, 'GET /health should answer {"status": "ok"}'


def test_health_check_accepts_only_get(client):
    response = client.post("/health")
    assert response.status_code == 405, "POST /health should answer 405 Method Not Allowed"


def test_short_link_redirects_to_the_task(app, client):
    response = client.get("/t/3")
    with app.test_request_context():
        expected = url_for("tasks.detail", task_id=3)
    assert response.headers.get("Location") == expected, (
        f"GET /t/3 should redirect to {expected}, built with url_for('tasks.detail', task_id=3)"
    )


def test_short_link_needs_an_integer(client):
    assert client.get("/t/3").status_code != 404, "GET /t/3 should exist"
    response = client.get("/t/abc")
    assert response.status_code == 404, "GET /t/abc should answer 404: use the int converter, <int:task_id>"
