"""The data model: one table of tasks."""

from datetime import datetime, timezone

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

TITLE_MAX_LENGTH = 200


def utcnow() -> datetime:
    """The current time in UTC (a function, so each row gets its own time)."""
    return datetime.now(timezone.utc)


class Task(db.Model):
    """Something to do."""

    # BEGIN SOLUTION model-init-db
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    description: Mapped[str] = mapped_column(default="")
    done: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # STUB
    # id: Mapped[int] = mapped_column(primary_key=True)
    # title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    # # Add the columns description, done and created here.
    # END SOLUTION

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.title!r}>"
