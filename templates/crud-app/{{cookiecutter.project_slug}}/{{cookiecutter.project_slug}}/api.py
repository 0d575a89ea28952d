"""A JSON API for the same tasks, under /api."""

from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask.typing import ResponseReturnValue

# BEGIN SOLUTION filter-paginate
from .extensions import commit_or_404, db
from .models import Task, validate_description, validate_title
from .pagination import done_arg, page_args
# STUB
# from .extensions import commit_or_404, db
# from .models import Task, validate_description, validate_title
# from .pagination import page_args
# END SOLUTION

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.after_request
def no_type_without_body(response: Response) -> Response:
    """A 204 No Content has no body, so it has no Content-Type either."""
    if response.status_code == 204:
        response.headers.pop("Content-Type", None)
    return response


def task_json(task: Task) -> dict[str, Any]:
    """The JSON form of a task, with a link to itself."""
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "done": task.done,
        "created": task.created.isoformat(),
        "url": url_for("api.get_task", task_id=task.id),
    }


def json_body() -> dict[str, Any]:
    """The request's JSON object; answer 400 Bad Request for anything else."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # Python's json module gives up on input nested thousands deep.
        data = None
    if not isinstance(data, dict):
        abort(400, description="The request body must be a JSON object.")
    return data


def check_title(title: object) -> str:
    """The cleaned title; answer 400 Bad Request when it is missing or invalid."""
    if not isinstance(title, str) or not title.strip():
        abort(400, description="A task needs a non-empty string 'title'.")
    title = title.strip()
    error = validate_title(title)
    if error is not None:
        abort(400, description=error)
    return title


def check_description(description: object) -> str:
    """The cleaned description; answer 400 Bad Request when it is not valid text."""
    if not isinstance(description, str):
        abort(400, description="'description' must be a string.")
    description = description.strip()
    error = validate_description(description)
    if error is not None:
        abort(400, description=error)
    return description


@bp.get("/tasks")
def list_tasks() -> ResponseReturnValue:
    """List tasks, one page at a time, optionally only done or not done ones."""
    # BEGIN SOLUTION filter-paginate
    page_number, per_page = page_args()
    query = db.select(Task).order_by(Task.id)
    done = done_arg()
    if done is not None:
        query = query.where(Task.done.is_(done))
    # db.paginate answers 404 for a page past the end.
    page = db.paginate(query, page=page_number, per_page=per_page)
    return {
        "tasks": [task_json(task) for task in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "total": page.total,
    }
    # STUB
    # page, per_page = page_args()  # the page the client asks for; use it
    # # A first version that returns every task at once: filter and paginate instead.
    # tasks = db.session.execute(db.select(Task).order_by(Task.id)).scalars()
    # return {"tasks": [task_json(task) for task in tasks]}
    # END SOLUTION


@bp.post("/tasks")
def create_task() -> ResponseReturnValue:
    """Create a task from a JSON body: 201 Created with a Location header."""
    # BEGIN SOLUTION json-api
    data = json_body()
    task = Task(title=check_title(data.get("title")), description=check_description(data.get("description", "")))
    db.session.add(task)
    db.session.commit()
    location = url_for("api.get_task", task_id=task.id)
    return task_json(task), 201, {"Location": location}
    # END SOLUTION


@bp.get("/tasks/<int:task_id>")
def get_task(task_id: int) -> ResponseReturnValue:
    """One task, or 404 Not Found."""
    # BEGIN SOLUTION json-api
    return task_json(db.get_or_404(Task, task_id))
    # END SOLUTION


@bp.patch("/tasks/<int:task_id>")
def update_task(task_id: int) -> ResponseReturnValue:
    """Change some fields of a task."""
    # BEGIN SOLUTION json-api
    task = db.get_or_404(Task, task_id)
    data = json_body()
    if "title" in data:
        task.title = check_title(data["title"])
    if "description" in data:
        task.description = check_description(data["description"])
    if "done" in data:
        if not isinstance(data["done"], bool):
            abort(400, description="'done' must be true or false.")
        task.done = data["done"]
    commit_or_404()
    return task_json(task)
    # STUB
    # # Load the task (404 when it is missing) and change the fields the JSON body
    # # gives (400 for a bad value), then save them:
    # commit_or_404()  # commits; answers 404 when another request deleted the task meanwhile
    # raise NotImplementedError("Exercise 8 (json-api) is not done yet: see EXERCISES.md")
    # END SOLUTION


@bp.delete("/tasks/<int:task_id>")
def delete_task(task_id: int) -> ResponseReturnValue:
    """Delete a task: 204 No Content."""
    # BEGIN SOLUTION json-api
    deleted = db.session.execute(db.delete(Task).where(Task.id == task_id)).rowcount
    db.session.commit()
    if not deleted:
        abort(404)
    return "", 204
    # END SOLUTION
