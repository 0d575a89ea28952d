"""Site-wide routes: the home page, a health check, short links, an about page."""

# BEGIN SOLUTION routes
from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """The home page is the task list."""
    return redirect(url_for("tasks.index"))


@bp.route("/about")
def about() -> ResponseReturnValue:
    """A static page."""
    return render_template("main/about.html")


@bp.route("/health", methods=["GET"])
def health() -> ResponseReturnValue:
    """A machine-readable liveness check (a dict becomes a JSON response)."""
    return {"status": "ok"}


@bp.route("/t/<int:task_id>")
def short_link(task_id: int) -> ResponseReturnValue:
    """A short link to a task: /t/3 sends the browser to /tasks/3."""
    return redirect(url_for("tasks.detail", task_id=task_id))
# STUB
# from flask import Blueprint
#
# bp = Blueprint("main", __name__)
#
# # Add the four routes here, each with @bp.route(...).
# END SOLUTION
