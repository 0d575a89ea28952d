"""Exercise 4 (list-detail): the task list and the task page."""

import re

import pytest

pytestmark = pytest.mark.exercise("list-detail")


def test_empty_list(client):
    response = client.get("/tasks/")
    assert response.status_code == 200, "GET /tasks/ should answer 200 OK even with no tasks"
    assert "No tasks yet" in response.text, "GET /tasks/ with no tasks should say 'No tasks yet'"


def test_list_shows_every_task_with_a_link(client, add_task):
    first = add_task("Buy milk")
    second = add_task("Walk the dog")
    response = client.get("/tasks/")
    assert response.status_code == 200, "GET /tasks/ should answer 200 OK"
    for task_id, title in ((first, "Buy milk"), (second, "Walk the dog")):
        assert title in response.text, f"GET /tasks/ should show the task {title!r}"
        assert f'href="/tasks/{task_id}"' in response.text, (
            f"GET /tasks/ should link each task to its page, /tasks/{task_id} (use url_for)"
        )
    assert "No tasks yet" not in response.text, "GET /tasks/ should not say 'No tasks yet' when there are tasks"


def test_list_shows_newest_first(client, add_task):
    add_task("Older task")
    add_task("Newer task")
    text = client.get("/tasks/").text
    assert "Newer task" in text and "Older task" in text, "GET /tasks/ should show both tasks"
    assert text.index("Newer task") < text.index("Older task"), "GET /tasks/ should list the newest task first"


def test_detail_page(client, add_task):
    task_id = add_task("Read the Flask tutorial", description="Chapters one to four")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200, f"GET /tasks/{task_id} should answer 200 OK for an existing task"
    assert "Read the Flask tutorial" in response.text, "the task page should show the title"
    assert "Chapters one to four" in response.text, "the task page should show the description"
    assert "Not done yet" in response.text, "the task page should say 'Not done yet' for an open task"


def test_the_description_keeps_its_line_breaks_and_is_escaped(client, add_task):
    # A browser sends the lines of a <textarea> separated by \r\n.
    task_id = add_task("Shopping", description="Bread\r\n<b>Milk</b>\nEggs")
    text = client.get(f"/tasks/{task_id}").text
    assert "<b>Milk</b>" not in text, "the description is user text: it should be escaped (&lt;b&gt;), never |safe"
    shown = re.search(r"Bread\s*<br\s*/?>\s*&lt;b&gt;Milk&lt;/b&gt;\s*<br\s*/?>\s*Eggs", text)
    assert shown, (
        "the task page should show each line of the description on its own line, with a <br> between lines "
        "(a newline in HTML text is only a space), each line escaped: "
        "Bread<br>&lt;b&gt;Milk&lt;/b&gt;<br>Eggs"
    )


def test_detail_page_of_a_done_task(client, add_task):
    task_id = add_task("Finished thing", done=True)
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200, f"GET /tasks/{task_id} should answer 200 OK"
    assert "Done" in response.text and "Not done yet" not in response.text, (
        "the task page should say 'Done' for a finished task"
    )


def test_missing_task_is_404(client):
    response = client.get("/tasks/999")
    assert response.status_code == 404, "GET /tasks/999 should answer 404 Not Found for a task that does not exist"


def test_list_is_paged(client, add_task):
    for number in range(1, 26):
        add_task(f"Task number {number:02}")
    first = client.get("/tasks/")
    assert first.status_code == 200, "GET /tasks/ should answer 200 OK"
    assert "Task number 25" in first.text and "Task number 06" in first.text, (
        "page 1 should show the 20 newest tasks, 25 down to 6"
    )
    assert "Task number 05" not in first.text, "page 1 should show only 20 tasks, the newest"
    assert 'href="/tasks/?page=2"' in first.text, (
        "page 1 should link to the next page, /tasks/?page=2: pass the pagination object itself "
        "(what db.paginate returns, not its .items) to the template as tasks"
    )
    second = client.get("/tasks/?page=2")
    assert "Task number 05" in second.text and "Task number 01" in second.text, "page 2 should show tasks 5 to 1"
    assert "Task number 06" not in second.text, "page 2 should not repeat the tasks of page 1"


def test_a_page_number_that_is_not_a_number_answers_400(client):
    response = client.get("/tasks/?page=abc")
    assert response.status_code == 400, "GET /tasks/?page=abc should answer 400 Bad Request"


def test_an_id_too_big_for_the_database_is_404(client):
    response = client.get(f"/tasks/{2**63}")
    assert response.status_code == 404, (
        "GET /tasks/9223372036854775808 names no task (ids are 64-bit): it should answer 404, never 500"
    )


def test_the_list_can_be_filtered_by_done(client, add_task):
    add_task("Open task")
    add_task("Finished task", done=True)
    done = client.get("/tasks/?done=true").text
    assert "Finished task" in done and "Open task" not in done, "GET /tasks/?done=true should list only done tasks"
    todo = client.get("/tasks/?done=false").text
    assert "Open task" in todo and "Finished task" not in todo, (
        "GET /tasks/?done=false should list only the tasks not done; write the condition as "
        "Task.done.is_(done): `not Task.done` is plain Python that SQLAlchemy never sees"
    )
    assert client.get("/tasks/?done=maybe").status_code == 400, "GET /tasks/?done=maybe should answer 400"
