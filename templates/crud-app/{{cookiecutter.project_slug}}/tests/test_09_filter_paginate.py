"""Exercise 9 (filter-paginate): query parameters, filtering and pagination."""

import pytest

pytestmark = pytest.mark.exercise("filter-paginate")


@pytest.fixture
def many_tasks(add_task):
    """25 tasks; every third one (3, 6, 9...) is done."""
    return [add_task(f"Task {n}", done=(n % 3 == 0)) for n in range(1, 26)]


def titles(response):
    """The titles of a page of the API list; a clear failure when it is not one."""
    body = response.get_json(silent=True)
    assert response.status_code == 200 and isinstance(body, dict) and "tasks" in body, (
        f"GET {response.request.full_path.rstrip('?')} should answer 200 with a page of tasks; "
        f"it answered {response.status_code} with {response.get_data(as_text=True)[:200]}"
    )
    return [task["title"] for task in body["tasks"]]


def test_first_page_by_default(client, many_tasks):
    response = client.get("/api/tasks")
    assert response.status_code == 200, "GET /api/tasks should answer 200 OK"
    body = response.get_json()
    for key in ("tasks", "page", "per_page", "pages", "total"):
        assert key in body, f'GET /api/tasks should answer an object with a "{key}" key'
    assert body["page"] == 1 and body["per_page"] == 20, "without parameters, the answer should be page 1 of 20 tasks"
    assert body["total"] == 25 and body["pages"] == 2, "25 tasks in pages of 20 make 2 pages"
    assert titles(response) == [f"Task {n}" for n in range(1, 21)], "page 1 should hold tasks 1 to 20, oldest first"


def test_page_and_per_page(client, many_tasks):
    response = client.get("/api/tasks?page=3&per_page=5")
    assert response.status_code == 200, "GET /api/tasks?page=3&per_page=5 should answer 200 OK"
    assert titles(response) == [f"Task {n}" for n in range(11, 16)], "page 3 of 5 tasks should hold tasks 11 to 15"
    body = response.get_json()
    assert body["page"] == 3 and body["pages"] == 5, "the answer should say it is page 3 of 5"


def test_per_page_is_capped(client, many_tasks):
    body = client.get("/api/tasks?per_page=1000").get_json()
    assert body is not None and body.get("per_page") == 100, (
        "per_page should be capped at 100 (max_per_page), so one request cannot ask for everything"
    )


def test_page_past_the_end_answers_404(client, many_tasks):
    response = client.get("/api/tasks?page=99")
    assert response.status_code == 404, "GET /api/tasks?page=99 should answer 404 Not Found"
    assert response.is_json, "the 404 should be a JSON error"


def test_empty_list(client):
    body = client.get("/api/tasks").get_json()
    assert body is not None and body.get("tasks") == [] and body.get("total") == 0, (
        "with no tasks, GET /api/tasks should answer an empty page with total 0"
    )


def test_filter_done(client, many_tasks):
    response = client.get("/api/tasks?done=true")
    assert response.status_code == 200, "GET /api/tasks?done=true should answer 200 OK"
    assert titles(response) == [f"Task {n}" for n in range(3, 26, 3)], "?done=true should keep only the done tasks"
    assert response.get_json()["total"] == 8, "the total should count only the matching tasks"


def test_filter_not_done(client, many_tasks):
    response = client.get("/api/tasks?done=false")
    assert titles(response) == [f"Task {n}" for n in range(1, 26) if n % 3 != 0], (
        "?done=false should list the 17 tasks that are not done; write the condition as "
        "Task.done.is_(False): `not Task.done` is plain Python that SQLAlchemy never sees"
    )


def test_filter_not_done_with_pagination(client, many_tasks):
    response = client.get("/api/tasks?done=false&per_page=10&page=2")
    expected = [f"Task {n}" for n in range(1, 26) if n % 3 != 0][10:17]
    assert titles(response) == expected, "filtering and paging together: page 2 of the tasks that are not done"
    assert response.get_json()["total"] == 17, "17 of the 25 tasks are not done"


def test_invalid_filter_answers_400(client):
    response = client.get("/api/tasks?done=maybe")
    assert response.status_code == 400, "GET /api/tasks?done=maybe should answer 400 Bad Request"
    assert response.is_json and "error" in response.get_json(), "the 400 should be a JSON error"


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=0", "page=-1", "page=100000000000000000000", "per_page=0", "per_page=x"],
    ids=["page-not-a-number", "page-zero", "page-negative", "page-huge", "per-page-zero", "per-page-not-a-number"],
)
def test_bad_page_numbers_answer_400(client, many_tasks, query):
    response = client.get(f"/api/tasks?{query}")
    assert response.status_code == 400, (
        f"GET /api/tasks?{query} should answer 400 Bad Request (the given page_args reads ?page= and ?per_page=)"
    )
    assert response.is_json and response.get_json().get("message"), (
        'the 400 should be a JSON error whose "message" says what is wrong with the number: the "message" key '
        "comes from exercise 7's error handler, in {{ cookiecutter.project_slug }}/errors.py"
    )
