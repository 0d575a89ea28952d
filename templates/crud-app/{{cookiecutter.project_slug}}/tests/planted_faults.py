"""Exercise 12: planted faults, and the pytest plugin that runs your tests against them.

Each fault is a wrong version of one JSON API view or of the app's error
handler, the kind of slip a real pull request could contain. `test_12_write_tests.py`
runs your file `tests/api_error_tests.py` in a separate pytest process with this
plugin: every one of your tests runs once against the reference code and once
with each fault swapped into the app that the `app` fixture builds. A good set
of tests passes on the reference and fails on every fault.

You may read this file, but try to write your tests from the rules in
EXERCISES.md first: that is what an interviewer asks for.
"""

import json

import pytest
from flask import render_template, request
from werkzeug.exceptions import HTTPException

from {{ cookiecutter.project_slug }}.api import check_description, check_title, json_body, task_json
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Task

REFERENCE = "reference"
_RESULTS = pytest.StashKey[dict]()


def get_task_without_404(task_id):
    task = db.session.get(Task, task_id)
    if task is None:
        return {}
    return task_json(task)


def create_task_saving_before_checking():
    data = json_body()
    task = Task(title=str(data.get("title", "")).strip(), description=str(data.get("description", "")))
    db.session.add(task)
    db.session.commit()
    check_title(data.get("title"))
    check_description(data.get("description", ""))
    return task_json(task), 201, {"Location": f"/api/tasks/{task.id}"}


def delete_task_without_404(task_id):
    db.session.execute(db.delete(Task).where(Task.id == task_id))
    db.session.commit()
    return "", 204


def _answer(error, body):
    if request.path.startswith("/api/"):
        response = error.get_response()
        response.data = json.dumps(body)
        response.content_type = "application/json"
        return response
    return render_template("errors/error.html", error=error), error.code


def errors_without_message(error: HTTPException):
    return _answer(error, {"error": error.name})


def errors_losing_the_allow_header(error: HTTPException):
    if request.path.startswith("/api/"):
        return {"error": error.name, "message": error.description}, error.code
    return _answer(error, {})


# name -> (what is wrong, in plain words; {endpoint or error class: replacement})
FAULTS = {
    "missing-task-200": (
        "GET /api/tasks/<id> of a task that does not exist answers 200 with an empty object instead of 404",
        {"api.get_task": get_task_without_404},
    ),
    "invalid-title-saved": (
        "POST /api/tasks with a blank title answers 400, but the task was already saved",
        {"api.create_task": create_task_saving_before_checking},
    ),
    "delete-missing-204": (
        "DELETE /api/tasks/<id> of a task that does not exist answers 204 instead of 404",
        {"api.delete_task": delete_task_without_404},
    ),
    "error-without-message": (
        'the API\'s JSON errors have an "error" key but no "message" saying what went wrong',
        {HTTPException: errors_without_message},
    ),
    "405-without-allow": (
        "a 405 under /api/ loses its Allow header, so the client cannot learn which methods the URL accepts",
        {HTTPException: errors_losing_the_allow_header},
    ),
}


def pytest_addoption(parser):
    parser.addoption("--planted-report", help="write the outcome of every test under every version here (JSON)")


def pytest_generate_tests(metafunc):
    # Every test runs once per version: the reference, then each fault.
    if "planted_version" in metafunc.fixturenames:
        metafunc.parametrize("planted_version", [REFERENCE, *FAULTS], indirect=True)


@pytest.fixture(autouse=True)
def planted_version(request, app):
    """Swap this run's faulty view or error handler into the app of the `app` fixture."""
    name = request.param
    if name != REFERENCE:
        for target, replacement in FAULTS[name][1].items():
            if isinstance(target, str):
                app.view_functions[target] = replacement
            else:
                app.register_error_handler(target, replacement)
    return name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    version = getattr(item, "callspec", None) and item.callspec.params.get("planted_version")
    if version and (report.failed or report.when == "call"):
        results = item.config.stash.setdefault(_RESULTS, {})
        name = item.originalname or item.name
        before = results.get((version, name), {"failed": False, "message": ""})
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if report.failed and crash is not None else ""
        results[(version, name)] = {
            "failed": before["failed"] or report.failed,
            "message": before["message"] or message,
        }
    return report


def pytest_sessionfinish(session):
    path = session.config.getoption("--planted-report")
    if not path:
        return
    results = session.config.stash.get(_RESULTS, {})
    data = {}
    for (version, name), outcome in results.items():
        data.setdefault(version, {})[name] = outcome
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file)
