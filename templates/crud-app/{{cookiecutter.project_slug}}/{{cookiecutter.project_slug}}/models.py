"""The data model, one table of tasks, and the rules its text follows."""

import unicodedata
from datetime import datetime, timezone

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000


def utcnow() -> datetime:
    """The current time in UTC (a function, so each row gets its own time)."""
    return datetime.now(timezone.utc)


class Task(db.Model):
    """Something to do."""

    # BEGIN SOLUTION model-init-db
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX_LENGTH), default="")
    done: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # STUB
    # id: Mapped[int] = mapped_column(primary_key=True)
    # title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    # # Add the columns description, done and created here.
    # END SOLUTION

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.title!r}>"


def text_problem(value: str, field: str, max_length: int, multiline: bool = False) -> str | None:
    """What is wrong with a piece of user text, or None when it can be stored.

    Refuses text that is too long, control characters (a NUL byte, for example;
    newlines and tabs only where `multiline`), and lone surrogates, which JSON
    can carry but no database can store as text.
    """
    if len(value) > max_length:
        return f"{field} must be at most {max_length} characters."
    allowed = "\n\r\t" if multiline else ""
    for ch in value:
        kind = unicodedata.category(ch)
        if kind == "Cc" and ch not in allowed:
            return f"{field} must not contain control characters."
        if kind == "Cs":
            return f"{field} must be valid text (it holds a lone surrogate)."
    return None


def validate_title(title: str) -> str | None:
    """Return an error message for a bad title, or None when it is fine."""
    if not title:
        return "Title is required."
    return text_problem(title, "Title", TITLE_MAX_LENGTH)


def validate_description(description: str) -> str | None:
    """Return an error message for a bad description, or None when it is fine."""
    return text_problem(description, "Description", DESCRIPTION_MAX_LENGTH, multiline=True)
