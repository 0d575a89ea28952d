"""URL converters of the app."""

from werkzeug.routing import IntegerConverter

# SQLite and PostgreSQL store integer ids in 64 bits (signed).
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """The `int` converter, bounded to what a database id can be.

    `/tasks/9223372036854775808` then answers 404 like any other missing task,
    instead of an OverflowError from the database driver (a 500).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)
