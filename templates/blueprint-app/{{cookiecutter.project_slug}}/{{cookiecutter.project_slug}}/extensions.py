"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration: every
extension keeps its per-app state in `app.extensions`, not on itself.
"""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of every model."""


db = SQLAlchemy(model_class=Base)
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


def login_rate_limit() -> str:
    """The limit on password guesses (login form and token API), from the setting LOGIN_RATE_LIMIT."""
    return current_app.config["LOGIN_RATE_LIMIT"]
