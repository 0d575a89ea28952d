"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration: every
extension keeps its per-app state in `app.extensions`, not on itself.
"""

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
