"""A small HTML home page for the operator: totals, a chart of daily revenue, the latest runs."""

from flask import Blueprint, render_template
from sqlalchemy import func

from .api import money, revenue_cents
from .extensions import db
from .models import UNFINISHED, Order, Run
from .pipeline import abandoned_runs, stalled_statuses

bp = Blueprint("main", __name__)

RECENT_RUNS = 20
CHART_DAYS = 30
# The chart's drawing area, in SVG user units (the stylesheet scales it to the page).
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 640, 200, 90, 12, 22
BAR_MAX_WIDTH = 40


def shown(cents: int | None) -> str:
    """Money for people: 1234567 -> "12,345.67" (the API's money() has no separators)."""
    units, _, decimals = money(cents).partition(".")
    return f"{int(units):,}.{decimals}"


def revenue_chart(days: list) -> dict:
    """The bars of an SVG bar chart of (day, orders, revenue in cents) rows, oldest first, drawn
    here on the server: the page needs no JavaScript."""
    chart = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "base": HEIGHT - BOTTOM, "bars": []}
    if not days:
        return chart
    peak = max(int(revenue or 0) for _, _, revenue in days) or 1
    slot = (WIDTH - LEFT) / len(days)
    usable = HEIGHT - BOTTOM - TOP
    width = min(slot * 0.8, BAR_MAX_WIDTH)
    for index, (day, orders, revenue) in enumerate(days):
        height = round(usable * int(revenue or 0) / peak, 1)
        chart["bars"].append(
            {
                "x": round(LEFT + index * slot + (slot - width) / 2, 1),
                "y": round(HEIGHT - BOTTOM - height, 1),
                "width": round(width, 1),
                "height": height,
                "day": day.isoformat(),
                "orders": orders,
                "revenue": shown(revenue),
            }
        )
    chart.update(first=days[0][0].isoformat(), last=days[-1][0].isoformat(), peak=shown(peak))
    return chart


@bp.get("/")
def index() -> str:
    # A run whose process stopped still says "running" in the run log until the sweeper (or
    # the next run of its source) marks it failed: show it as stalled meanwhile.
    stalled = abandoned_runs(stalled_statuses())
    runs = db.session.execute(db.select(Run, stalled.label("stalled")).order_by(Run.id.desc()).limit(RECENT_RUNS)).all()
    sold = Order.status != "cancelled"
    orders, revenue = db.session.execute(
        db.select(func.count(), func.sum(revenue_cents())).select_from(Order).where(sold)
    ).one()
    unfinished, stalled_count = db.session.execute(
        db.select(func.count(), func.count().filter(stalled)).select_from(Run).where(Run.status.in_(UNFINISHED))
    ).one()
    day = func.date(Order.ordered_at, type_=db.Date).label("day")
    latest = db.session.execute(
        db.select(day, func.count(), func.sum(revenue_cents())).where(sold).group_by(day).order_by(day.desc())
        .limit(CHART_DAYS)
    ).all()  # fmt: skip
    totals = {"orders": orders, "revenue": shown(revenue), "unfinished": unfinished - stalled_count}
    totals["stalled"] = stalled_count
    return render_template("index.html", runs=runs, totals=totals, chart=revenue_chart(latest[::-1]))
