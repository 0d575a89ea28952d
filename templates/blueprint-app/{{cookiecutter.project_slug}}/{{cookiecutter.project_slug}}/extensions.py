"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration: every
extension keeps its per-app state in `app.extensions`, not on itself.
"""

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, abort, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Connection, Mail, Message
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError


class Base(DeclarativeBase):
    """Base class of every model."""


class TimedConnection(Connection):
    """Flask-Mail's connection to the mail server, with a time limit (the setting MAIL_TIMEOUT, in seconds).

    Flask-Mail opens it without one, and a server that accepts the connection
    and never answers then keeps the caller waiting for ever. smtplib takes a
    timeout: past it, every step (connecting, each command) raises TimeoutError.
    """

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        server_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = server_class(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class BackgroundMail(Mail):
    """Flask-Mail, sending off the request: `send` hands the message to a background thread and returns.

    Talking to a mail server takes tens of milliseconds when it works and up
    to MAIL_TIMEOUT seconds when it does not. A view that waited for it would
    answer slower for a registered address than for an unknown one (which
    tells who is registered), and a mail server that never answers would hold
    every worker of the WSGI server. So one thread per process sends the mail,
    one message after another, each in an application context of its own, and
    logs a failure with its traceback. With MAIL_SUPPRESS_SEND (the tests,
    development) nothing leaves the process, so the message is recorded (and
    printed) at once.
    """

    def __init__(self, app: Flask | None = None) -> None:
        super().__init__(app)
        self._sender: ThreadPoolExecutor | None = None
        self._sender_lock = threading.Lock()

    def connect(self) -> Connection:
        return TimedConnection(current_app.extensions["mail"])

    def send(self, message: Message) -> None:
        app = current_app._get_current_object()  # the real app object, not the proxy: the thread has no context
        if app.extensions["mail"].suppress:
            super().send(message)
            return
        self._background().submit(self._deliver, app, message)

    def _background(self) -> ThreadPoolExecutor:
        # Made on first use, so in each gunicorn worker, after the fork (a thread does not survive a fork).
        with self._sender_lock:
            if self._sender is None:
                self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
            return self._sender

    def _deliver(self, app: Flask, message: Message) -> None:
        with app.app_context():
            try:
                super().send(message)
            except Exception:
                # No request is waiting for this any more: the log is where it shows.
                app.logger.exception("could not send the mail %r", message.subject)


# expire_on_commit=False: after a commit, objects keep the values just saved
# instead of reading their row again on the next attribute access. A view that
# commits and then shows the post (its id in a redirect, its JSON) needs no
# second query, and cannot fail because another request deleted the row in
# the meantime.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
mail = BackgroundMail()

login_manager = LoginManager()
# Where @login_required sends anonymous visitors (with ?next=the page they wanted).
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."

# Rate limits, counted per client address (behind a proxy, set PROXY_COUNT so
# that the address is the client's, not the proxy's). Where the counts are kept
# is the setting RATELIMIT_STORAGE_URI. A moving window: N per day means N in
# any 24 hours, not N before midnight and N more after it.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=True)


def commit_or_404() -> None:
    """Commit the session; answer 404 when a row it changes was deleted meanwhile, 409 when it was changed.

    A view loads a post, changes it, then commits. Another request may act on
    the same post in between, and the commit then fails in one of two ways.
    SQLAlchemy raises StaleDataError when an UPDATE or DELETE finds no row:
    the post was deleted, or another edit already removed the (post, tag) row
    this one removes. It raises IntegrityError when another edit already gave
    the post a tag this one adds (the primary key of post_tags). So the error
    alone does not say whether the post is gone: after rolling back (nothing
    half-done is kept), look. A post that is gone is 404 for this user; one
    that exists was changed at the same moment, 409 Conflict: load it again
    and retry. Never call an existing post deleted.
    """
    # The rows this commit changes, by class and primary key, read before the
    # commit: after a rollback the objects are expired and cannot tell.
    changed = [(type(obj), inspect(obj).identity) for obj in db.session.dirty]
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        if any(key is not None and db.session.get(model, key) is None for model, key in changed):
            abort(404, description="This post does not exist any more: it was deleted while you were changing it.")
        abort(409, description="Someone else changed this post at the same moment: load it again and retry.")


def login_rate_limit() -> str:
    """The limit on password guesses (login form and token API), from the setting LOGIN_RATE_LIMIT."""
    return current_app.config["LOGIN_RATE_LIMIT"]
