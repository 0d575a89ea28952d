"""HTML pages to list, show, create, edit, delete and search tasks."""

# BEGIN SOLUTION update-delete
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
# STUB
# from flask import Blueprint, flash, redirect, render_template, request, url_for
# END SOLUTION
from flask.typing import ResponseReturnValue

from .extensions import commit_or_404, db
from .models import TITLE_MAX_LENGTH, Task, validate_description, validate_title
from .pagination import done_arg, page_args

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def form_problem(title: str, description: str) -> str | None:
    """The first thing wrong with a submitted task form, or None."""
    return validate_title(title) or validate_description(description)


def searchable(q: str) -> bool:
    """Whether some title could contain q: it is not empty, and not longer than a title."""
    return 0 < len(q) <= TITLE_MAX_LENGTH


@bp.route("/")
def index() -> ResponseReturnValue:
    """List the tasks, newest first, 20 to a page; `?done=true` or `false` filters them."""
    page, per_page = page_args()
    done = done_arg()
    # BEGIN SOLUTION list-detail
    query = db.select(Task).order_by(Task.created.desc(), Task.id.desc())
    if done is not None:
        query = query.where(Task.done.is_(done))
    tasks = db.paginate(query, page=page, per_page=per_page)
    return render_template("tasks/index.html", tasks=tasks)
    # STUB
    # # Select one page of tasks, newest first (only done or open ones when done is not None),
    # # instead of this empty list.
    # return render_template("tasks/index.html", tasks=[], done=done)
    # END SOLUTION


@bp.route("/<int:task_id>")
def detail(task_id: int) -> ResponseReturnValue:
    """Show one task, or answer 404 Not Found."""
    # BEGIN SOLUTION list-detail
    task = db.get_or_404(Task, task_id)
    return render_template("tasks/detail.html", task=task)
    # END SOLUTION


@bp.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    """Show the form for a new task and save it when it is submitted."""
    # BEGIN SOLUTION create-form
    if request.method == "POST":
        title = request.form.get("title", "").strip()
        description = request.form.get("description", "").strip()
        error = form_problem(title, description)
        if error is None:
            task = Task(title=title, description=description)
            db.session.add(task)
            db.session.commit()
            flash("Task created.")
            # Redirect after a successful POST, so that reloading the page
            # does not submit the form a second time.
            return redirect(url_for("tasks.detail", task_id=task.id))
        flash(error)
        return render_template("tasks/form.html", task=None), 400
    return render_template("tasks/form.html", task=None)
    # STUB
    # # On POST: validate the form, save the task, flash a message and redirect.
    # return render_template("tasks/form.html", task=None)
    # END SOLUTION


@bp.post("/<int:task_id>/toggle")
def toggle(task_id: int) -> ResponseReturnValue:
    """Mark a task done, or not done again.

    A worked example of a view that changes data: it accepts POST only, answers
    404 for a missing task, commits, flashes a message and redirects. The task
    may be deleted by another request between loading and saving it:
    commit_or_404() answers 404 then, instead of a 500.
    """
    task = db.get_or_404(Task, task_id)
    task.done = not task.done
    commit_or_404()
    flash("Task marked as done." if task.done else "Task marked as not done.")
    return redirect(url_for("tasks.detail", task_id=task_id))


# BEGIN SOLUTION update-delete
@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
def edit(task_id: int) -> ResponseReturnValue:
    """Show the form for an existing task and save the changes."""
    task = db.get_or_404(Task, task_id)
    if request.method == "POST":
        title = request.form.get("title", "").strip()
        description = request.form.get("description", "").strip()
        error = form_problem(title, description)
        if error is None:
            task.title = title
            task.description = description
            task.done = "done" in request.form
            commit_or_404()
            flash("Task updated.")
            return redirect(url_for("tasks.detail", task_id=task_id))
        flash(error)
        return render_template("tasks/form.html", task=task), 400
    return render_template("tasks/form.html", task=task)


@bp.route("/<int:task_id>/delete", methods=["POST"])
def delete(task_id: int) -> ResponseReturnValue:
    """Delete a task. POST only: a link or a crawler must never delete data."""
    # One DELETE statement, which says how many rows it removed: when two
    # requests delete the same task at once, only one of them removes it.
    deleted = db.session.execute(db.delete(Task).where(Task.id == task_id)).rowcount
    db.session.commit()
    if not deleted:
        abort(404)
    flash("Task deleted.")
    return redirect(url_for("tasks.index"))
# STUB
# # Add the `edit` and `delete` views here, with their @bp.route(...) decorators.
# END SOLUTION


@bp.route("/search")
def search() -> ResponseReturnValue:
    """Find tasks whose title contains the text of `?q=`."""
    # BEGIN SOLUTION search-escaping
    q = request.args.get("q", "").strip()
    tasks = []
    if searchable(q):
        # A bound parameter keeps the text out of the SQL, and autoescape
        # makes % and _ in the text match themselves, not "anything".
        tasks = (
            db.session.execute(db.select(Task).where(Task.title.icontains(q, autoescape=True)).order_by(Task.id))
            .scalars()
            .all()
        )
    return render_template("tasks/search.html", q=q, tasks=tasks)
    # STUB
    # q = request.args.get("q", "").strip()
    # # Find the tasks whose title contains q instead of this empty list.
    # return render_template("tasks/search.html", q=q, tasks=[])
    # END SOLUTION
