"""Recently viewed posts, remembered in the visitor's session.

Flask's session is a cookie: the data is serialised, signed with SECRET_KEY
and sent to the browser. The signature stops a visitor from changing it, but
anyone holding the cookie can read it. So it suits small, harmless data such
as a few post ids, never secrets.
"""

# BEGIN SOLUTION sessions
from flask import session

from ..extensions import db
from ..models import Post
# STUB
# from ..models import Post
# END SOLUTION

RECENT_KEY = "recent"
RECENT_MAX = 5


def remember_viewed(post_id: int) -> None:
    """Put `post_id` first in the session's list of recently viewed posts."""
    # BEGIN SOLUTION sessions
    stored = session.get(RECENT_KEY)
    recent = [i for i in stored if isinstance(i, int) and i != post_id] if isinstance(stored, list) else []
    # Assigning a new list (not changing the old one in place) tells Flask
    # the session changed, so it sends the updated cookie.
    session[RECENT_KEY] = [post_id, *recent][:RECENT_MAX]
    # STUB
    # # Remember post_id in the session here.
    # END SOLUTION


def recently_viewed() -> list[Post]:
    """The posts of the session's list that still exist, most recent first."""
    # BEGIN SOLUTION sessions
    stored = session.get(RECENT_KEY)
    if not isinstance(stored, list):
        return []
    ids = [i for i in stored if isinstance(i, int)][:RECENT_MAX]
    if not ids:
        return []
    found = {post.id: post for post in db.session.execute(db.select(Post).where(Post.id.in_(ids))).scalars()}
    return [found[i] for i in ids if i in found]
    # STUB
    # return []
    # END SOLUTION
