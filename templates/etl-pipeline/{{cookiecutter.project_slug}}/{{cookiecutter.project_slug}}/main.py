"""A small HTML home page: the latest runs, and where the API is."""

from flask import Blueprint, render_template

from .extensions import db
from .models import Run

bp = Blueprint("main", __name__)

RECENT_RUNS = 20


@bp.get("/")
def index():
    runs = db.session.execute(db.select(Run).order_by(Run.id.desc()).limit(RECENT_RUNS)).scalars().all()
    return render_template("index.html", runs=runs)
