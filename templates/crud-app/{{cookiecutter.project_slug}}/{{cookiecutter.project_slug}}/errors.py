"""Error handlers for the whole app: HTML pages, and JSON under /api/."""

# BEGIN SOLUTION error-pages
from flask import render_template, request
from werkzeug.exceptions import HTTPException


def handle_http_error(error: HTTPException):
    """Answer an HTTP error (404, 405, 400...) as JSON or as an HTML page."""
    # Keep the headers the error carries, such as Allow on a 405; the body
    # (and so its Content-Type) is ours.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    # A 404 for an unknown URL happens before any view or blueprint is
    # chosen, so the URL is the only reliable sign of an API request.
    if request.path.startswith("/api/"):
        return {"error": error.name, "message": error.description}, error.code, headers
    return render_template("errors/error.html", error=error), error.code, headers


def init_app(app) -> None:
    """Register the app-wide error handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
# STUB
#
#
# def init_app(app) -> None:
#     """Register the app-wide error handlers."""
#     # Register a handler for HTTPException here.
# END SOLUTION
