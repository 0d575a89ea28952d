"""Logging for production: one line per record on stderr, with the request id."""

# BEGIN SOLUTION deployment
import logging

from flask import Flask, g, has_app_context
from flask.logging import default_handler

HANDLER_NAME = "production"
LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Add the id of the current request (exercise 2) to every record, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_app_context() else "-"
        return True
# STUB
# from flask import Flask
# END SOLUTION


def configure_logging(app: Flask) -> None:
    """Outside debug and testing, send the app's log records to stderr with the request id.

    Gunicorn and container platforms collect stderr, so a file handler is not
    needed. Flask's own handler is replaced, and a handler from an earlier app
    (the logger is shared by name) is not added twice.
    """
    # BEGIN SOLUTION deployment
    if app.debug or app.testing:
        return
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    for old in list(app.logger.handlers):
        if old is default_handler or old.get_name() == HANDLER_NAME:
            app.logger.removeHandler(old)
    app.logger.addHandler(handler)
    app.logger.setLevel(app.config["LOG_LEVEL"])
    # STUB
    # # Nothing yet: Flask's default logging is used.
    # END SOLUTION
