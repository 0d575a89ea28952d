"""The whole run: extract -> clean -> skip what is old -> load, recorded in the run log.

A run is a row of the `runs` table. Its counts and watermark are written in
the same transaction as each batch of orders, so the run log never claims
more than the database holds.

A run lives only as long as the process that works on it. While it works it
beats: it writes `heartbeat_at` every few seconds. A queued or running run
whose heartbeat is older than ETL_RUN_STALE_SECONDS was abandoned (its process
was stopped, or restarted by the debug reloader); the next run of its source
marks it failed, saying so, and keeps what it had loaded.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import ColumnElement, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from . import records
from .extensions import db
from .extract import SourceError, extract
from .load import load_orders, order_row, orders_table
from .models import ERROR_MAX_LENGTH, UNFINISHED, Product, Run, utcnow
from .quarantine import RejectWriter, check_reject_rate, clean
from .records import Order, Raw, Reject
from .upstream import read_api

runs_table = Run.__table__
# The run this thread or task works on: RunIdFilter copies it into every log record.
current_run: contextvars.ContextVar[int | None] = contextvars.ContextVar("current_run", default=None)

# progress(counts): called after each batch with the counts so far.
Progress = Callable[[dict], None]
# An order dated later than this after the run's start is refused: clocks differ a
# little, but an order from next year is an error, and it would become the watermark.
FUTURE_TOLERANCE = timedelta(days=1)
# Orders at or before the watermark are compared with the stored rows this many at a time.
COMPARE_CHUNK = 1000
# The columns an order must match to count as already loaded.
COMPARED = ("ordered_at", "customer", "sku", "quantity", "unit_price_cents", "status")


class SourceBusy(Exception):
    """A run of this source is already queued or running."""

    def __init__(self, source: str, run_id: int | None) -> None:
        super().__init__(f"Run {run_id} of {source} is not finished yet.")
        self.source = source
        self.run_id = run_id


class RunIdFilter(logging.Filter):
    """Give every log record a `run_id` attribute: the run being worked on, or "-" outside a run."""

    def filter(self, record: logging.LogRecord) -> bool:
        run_id = current_run.get()
        record.run_id = "-" if run_id is None else run_id
        return True


def abandoned_runs(statuses: tuple[str, ...] = UNFINISHED) -> ColumnElement[bool]:
    """The condition of a run in `statuses` whose heartbeat stopped too long ago.

    A running run writes its heartbeat every few seconds, so ETL_RUN_STALE_SECONDS of silence
    means its process stopped. A queued run writes none while it waits its turn on a task
    queue, which may rightly take long; only after ETL_QUEUED_STALE_SECONDS is its message
    taken for lost (Redis gives a message a dead worker took back after its visibility
    timeout, an hour by default).
    """
    now = utcnow()

    def silent_for(seconds: int) -> ColumnElement[bool]:
        return or_(runs_table.c.heartbeat_at.is_(None), runs_table.c.heartbeat_at < now - timedelta(seconds=seconds))

    running = (runs_table.c.status == "running") & silent_for(current_app.config["ETL_RUN_STALE_SECONDS"])
    queued = (runs_table.c.status == "queued") & silent_for(current_app.config["ETL_QUEUED_STALE_SECONDS"])
    return runs_table.c.status.in_(statuses) & or_(running, queued)


def stalled_statuses() -> tuple[str, ...]:
    """The statuses in which a run beats: with threads a queued run starts at once, so both;
    on a task queue a queued run may wait its turn without a heartbeat, so only "running"."""
    return UNFINISHED if current_app.config["ETL_RUNNER"] == "threads" else ("running",)


def recover_abandoned(source: str | None = None, statuses: tuple[str, ...] = UNFINISHED) -> list[int]:
    """Mark failed every unfinished run (of `source`, or of any source) that `abandoned_runs`
    finds; return their ids. Each one's error says how long it was silent.

    `statuses` narrows it: ("running",) leaves alone the queued runs, which may be
    waiting their turn on a task queue. Only the status changes: the batches such a
    run committed stay loaded, and its counts and watermark (written with each batch)
    stay true.
    """
    running_stale = current_app.config["ETL_RUN_STALE_SECONDS"]
    queued_stale = current_app.config["ETL_QUEUED_STALE_SECONDS"]
    now = utcnow()
    abandoned = abandoned_runs(statuses)
    if source is not None:
        abandoned &= runs_table.c.source == source
    with db.engine.begin() as connection:
        ids = list(connection.execute(select(runs_table.c.id).where(abandoned)).scalars())
        if ids:
            error = case(
                (
                    runs_table.c.status == "queued",
                    f"abandoned: queued for over {queued_stale} seconds and never started",
                ),
                else_=f"abandoned: no heartbeat for over {running_stale} seconds (its process stopped)",
            )
            connection.execute(
                update(runs_table)
                .where(runs_table.c.id.in_(ids), abandoned)
                .values(status="failed", finished_at=now, error=error)
            )
    for run_id in ids:
        current_app.logger.warning("run %s was abandoned by its process: marked failed", run_id)
    return ids


def create_run(source: str) -> int:
    """Add a queued run for `source` (a file name) to the run log; return its id.

    Raise SourceBusy when a run of `source` is still queued or running. The database
    decides (a unique index over the unfinished runs), so two callers at the same
    instant cannot both get a run. An abandoned run is recovered first.
    """
    recover_abandoned(source)
    now = utcnow()
    statement = insert(runs_table).values(source=source, status="queued", created_at=now, heartbeat_at=now)
    try:
        with db.engine.begin() as connection:
            return connection.execute(statement).inserted_primary_key[0]
    except IntegrityError:
        with db.engine.connect() as connection:
            busy = connection.execute(
                select(runs_table.c.id).where(runs_table.c.source == source, runs_table.c.status.in_(UNFINISHED))
            ).scalar()
        raise SourceBusy(source, busy) from None


def discard_run(run_id: int) -> None:
    """Delete a queued run that was never started (no worker could take it)."""
    with db.engine.begin() as connection:
        connection.execute(delete(runs_table).where(runs_table.c.id == run_id, runs_table.c.status == "queued"))


class Heartbeat:
    """While the block runs, a thread writes the run's `heartbeat_at` every `interval` seconds."""

    def __init__(self, engine: Engine, run_id: int, interval: float, logger: logging.Logger) -> None:
        self.engine, self.run_id, self.interval, self.logger = engine, run_id, interval, logger
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"etl-heartbeat-{run_id}", daemon=True)

    def _beat(self) -> None:
        beat = update(runs_table).where(runs_table.c.id == self.run_id, runs_table.c.status == "running")
        while not self._stop.wait(self.interval):
            try:
                with self.engine.begin() as connection:
                    connection.execute(beat.values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat is not fatal; the next one may work
                self.logger.exception("run %s: the heartbeat could not be written", self.run_id)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def open_source(source: Path) -> Iterator[Raw | Reject]:
    """The records of `source`: an API's (ETL_API_SOURCES names it) or else the file's."""
    url = current_app.config["ETL_API_SOURCES"].get(source.name)
    return extract(source) if url is None else read_api(url)


def get_run(run_id: int) -> dict | None:
    """The run log row of `run_id` as a dict (None when there is none)."""
    with db.engine.connect() as connection:
        row = connection.execute(select(runs_table).where(runs_table.c.id == run_id)).mappings().first()
    return dict(row) if row is not None else None


def rejects_path(source: Path, run_id: int) -> Path:
    """Where a run writes its rejects: next to the source, named after it and the run."""
    return source.with_name(f"{source.stem}.run{run_id}.rejects.csv")


def keep_old_rejects(path: Path) -> Path | None:
    """Rename a rejects file that is already at `path` to `<name>.<its time>.csv`; return the new name.

    Such a file belongs to a run of an earlier database: `flask etl init-db` starts
    the run ids at 1 again. A new run must not overwrite it.
    """
    if not path.exists():
        return None
    stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    kept = path.with_name(f"{path.stem}.{stamp}{path.suffix}")
    path.replace(kept)
    return kept


def last_watermark(connection: Connection, source: str) -> datetime | None:
    """The newest ordered_at that any run recorded for `source` (None when there is none)."""
    # BEGIN SOLUTION incremental
    # MAX ignores NULL: runs that loaded nothing do not count.
    return connection.execute(select(func.max(runs_table.c.watermark)).where(runs_table.c.source == source)).scalar()
    # END SOLUTION


def skip_old(orders: Iterable[Order], watermark: datetime | None, counts: dict) -> Iterator[Order]:
    """Yield the orders newer than `watermark` (all of them when it is None); count the others in counts["skipped"]."""
    # BEGIN SOLUTION incremental
    for order in orders:
        if watermark is not None and order.ordered_at <= watermark:
            counts["skipped"] += 1
        else:
            yield order
    # END SOLUTION


def refuse_future(orders: Iterable[Order], latest: datetime, rejects: RejectWriter) -> Iterator[Order]:
    """Yield the orders dated at most `latest`; send the others to `rejects` (records.FUTURE_DATE)."""
    for order in orders:
        if order.ordered_at > latest:
            rejects.write(Reject(order.line, records.FUTURE_DATE, order.order_id))
        else:
            yield order


def hold_back_old(
    orders: Iterable[Order], watermark: datetime | None, rejects: RejectWriter, engine: Engine
) -> Iterator[Order]:
    """Yield the orders newer than `watermark`, and the older ones stored exactly as they are
    (skip_old then skips those); reject, with the reason, an older order that is not stored
    (it came late) or is stored with other values (it changed): an incremental run cannot
    load them, and must not drop them without a word."""
    if watermark is None:
        yield from orders
        return
    older: list[Order] = []
    for order in orders:
        if order.ordered_at > watermark:
            yield order
            continue
        older.append(order)
        if len(older) == COMPARE_CHUNK:
            yield from _stored_unchanged(older, rejects, engine)
            older = []
    yield from _stored_unchanged(older, rejects, engine)


def _stored_unchanged(orders: list[Order], rejects: RejectWriter, engine: Engine) -> Iterator[Order]:
    """The orders of `orders` stored with the same values; a Reject for each of the others."""
    if not orders:
        return
    columns = [orders_table.c.order_id, *(orders_table.c[name] for name in COMPARED)]
    ids = [order.order_id for order in orders]
    with engine.connect() as connection:
        stored = {row.order_id: row for row in connection.execute(select(*columns).where(columns[0].in_(ids)))}
    for order in orders:
        row = stored.get(order.order_id)
        values = order_row(order, 0)
        if row is None:
            rejects.write(Reject(order.line, records.LATE_ORDER, order.order_id))
        elif any(getattr(row, name) != values[name] for name in COMPARED):
            rejects.write(Reject(order.line, records.CHANGED_OLD_ORDER, order.order_id))
        else:
            yield order


def fingerprint(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (constant memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def unchanged_since(connection: Connection, source: str, digest: str) -> int | None:
    """The id of the last succeeded run of `source` when it read the same bytes (`digest`), else None."""
    last = connection.execute(
        select(runs_table.c.id, runs_table.c.fingerprint)
        .where(runs_table.c.source == source, runs_table.c.status == "succeeded")
        .order_by(runs_table.c.id.desc())
        .limit(1)
    ).first()
    return last.id if last is not None and last.fingerprint == digest else None


def record_progress(connection: Connection, run_id: int, counts: dict, watermark: datetime | None) -> None:
    """Write the counts (read, loaded, rejected, skipped) and the watermark into the run's row."""
    # BEGIN SOLUTION incremental
    connection.execute(update(runs_table).where(runs_table.c.id == run_id).values(**counts, watermark=watermark))
    # END SOLUTION


def finish_run(run_id: int, counts: dict, status: str, error: str | None = None) -> None:
    """Record the end of a running run: its final counts, its status and the time."""
    values = {**counts, "status": status, "finished_at": utcnow(), "error": error}
    # Only a run still marked running: one recovered as abandoned meanwhile stays failed.
    finish = update(runs_table).where(runs_table.c.id == run_id, runs_table.c.status == "running")
    with db.engine.begin() as connection:
        connection.execute(finish.values(**values))


def run_pipeline(
    source: Path,
    *,
    run_id: int | None = None,
    full: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> dict:
    """Load one source file, recording the run; return the finished run's row as a dict.

    Without `full`, orders no newer than the source's watermark are skipped.
    A failure marks the run "failed" with the error instead of raising. Without
    `run_id`, a new run is created: SourceBusy when one of this source is unfinished.
    """
    source = Path(source)
    if run_id is None:
        run_id = create_run(source.name)
    if batch_size is None:
        batch_size = current_app.config["ETL_BATCH_SIZE"]
    try:
        digest = fingerprint(source)
    except OSError:
        digest = None  # the run fails on it below, with the reader's own message
    engine = db.engine
    with engine.begin() as connection:
        now = utcnow()
        start = update(runs_table).where(runs_table.c.id == run_id, runs_table.c.status == "queued")
        started = connection.execute(
            start.values(status="running", started_at=now, heartbeat_at=now, fingerprint=digest)
        ).rowcount
        known_skus = set(connection.execute(select(Product.sku)).scalars())
        watermark = None if full else last_watermark(connection, source.name)
        same_as = unchanged_since(connection, source.name, digest) if watermark is not None and digest else None
    if not started:  # recovered as abandoned before it could start, or not queued at all
        current_app.logger.warning("run %s is not queued: not started", run_id)
        return get_run(run_id)
    token = current_run.set(run_id)  # the log records of this run carry its id
    try:
        if same_as is not None:
            current_app.logger.info(
                "run %s: %s is byte for byte what run %s loaded: its old orders are skipped without comparing them",
                run_id, source.name, same_as,
            )  # fmt: skip
        with Heartbeat(engine, run_id, current_app.config["ETL_RUN_STALE_SECONDS"] / 4, current_app.logger):
            _work(source, run_id, batch_size, progress, known_skus, watermark, compare_old=same_as is None)
    finally:
        current_run.reset(token)
    return get_run(run_id)


def _work(
    source: Path,
    run_id: int,
    batch_size: int,
    progress: Progress | None,
    known_skus: set[str],
    watermark: datetime | None,
    compare_old: bool = True,
) -> None:
    """The body of a started run: extract, clean, skip, load; record its end in the run log.

    Without `compare_old` (the file is the one the last succeeded run read), the orders at or
    before the watermark are taken as stored unchanged and skipped without reading them back.
    """
    engine = db.engine

    counts = {"read": 0, "loaded": 0, "rejected": 0, "skipped": 0}
    newest: datetime | None = None  # this run's own watermark so far
    reported = 0  # counts["read"] when progress was last recorded

    def report(connection: Connection) -> None:
        nonlocal reported
        reported = counts["read"]
        record_progress(connection, run_id, counts, newest)
        if progress is not None:
            progress(dict(counts))

    def report_reading() -> None:
        """Record the reading alone, in its own short transaction (no batch carries it)."""
        counts["rejected"] = rejects.count
        with engine.begin() as connection:
            report(connection)

    def counted(items: Iterable) -> Iterator:
        for item in items:
            counts["read"] += 1
            yield item
            # A stretch with nothing to load (a second run of the same file skips every
            # order) sends no batch: report the reading itself, at the pace batches would,
            # one short transaction per two batches' worth of records, never one per record.
            if counts["read"] - reported >= 2 * batch_size:
                report_reading()

    try:
        rejects_file = rejects_path(source, run_id)
        kept = keep_old_rejects(rejects_file)
        if kept is not None:
            current_app.logger.warning("run %s: an older rejects file with its name is kept as %s", run_id, kept)
        with RejectWriter(rejects_file) as rejects:

            def on_batch(connection: Connection, loaded: list[Order], duplicates: list[Reject]) -> None:
                nonlocal newest
                for reject in duplicates:
                    rejects.write(reject)
                counts["loaded"] += len(loaded)
                counts["rejected"] = rejects.count
                # Raised here, inside the batch's transaction: this batch is rolled back, the earlier stay.
                check_reject_rate(counts, max_rate)
                if loaded:
                    batch_newest = max(order.ordered_at for order in loaded)
                    newest = batch_newest if newest is None else max(newest, batch_newest)
                report(connection)

            latest = utcnow() + FUTURE_TOLERANCE
            max_rate = current_app.config["ETL_MAX_REJECT_RATE"]
            orders = clean(counted(open_source(source)), known_skus, rejects)
            orders = refuse_future(orders, latest, rejects)
            if compare_old:
                orders = hold_back_old(orders, watermark, rejects, engine)
            orders = skip_old(orders, watermark, counts)
            load_orders(engine, orders, run_id=run_id, batch_size=batch_size, on_batch=on_batch)
            counts["rejected"] = rejects.count
            check_reject_rate(counts, max_rate)  # the bad records after the last batch count too
    except Exception as error:  # recorded in the run log: callers read the status
        if isinstance(error, SourceError):  # the source is wrong, not the code: one line says it all
            current_app.logger.error("run %s of %s failed: %s", run_id, source.name, error)
        else:
            current_app.logger.exception("run %s of %s failed", run_id, source.name)
        # Only whole batches were committed: count what is really there.
        with engine.connect() as connection:
            counts["loaded"] = connection.execute(
                select(func.count()).select_from(orders_table).where(orders_table.c.run_id == run_id)
            ).scalar_one()
        finish_run(run_id, counts, "failed", str(error)[:ERROR_MAX_LENGTH])
    else:
        finish_run(run_id, counts, "succeeded")
