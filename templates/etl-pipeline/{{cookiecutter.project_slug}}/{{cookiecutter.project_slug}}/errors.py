"""Error handlers: JSON under /api/, an HTML page elsewhere."""

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error (404, 405, 413...) as JSON under /api/, else as a page."""
    # Keep the headers the error carries, such as Allow on a 405; the body is ours.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if request.path.startswith(API_PREFIX):
        return {"error": error.name, "message": error.description}, error.code, headers
    return render_template("error.html", error=error), error.code, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
