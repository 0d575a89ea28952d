"""The form to write or edit a post."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from ..validation import no_bad_characters, tags_field


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class PostForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(message="Give the post a title."), Length(max=TITLE_MAX_LENGTH), no_bad_characters],
    )
    body = TextAreaField(
        "Text",
        filters=[strip],
        validators=[DataRequired(message="Write something."), Length(max=BODY_MAX_LENGTH), no_bad_characters],
    )
    tags = StringField("Tags (comma-separated)", filters=[strip], validators=[Optional(), Length(max=200), tags_field])
