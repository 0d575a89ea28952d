"""The auth blueprint: registration, login and logout, password reset, the user list."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

# The views register themselves on bp when imported; importing them here, at
# the end, means importing the blueprint is enough to get its routes.
from . import views  # noqa: E402, F401
