"""Metrics in the Prometheus text format, at GET /metrics: read from the run log when scraped.

Runs are worked on by many processes (gunicorn workers answering the API, Celery workers on
other machines), and a counter kept in one process's memory would count only that process.
prometheus_client's multiprocess mode shares counters through files in one folder, which
works on one machine only. Here every number is computed from the runs table at the moment
Prometheus asks, so whichever process answers, the figures are the same and complete: the
run log already holds each run's status, counts and times, written with each batch.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, case, extract, func, select

from .extensions import db
from .models import RUN_STATUSES, Run
from .pipeline import abandoned_runs, stalled_statuses

bp = Blueprint("metrics", __name__)

# Upper bounds of the run duration histogram's buckets, in seconds.
DURATION_BUCKETS = (1, 5, 15, 60, 300, 900, 3600)
COUNTS = ("read", "loaded", "rejected", "skipped")


def duration_seconds() -> ColumnElement[float]:
    """finished_at - started_at of a run, in seconds, computed by the database."""
    if db.engine.dialect.name == "sqlite":  # times are ISO 8601 text there: julianday reads them
        return (func.julianday(Run.finished_at) - func.julianday(Run.started_at)) * 86400.0
    return extract("epoch", Run.finished_at - Run.started_at)


class RunLogCollector(Collector):
    """The metrics of the run log, queried at each scrape."""

    def collect(self) -> Iterator[Metric]:
        by_status = dict(db.session.execute(select(Run.status, func.count()).group_by(Run.status)).all())
        runs = GaugeMetricFamily("etl_runs", "Runs in the run log, by status.", labels=["status"])
        for status in RUN_STATUSES:
            runs.add_metric([status], by_status.get(status, 0))
        yield runs

        # The runs the home page shows as stalled: the same condition, so the two agree.
        stalled = db.session.execute(select(func.count()).where(abandoned_runs(stalled_statuses()))).scalar_one()
        yield GaugeMetricFamily(
            "etl_runs_stalled",
            "Unfinished runs whose heartbeat stopped (their process stopped): see abandoned_runs.",
            value=stalled,
        )

        totals = db.session.execute(select(*(func.coalesce(func.sum(Run.__table__.c[name]), 0) for name in COUNTS)))
        rows = CounterMetricFamily("etl_rows", "Records of all runs, by what became of them.", labels=["outcome"])
        for name, value in zip(COUNTS, totals.one(), strict=True):
            rows.add_metric([name], value)
        yield rows

        seconds = duration_seconds()
        finished = Run.finished_at.is_not(None) & Run.started_at.is_not(None)
        columns = [func.count(), func.coalesce(func.sum(seconds), 0.0)]
        columns += [func.coalesce(func.sum(case((seconds <= bound, 1), else_=0)), 0) for bound in DURATION_BUCKETS]
        count, total, *cumulative = db.session.execute(select(*columns).where(finished)).one()
        buckets = [(str(float(bound)), value) for bound, value in zip(DURATION_BUCKETS, cumulative, strict=True)]
        yield HistogramMetricFamily(
            "etl_run_duration_seconds",
            "How long finished runs took, from start to finish.",
            buckets=[*buckets, ("+Inf", count)],
            sum_value=float(total),
        )


@bp.get("/metrics")
def metrics() -> Response:
    """The run log's metrics, for Prometheus to scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RunLogCollector())
    current_app.logger.debug("metrics scraped")
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
