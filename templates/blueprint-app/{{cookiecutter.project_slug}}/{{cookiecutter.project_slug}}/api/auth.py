"""Token authentication for the API.

A client trades a username and password (HTTP Basic) for a random token once,
then sends `Authorization: Bearer <token>` with every call. Only a SHA-256
hash of each token is stored: a leaked database does not leak usable tokens.
(A fast hash is enough here, unlike for passwords: a token is 256 random bits,
so there is nothing to guess.)
"""

# BEGIN SOLUTION api
import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from ..extensions import db
from ..models import ApiToken, User
# STUB
# from collections.abc import Callable
# from functools import wraps
# from typing import Any
#
# from flask.typing import ResponseReturnValue
#
# from ..models import ApiToken, User
# END SOLUTION

MAX_TOKEN_LENGTH = 100


def hash_token(raw: str) -> str:
    """The SHA-256 hex digest that is stored for a token."""
    # BEGIN SOLUTION api
    return hashlib.sha256(raw.encode()).hexdigest()
    # END SOLUTION


def issue_token(user: User) -> str:
    """Create a token for `user`, store its hash and return the token itself (shown once)."""
    # BEGIN SOLUTION api
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(raw)))
    db.session.commit()
    return raw
    # END SOLUTION


def find_token(raw: str) -> ApiToken | None:
    """The stored token matching `raw`, or None."""
    # BEGIN SOLUTION api
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(db.select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).scalar_one_or_none()
    # END SOLUTION


def token_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Let a call through only with a valid bearer token; its user is `g.api_user`."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        # BEGIN SOLUTION api
        # Werkzeug parses the header: None without one, else .type ("bearer") and .token.
        auth = request.authorization
        token = find_token(auth.token or "") if auth is not None and auth.type == "bearer" else None
        if token is None:
            raise Unauthorized(
                description="Send a valid API token: 'Authorization: Bearer <token>'.",
                www_authenticate=WWWAuthenticate("bearer"),
            )
        g.api_token = token
        g.api_user = token.user
        # END SOLUTION
        return view(*args, **kwargs)

    return wrapped
