"""Checks shared by the forms and the API: text, tags, page numbers."""

import re
import unicodedata

from flask import abort, request
from wtforms import Field, Form
from wtforms.validators import ValidationError

MAX_PAGE = 100_000
TAG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
MAX_TAGS = 5


def bad_character(text: str) -> str | None:
    """Describe the first character a user should not send, or return None.

    Control characters (other than newline, carriage return and tab) and lone
    surrogates (which JSON can spell as "\\ud800") are refused: the second
    kind cannot even be stored as UTF-8.
    """
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\n\r\t") or category == "Cs":
            return f"contains a character that is not allowed (U+{ord(char):04X})"
    return None


def normalize_username(value: object) -> object:
    """A filter: the one form of a username, for registration, login, the API and the CLI.

    NFKC folds look-alikes ("ａdmin" in fullwidth letters becomes "admin"), then
    casefold ignores case ("Alice" and "ALICE" become "alice", "ß" becomes
    "ss"); NFKC once more, as casefolding can leave text that NFKC changes.
    """
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def no_bad_characters(form: Form, field: Field) -> None:
    """A WTForms validator for bad_character()."""
    problem = bad_character(field.data or "")
    if problem:
        raise ValidationError(f"This field {problem}.")


def parse_tags(text: str) -> list[str]:
    """Turn "Flask, python, flask" into ["flask", "python"]; ValueError when invalid."""
    names: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name or name in names:
            continue
        if not TAG_PATTERN.fullmatch(name):
            raise ValueError(f"Tag {name[:40]!r} must be 1 to 32 lowercase letters, digits or dashes.")
        names.append(name)
    if len(names) > MAX_TAGS:
        raise ValueError(f"Use at most {MAX_TAGS} tags.")
    return names


def tags_field(form: Form, field: Field) -> None:
    """A WTForms validator for parse_tags()."""
    try:
        parse_tags(field.data or "")
    except ValueError as err:
        raise ValidationError(str(err)) from None


def page_arg(name: str = "page", default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A positive whole number from the query string, or abort with 400 saying what is wrong."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 7 or not 1 <= int(raw) <= maximum:
        abort(400, description=f"{name} must be a whole number from 1 to {maximum}.")
    return int(raw)
