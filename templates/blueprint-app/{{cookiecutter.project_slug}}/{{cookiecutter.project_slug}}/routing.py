"""URL converters of the app."""

from werkzeug.routing import IntegerConverter
from werkzeug.routing.map import Map

# SQLite and PostgreSQL store integer ids in 64 bits (signed).
MAX_ID = 2**63 - 1


def digits_at_most(limit: int) -> str:
    """A regular expression for the whole numbers from 0 to `limit`, written in decimal.

    Shorter numbers always fit; a number as long as `limit` fits when, at the
    first digit where the two differ, its digit is the smaller one.
    """
    text = str(limit)

    def any_digits(low: int, high: int) -> str:
        return r"\d{" + (f"{low},{high}" if low != high else str(low)) + "}"

    choices = [any_digits(1, len(text) - 1)] if len(text) > 1 else []
    for position, digit in enumerate(text):
        if digit != "0":
            # The same digits up to here, a smaller one here, then any digits.
            rest = len(text) - position - 1
            choices.append(f"{text[:position]}[0-{int(digit) - 1}]" + any_digits(rest, rest))
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class BoundedIntConverter(IntegerConverter):
    """The `int` converter, bounded to what a database id can be.

    The bound is part of the URL pattern itself, so `/api/posts/9223372036854775808`
    matches no route at all and answers 404 to every method, like any other
    missing post. (A bound checked only after matching, with `max=`, would let
    Werkzeug see a route for GET and answer 405 to PATCH; and without a bound
    the database driver fails on the number, a 500.)
    """

    regex = digits_at_most(MAX_ID)

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
