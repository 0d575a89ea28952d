"""The forms of the auth blueprint (Flask-WTF: every form carries a CSRF token)."""

# BEGIN SOLUTION registration
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from ..extensions import db
from ..models import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH, User
from ..validation import no_bad_characters, normalize_username
# STUB
# from flask_wtf import FlaskForm
# from wtforms import BooleanField, EmailField, PasswordField, StringField
# from wtforms.validators import DataRequired, Email, EqualTo, Length
#
# from ..models import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH
# from ..validation import no_bad_characters, normalize_username
# END SOLUTION

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def strip(value: object) -> object:
    """A filter: remove surrounding spaces from what the user typed."""
    return value.strip() if isinstance(value, str) else value


class RegistrationForm(FlaskForm):
    # BEGIN SOLUTION registration
    username = StringField(
        "Username",
        # Stored normalised: "Alice", "ALICE" and fullwidth "ａlice" are one name.
        filters=[strip, normalize_username],
        validators=[
            DataRequired(message="Choose a username."),
            Length(min=3, max=USERNAME_MAX_LENGTH),
            Regexp(r"^\w+$", message="Use letters, digits and underscores only."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=EMAIL_MAX_LENGTH),
            Email(message="Enter a valid email address."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Choose a password."),
            Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH),
        ],
    )
    password2 = PasswordField(
        "Repeat password",
        validators=[DataRequired(message="Repeat the password."), EqualTo("password", message="Passwords must match.")],
    )

    # WTForms calls validate_<field name>() after that field's own validators.
    def validate_username(self, field: StringField) -> None:
        taken = db.session.execute(db.select(User.id).where(User.username == field.data)).first()
        if taken:
            raise ValidationError("This username is taken.")

    def validate_email(self, field: EmailField) -> None:
        taken = db.session.execute(db.select(User.id).where(User.email == field.data.lower())).first()
        if taken:
            raise ValidationError("This email address is already registered.")
    # STUB
    # # Add the fields username, email, password and password2, with their validators.
    # pass
    # END SOLUTION


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[strip, normalize_username],
        validators=[DataRequired(), Length(max=USERNAME_MAX_LENGTH), no_bad_characters],
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    remember = BooleanField("Remember me")


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=EMAIL_MAX_LENGTH), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)]
    )
    password2 = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", message="Passwords must match.")]
    )
