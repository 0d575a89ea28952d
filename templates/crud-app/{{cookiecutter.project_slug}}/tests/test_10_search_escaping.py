"""Exercise 10 (search-escaping): a safe search, and output that is escaped."""

import pytest

pytestmark = pytest.mark.exercise("search-escaping")


@pytest.fixture
def some_tasks(add_task):
    add_task("Buy milk")
    add_task("Walk the dog")
    add_task("Reach 100% test coverage")
    add_task("Rename snake_case names")


def test_search_finds_matching_titles(client, some_tasks):
    response = client.get("/tasks/search?q=MILK")
    assert response.status_code == 200, "GET /tasks/search?q=MILK should answer 200 OK"
    assert "Buy milk" in response.text, "searching 'MILK' should find 'Buy milk' (ignoring case)"
    assert "Walk the dog" not in response.text, "searching 'MILK' should not show 'Walk the dog'"


def test_empty_search_shows_no_results(client, some_tasks):
    response = client.get("/tasks/search?q=")
    assert response.status_code == 200, "GET /tasks/search with an empty q should answer 200 OK"
    assert "Buy milk" not in response.text, "an empty search should not list every task"


def test_sql_injection_finds_nothing(client, some_tasks):
    response = client.get("/tasks/search", query_string={"q": "%' OR 1=1 --"})
    assert response.status_code == 200, "a search for SQL code should still answer 200 OK"
    assert "0 task(s) found" in response.text, (
        "searching for \"%' OR 1=1 --\" should find no task and say '0 task(s) found for ...'"
    )
    for title in ("Buy milk", "Walk the dog"):
        assert title not in response.text, (
            'searching for "%\' OR 1=1 --" should list no task: pass the text as a bound parameter, '
            "never pasted into the SQL"
        )


def test_sql_injection_does_not_drop_the_table(client, some_tasks):
    client.get("/tasks/search", query_string={"q": "x'; DROP TABLE task; --"})
    response = client.get("/tasks/search?q=milk")
    assert "Buy milk" in response.text, (
        "after a search for \"x'; DROP TABLE task; --\", searching 'milk' should still find 'Buy milk'"
    )


def test_percent_and_underscore_are_plain_characters(client, some_tasks):
    response = client.get("/tasks/search", query_string={"q": "%"})
    assert "Reach 100% test coverage" in response.text, "searching '%' should find the title with a percent sign"
    assert "Buy milk" not in response.text, (
        "'%' should match only a literal percent sign, not act as a LIKE wildcard (use autoescape=True)"
    )
    response = client.get("/tasks/search", query_string={"q": "_"})
    assert "Rename snake_case names" in response.text, "searching '_' should find the title with an underscore"
    assert "Buy milk" not in response.text, "'_' should match only a literal underscore, not any character"


def test_titles_are_escaped(client, add_task):
    add_task('<script>alert("hi")</script> cleanup')
    response = client.get("/tasks/search?q=cleanup")
    assert "&lt;script&gt;" in response.text, "a title with HTML should be shown as text (escaped as &lt;script&gt;)"
    assert "<script>" not in response.text, "a title must never be inserted into the page as raw HTML"


def test_the_search_text_is_escaped(client, some_tasks):
    response = client.get("/tasks/search", query_string={"q": "<b>milk</b>"})
    assert "0 task(s) found for" in response.text, (
        "searching for text no title contains should say '0 task(s) found for “...”.'"
    )
    assert "<b>milk</b>" not in response.text, "the search text must be escaped when it is shown back"
    assert "&lt;b&gt;milk&lt;/b&gt;" in response.text, "the search text should be shown escaped, as &lt;b&gt;"


def test_a_search_longer_than_any_title_finds_nothing(client, some_tasks):
    response = client.get("/tasks/search", query_string={"q": "x" * 100_000})
    assert response.status_code == 200, "a very long search should answer 200 OK, never 500"
    assert "0 task(s) found" in response.text, "a search longer than 200 characters should say '0 task(s) found'"
