"""The JSON report the pytest plugin writes for `scaffolder check`, and error-text helpers.

Kept free of pytest imports so that the CLI can read reports without loading pytest.
"""

from __future__ import annotations

import re

REPORT_FORMAT = 1

_E_LINE = re.compile(r"^E\s+(.*\S)")
# `File "x.py", line 3` (a traceback), or `x.py:3` at the start of a line (pytest's short form).
_FILE_LINE = re.compile(r'File "([^"]+)", line (\d+)|^([^\s:\'][^:\n\']*\.(?:py|html)):(\d+)', re.MULTILINE)


def last_error_line(text: str) -> str:
    """The last `E   ...` line pytest printed, or the last non-empty line."""
    errors = [m.group(1) for m in map(_E_LINE.match, text.splitlines()) if m]
    if errors:
        return errors[-1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


def shorten(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and how long it really was."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def error_location(text: str) -> str | None:
    """The last file:line a traceback or error text names."""
    found = None
    for match in _FILE_LINE.finditer(text):
        found = f"{match.group(1)}:{match.group(2)}" if match.group(1) else f"{match.group(3)}:{match.group(4)}"
    return found


_BUILD_ERROR = re.compile(
    r"BuildError: Could not build url for endpoint '([^']+)'\. Did you forget to specify values \[([^\]]+)\]"
)
_CAUSES = (
    (
        _BUILD_ERROR,
        "url_for('{0}') got no value (or None) for {1}. If it is an object's id, the object has no id "
        "until db.session.commit() has saved it: add, commit, then build the URL.",
    ),
    (
        re.compile(r"DetachedInstanceError|is not bound to a Session"),
        "An object was used after its session ended: read what you need from it inside the "
        "app context (or the request) that loaded it.",
    ),
    (
        re.compile(r"Could not parse SQLAlchemy URL"),
        "SQLALCHEMY_DATABASE_URI must be a database URL; for a SQLite file that is "
        "'sqlite:///' followed by the file's absolute path.",
    ),
    (
        re.compile(r"RuntimeError: Working outside of application context"),
        "This code needs the application context (db, current_app): run it inside "
        "`with app.app_context():`, or in a request or a `flask` command, which have one.",
    ),
)


def likely_cause(message: str) -> str | None:
    """A plain-words cause for a failure whose symptom misleads, or None."""
    for pattern, advice in _CAUSES:
        match = pattern.search(message)
        if match:
            return advice.format(*match.groups())
    return None
