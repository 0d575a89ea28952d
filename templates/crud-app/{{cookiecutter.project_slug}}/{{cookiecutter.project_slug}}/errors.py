"""Error handlers for the whole app: HTML pages, and JSON under /api/."""

# BEGIN SOLUTION error-pages
import json

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error (404, 405, 400...) as JSON or as an HTML page."""
    # The error's own response has the right status and headers, such as
    # Allow on a 405; only its body (and so its Content-Type) is replaced.
    response = error.get_response()
    # A 404 for an unknown URL happens before any view or blueprint is
    # chosen, so the URL is the only reliable sign of an API request.
    if request.path.startswith("/api/"):
        response.data = json.dumps({"error": error.name, "message": error.description})
        response.content_type = "application/json"
    else:
        response.data = render_template("errors/error.html", error=error)
    return response


def init_app(app: Flask) -> None:
    """Register the app-wide error handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
# STUB
# from flask import Flask
#
#
# def init_app(app: Flask) -> None:
#     """Register the app-wide error handlers."""
#     # Register a handler for HTTPException here.
# END SOLUTION
