"""Reading the task lists' query string safely (`?page=`, `?per_page=`, `?done=`), for the HTML list and the API."""

from flask import abort, request

PER_PAGE = 20
MAX_PER_PAGE = 100
# Far more pages than any list here has, and far below the point where
# page * per_page would overflow the database's 64-bit integers.
MAX_PAGE = 1_000_000


def page_args(per_page: int = PER_PAGE) -> tuple[int, int]:
    """The page number and page size the query string asks for.

    Absent values take the defaults; a `per_page` above MAX_PER_PAGE is capped.
    Anything that is not a whole number in range answers 400 Bad Request,
    saying what is wrong.
    """
    page = _whole_number("page", 1, MAX_PAGE, default=1)
    size = _whole_number("per_page", 1, None, default=per_page)
    return page, min(size, MAX_PER_PAGE)


def _whole_number(name: str, low: int, high: int | None, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()):
        abort(400, description=f"'{name}' must be a whole number, such as 2, not {raw[:20]!r}.")
    # A number of more than nine digits is out of range anyway: no need to
    # convert the whole (perhaps thousands of digits long) text.
    value = int(raw) if len(raw) <= 9 else 10**9
    if value < low or (high is not None and value > high):
        upper = f" and at most {high:,}" if high is not None else ""
        abort(400, description=f"'{name}' must be at least {low}{upper}.")
    return value


def done_arg() -> bool | None:
    """The `?done=` filter: True for `true`, False for `false`, None when absent; 400 otherwise."""
    raw = request.args.get("done")
    if raw is None:
        return None
    if raw not in ("true", "false"):
        abort(400, description="'done' must be 'true' or 'false'.")
    return raw == "true"
