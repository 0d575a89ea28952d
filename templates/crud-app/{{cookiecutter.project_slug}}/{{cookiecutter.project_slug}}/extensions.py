"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration.
"""

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A date and time stored in UTC that comes back knowing it is UTC.

    SQLite keeps no time zone, so without this a saved time would come back
    "naive" and `isoformat()` would not say `+00:00`.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    """Base class of every model: `Mapped[datetime]` columns are stored as UTC."""

    registry = registry(type_annotation_map={datetime: UTCDateTime})


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
