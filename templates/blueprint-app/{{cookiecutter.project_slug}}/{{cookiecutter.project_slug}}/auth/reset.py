"""Password reset by mail: a signed, expiring token in a link."""

# BEGIN SOLUTION password-reset
from flask import current_app, render_template, url_for
from flask_mail import Message
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db, mail
from ..models import User
# STUB
# from flask import current_app
# from itsdangerous import URLSafeTimedSerializer
#
# from ..models import User
# END SOLUTION

SALT = "password-reset"


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
    link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
    message = Message(
        subject="Reset your password",
        recipients=[user.email],
        body=render_template("email/reset.txt", user=user, link=link),
    )
    mail.send(message)
    # END SOLUTION
