"""Flask extensions, created here without an app and bound in `create_app`.

Creating them unbound lets the application factory build as many apps as it
likes (one per test, for example), each with its own configuration.
"""

from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of every model."""


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
