"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration: every
extension keeps its per-app state in `app.extensions`, not on itself.
"""

from flask import abort, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError


class Base(DeclarativeBase):
    """Base class of every model."""


# expire_on_commit=False: after a commit, objects keep the values just saved
# instead of reading their row again on the next attribute access. A view that
# commits and then shows the post (its id in a redirect, its JSON) needs no
# second query, and cannot fail because another request deleted the row in
# the meantime.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
mail = Mail()

login_manager = LoginManager()
# Where @login_required sends anonymous visitors (with ?next=the page they wanted).
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."

# Rate limits, counted per client address (behind a proxy, set PROXY_COUNT so
# that the address is the client's, not the proxy's). Where the counts are kept
# is the setting RATELIMIT_STORAGE_URI. A moving window: N per day means N in
# any 24 hours, not N before midnight and N more after it.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=True)


def commit_or_404() -> None:
    """Commit the session; answer 404 Not Found when a row it updates was deleted meanwhile.

    A view loads a post, changes it, then commits. If another request deletes
    the post in between, the UPDATE (or the change of its tags) finds no row and
    SQLAlchemy raises StaleDataError: for this user the post does not exist any
    more. If another request gave the post the same new tag meanwhile, the
    second (post, tag) row breaks the table's primary key (IntegrityError): that
    is 409 Conflict, try again. Either way the session is rolled back, so
    nothing half-done is kept.
    """
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        abort(404, description="This post does not exist any more: it was deleted while you were changing it.")
    except IntegrityError:
        db.session.rollback()
        abort(409, description="Someone else changed this post at the same moment: load it again and retry.")


def login_rate_limit() -> str:
    """The limit on password guesses (login form and token API), from the setting LOGIN_RATE_LIMIT."""
    return current_app.config["LOGIN_RATE_LIMIT"]
