"""`flask` commands of the app."""

import click
from flask import Flask
from flask.cli import with_appcontext

# BEGIN SOLUTION deployment
from .extensions import db
from .models import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH, User
from .validation import normalize_username
# STUB
# END SOLUTION


@click.command("create-admin")
@click.argument("username")
@click.argument("email")
@click.password_option(help="The password (asked for, hidden, when not given).")
@with_appcontext
def create_admin_command(username: str, email: str, password: str) -> None:
    """Create an administrator, or make an existing user one."""
    # BEGIN SOLUTION deployment
    username = normalize_username(username.strip())
    if len(username) > USERNAME_MAX_LENGTH or len(email) > EMAIL_MAX_LENGTH:
        raise click.BadParameter("the username or the email address is too long")
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        if len(password) < 8:
            raise click.BadParameter("the password must have at least 8 characters", param_hint="password")
        user = User(username=username, email=email.lower())
        user.set_password(password)
        db.session.add(user)
        message = f"Created the administrator {username}."
    else:
        message = f"{username} is now an administrator."
    user.is_admin = True
    db.session.commit()
    click.echo(message)
    # END SOLUTION


def init_app(app: Flask) -> None:
    # Commands registered on the app run inside its application context.
    app.cli.add_command(create_admin_command)
