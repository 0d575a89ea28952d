"""Request hooks: what runs before and after every request, and at teardown.

Flask pushes an application context (`current_app`, `g`) and a request
context (`request`, `session`) around each request. `g` is a plain namespace
that lives exactly as long as the application context: the place for
per-request values such as the request id below.
"""

# BEGIN SOLUTION request-lifecycle
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
# STUB
# import re
#
# from flask import Flask, Response
# END SOLUTION

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
}


def set_security_headers(response: Response) -> Response:
    """A worked example of an after_request hook: it gets the response and returns it."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# An X-Request-ID sent by a proxy in front of the app is reused when it looks
# like an id; anything else is replaced, so logs never carry text a client chose.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{1,64}")


# BEGIN SOLUTION request-lifecycle
def start_request() -> None:
    """before_request: give the request an id and note when it started."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def add_request_id(response: Response) -> Response:
    """after_request: send the id back, so a client can quote it in a bug report."""
    response.headers["X-Request-ID"] = g.request_id
    return response


def finish_request(error: BaseException | None) -> None:
    """teardown_appcontext: runs when the context ends, even after an exception."""
    started = g.get("request_started")
    if started is None:
        # An app context without a request (a CLI command, a test): nothing to record.
        return
    elapsed = (time.perf_counter() - started) * 1000
    current_app.logger.debug("request %s finished in %.1f ms", g.request_id, elapsed)
# STUB
# def start_request() -> None:
#     """before_request: give the request an id and note when it started."""
#
#
# def add_request_id(response: Response) -> Response:
#     """after_request: send the id back, so a client can quote it in a bug report."""
#     return response
#
#
# def finish_request(error: BaseException | None) -> None:
#     """teardown_appcontext: runs when the context ends, even after an exception."""
# END SOLUTION


def init_app(app: Flask) -> None:
    """Register the hooks on the app (hooks on a blueprint run only for its routes)."""
    app.before_request(start_request)
    app.after_request(add_request_id)
    app.after_request(set_security_headers)
    app.teardown_appcontext(finish_request)
