"""Authorization helpers: who may see or change what."""

from collections.abc import Callable
from functools import wraps
from typing import Any

# BEGIN SOLUTION authorization
from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
# STUB
# from flask.typing import ResponseReturnValue
# END SOLUTION


def admin_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Let only administrators through: anonymous visitors log in first, other users get 403."""

    # BEGIN SOLUTION authorization
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
    # STUB
    # @wraps(view)
    # def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
    #     raise NotImplementedError("Exercise 6 (authorization) is not done yet: see EXERCISES.md")
#
    # return wrapped
    # END SOLUTION
