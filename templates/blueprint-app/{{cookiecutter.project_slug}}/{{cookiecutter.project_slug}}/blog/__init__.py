"""The blog blueprint: posts with tags, written by logged-in users."""

from flask import Blueprint

bp = Blueprint("blog", __name__, url_prefix="/blog")

from . import views  # noqa: E402, F401  (the views register themselves on bp)
from .recent import recently_viewed  # noqa: E402


@bp.context_processor
def inject_recent_posts() -> dict:
    """Every template of this blueprint can show the visitor's recently viewed posts."""
    return {"recent_posts": recently_viewed()}
