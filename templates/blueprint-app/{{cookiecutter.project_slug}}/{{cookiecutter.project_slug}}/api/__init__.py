"""The api blueprint: a JSON API for posts, authenticated with tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import views  # noqa: E402, F401  (the views register themselves on bp)
