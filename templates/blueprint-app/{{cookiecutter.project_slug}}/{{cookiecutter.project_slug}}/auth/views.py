"""Views of the auth blueprint."""

# BEGIN SOLUTION registration
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter, login_rate_limit
from ..models import ApiToken, User, authenticate
from ..validation import page_arg
from . import bp
from .decorators import admin_required
from .forms import LoginForm, RegistrationForm, ResetPasswordForm, ResetRequestForm
from .reset import send_reset_email, user_from_reset_token
# STUB
# from flask import redirect, render_template, url_for
# from flask.typing import ResponseReturnValue
# from flask_login import current_user, login_required
#
# from ..extensions import db
# from ..models import User
# from ..validation import page_arg
# from . import bp
# from .decorators import admin_required
# END SOLUTION


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Sign up with a username, an email address and a password."""
    # BEGIN SOLUTION registration
    form = RegistrationForm()
    # validate_on_submit(): a POST whose fields (and CSRF token) are all valid.
    if form.validate_on_submit():
        user = User(username=form.username.data, email=form.email.data.lower())
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            # Another request took the name or the address between our check
            # and our insert; the unique constraint caught it. Check again, so
            # the form shows which field is taken.
            db.session.rollback()
            form.validate()
            return render_template("auth/register.html", form=form), 400
        flash("Registration complete. You can log in now.")
        return redirect(url_for("auth.login"))
    # A submitted form that did not validate: show it again, errors next to the fields.
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status
    # END SOLUTION


def is_safe_next(target: str | None) -> bool:
    """Whether `target` is a path on this site, safe to redirect to after login."""
    # BEGIN SOLUTION login-logout
    if not target or "\\" in target or any(ord(char) < 32 for char in target):
        # Browsers read "\" as "/", so "/\evil.example" would leave the site.
        return False
    parts = urlsplit(target)
    # "//evil.example/x" has no scheme but a host: it leaves the site too. So
    # does "////evil.example": urlsplit finds no host in it, but the Location
    # header is cleaned to "//evil.example", so no local path starts with "//".
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
    # END SOLUTION


@bp.route("/login", methods=["GET", "POST"])
# BEGIN SOLUTION login-logout
# At most LOGIN_RATE_LIMIT attempts per address, then 429 Too Many Requests.
@limiter.limit(login_rate_limit, methods=["POST"])
# STUB
# END SOLUTION
def login() -> ResponseReturnValue:
    """Log in with a username and a password; then go to ?next= when it is safe."""
    # BEGIN SOLUTION login-logout
    form = LoginForm()
    if form.validate_on_submit():
        # One password check whether or not the user exists (see authenticate).
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.username}.")
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("blog.index"))
        # The same message for an unknown user and a wrong password, so the
        # page does not tell which usernames exist.
        flash("Invalid username or password.")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status
    # END SOLUTION


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Log out. POST only, with a CSRF token: a link or an image must not log anyone out."""
    # BEGIN SOLUTION login-logout
    # A copy of the session or remember cookie (another device, a stolen one)
    # would still log in: a new session version ends every one of them.
    current_user.session_version += 1
    db.session.commit()
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("blog.index"))
    # END SOLUTION


@bp.route("/users")
@admin_required
def users() -> ResponseReturnValue:
    """The list of users, for administrators."""
    page = db.paginate(db.select(User).order_by(User.id), page=page_arg(), per_page=50, error_out=False)
    return render_template("auth/users.html", page=page)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> ResponseReturnValue:
    """Ask for a password reset link by mail."""
    if current_user.is_authenticated:
        return redirect(url_for("blog.index"))
    # BEGIN SOLUTION password-reset
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).where(User.email == form.email.data.lower())).scalar_one_or_none()
        if user is not None:
            try:
                send_reset_email(user)
            except Exception:
                # A mail server that is down must not change the answer: a 500
                # for registered addresses only would tell who is registered.
                current_app.logger.exception("could not send the password reset mail")
        # The same answer whether or not the address is registered.
        flash("If that address is registered, a reset link is on its way.")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status
    # END SOLUTION


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password, with the token from the mail."""
    # BEGIN SOLUTION password-reset
    user = user_from_reset_token(token)
    if user is None:
        flash("That reset link is invalid or has expired.")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        # Whoever knew the old password may hold a session, a remember cookie
        # or an API token: end them all.
        user.session_version += 1
        db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
        db.session.commit()
        flash("Your password has been reset. You can log in now.")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status
    # END SOLUTION
