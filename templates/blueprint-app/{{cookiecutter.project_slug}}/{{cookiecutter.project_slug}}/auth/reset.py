"""Password reset by mail: a signed, expiring token in a link."""

# BEGIN SOLUTION password-reset
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, url_for
from flask_mail import Message
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import db, mail
from ..models import User
# STUB
# from flask import Flask, current_app
# from itsdangerous import URLSafeTimedSerializer
#
# from ..models import User
# END SOLUTION

SALT = "password-reset"


def init_app(app: Flask) -> None:
    """Answer only to the site's own host names, and trust exactly PROXY_COUNT proxies (create_app calls it)."""
    # BEGIN SOLUTION password-reset
    external = app.config.get("EXTERNAL_URL")
    if app.config.get("TRUSTED_HOSTS") is None and external:
        # Flask answers 400 to a request whose Host header is not in the list.
        app.config["TRUSTED_HOSTS"] = [urlsplit(external).hostname]
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind a reverse proxy the client's address, scheme and host arrive in
        # X-Forwarded-* headers; only the last `proxies` values are the proxies' own.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # STUB
    # # Nothing yet: exercise 10.
    # END SOLUTION


def _serializer() -> URLSafeTimedSerializer:
    # The salt keeps these tokens apart from anything else signed with SECRET_KEY.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_reset_token(user: User) -> str:
    """A token naming the user, signed with SECRET_KEY and timestamped."""
    # BEGIN SOLUTION password-reset
    # The end of the current password hash makes the token single-use: once
    # the password changes, the old token no longer matches.
    return _serializer().dumps({"id": user.id, "pw": user.password_hash[-10:]})
    # END SOLUTION


def user_from_reset_token(token: str) -> User | None:
    """The user a valid token names; None when it is tampered with, expired or used."""
    # BEGIN SOLUTION password-reset
    try:
        data = _serializer().loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or user.password_hash[-10:] != data.get("pw"):
        return None
    return user
    # END SOLUTION


def send_reset_email(user: User) -> None:
    """Mail the user a link to the reset page."""
    # BEGIN SOLUTION password-reset
    # Never url_for(..., _external=True) here: that takes the host from the
    # request, and an attacker who sends `Host: evil.example` would get the
    # real user mailed a working link to the attacker's site.
    base = current_app.config.get("EXTERNAL_URL")
    if not base:
        raise RuntimeError("Set EXTERNAL_URL (FLASK_EXTERNAL_URL): reset links in mail are built from it.")
    link = base.rstrip("/") + url_for("auth.reset_password", token=make_reset_token(user))
    message = Message(
        subject="Reset your password",
        recipients=[user.email],
        body=render_template("email/reset.txt", user=user, link=link),
    )
    mail.send(message)
    # END SOLUTION
