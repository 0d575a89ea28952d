"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration.
"""

from datetime import datetime, timezone

from flask import abort
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import DateTime, Dialect
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A date and time stored in UTC that comes back knowing it is UTC.

    SQLite keeps no time zone, so without this a saved time would come back
    "naive" and `isoformat()` would not say `+00:00`.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    """Base class of every model: `Mapped[datetime]` columns are stored as UTC."""

    registry = registry(type_annotation_map={datetime: UTCDateTime})


# expire_on_commit=False: after a commit, objects keep the values just saved
# instead of reading their row again on the next attribute access. A view that
# commits and then shows the task (its id in a redirect, its JSON) needs no
# second query, and cannot fail because another request deleted the row in
# the meantime.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
csrf = CSRFProtect()


def commit_or_404() -> None:
    """Commit the session; answer 404 Not Found when a row it updates was deleted meanwhile.

    A view loads a task, changes it, then commits. If another request deletes
    the task in between, the UPDATE finds no row and SQLAlchemy raises
    StaleDataError: for this user the task does not exist any more. The
    session is rolled back, so nothing half-done is kept.
    """
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        abort(404, description="This task does not exist any more: it was deleted while you were changing it.")
