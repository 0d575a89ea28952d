"""Error handlers for the whole app: HTML pages, and JSON under /api/."""

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.exceptions import HTTPException, SecurityError

from .extensions import db

API_PREFIX = "/api/"


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error (400, 401, 403, 404, 405, 413, 500...) as JSON or as a page."""
    if error.code >= 500:
        # After a database error the session refuses every query until it is
        # rolled back, and the page reads the logged-in user: roll back first,
        # or the error page itself fails and the server sends its bare one.
        db.session.rollback()
    # Keep the headers the error carries (Allow on a 405, WWW-Authenticate on
    # a 401); the body, and so its Content-Type, is ours.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    # A 404 for an unknown URL happens before any blueprint is chosen, so the
    # path is the only reliable sign of an API request.
    if request.path.startswith(API_PREFIX):
        return {"error": error.name, "message": error.description}, error.code, headers
    if isinstance(error, SecurityError):
        # A Host header not in TRUSTED_HOSTS: Flask cannot build this app's URLs
        # for such a request, so the page template (full of url_for) is not used.
        return plain_page(error), error.code, headers
    try:
        return render_template("errors/error.html", error=error), error.code, headers
    except Exception:
        # The page reads the logged-in user, so a database that still fails
        # (locked, down) breaks it too; an exception raised here would reach the
        # WSGI server, which sends its own bare page. Answer a page that needs
        # nothing but this code.
        current_app.logger.exception("the error page could not be rendered; sending the plain one")
        return plain_page(error), error.code, headers


def plain_page(error: HTTPException) -> str:
    """The error as a small HTML page that needs no template, no URL building and no database."""
    site = escape(current_app.jinja_env.globals.get("site_name", ""))
    title = f"{error.code} {escape(error.name)}"
    return (
        f"<!doctype html><html lang=en><title>{title} - {site}</title>"
        f'<h1>{title}</h1><p>{escape(error.description)}</p><p><a href="/">{site}</a></p></html>'
    )


def init_app(app: Flask) -> None:
    # Unhandled exceptions reach this handler as a 500 InternalServerError,
    # after Flask has logged them (outside debug and testing).
    app.register_error_handler(HTTPException, handle_http_error)
