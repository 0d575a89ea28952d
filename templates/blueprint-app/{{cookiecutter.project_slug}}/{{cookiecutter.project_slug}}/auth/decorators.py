"""Authorization helpers: who may see or change what."""

from functools import wraps

# BEGIN SOLUTION authorization
from flask import abort
from flask_login import current_user, login_required
# STUB
# END SOLUTION


def admin_required(view):
    """Let only administrators through: anonymous visitors log in first, other users get 403."""

    # BEGIN SOLUTION authorization
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
    # STUB
    # @wraps(view)
    # def wrapped(*args, **kwargs):
    #     raise NotImplementedError("Exercise 6 (authorization) is not done yet: see EXERCISES.md")
#
    # return wrapped
    # END SOLUTION
