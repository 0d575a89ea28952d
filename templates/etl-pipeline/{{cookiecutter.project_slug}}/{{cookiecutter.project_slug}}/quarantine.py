"""Quarantine: set bad records aside with their line and reason, and let the good ones through;
stop a run whose share of bad records says the source itself is broken (the data-quality gate)."""

from __future__ import annotations

# BEGIN SOLUTION quarantine
import csv
# STUB
# END SOLUTION
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

# BEGIN SOLUTION quarantine
from .extract import SourceError
from .records import Order, Raw, Reject
from .transform import parse_order
# STUB
# from .extract import SourceError
# from .records import Order, Raw, Reject
# END SOLUTION

REJECTS_HEADER = ("line", "reason", "source")


class TooManyRejects(SourceError):
    """The data-quality gate stopped a run: it rejected more than ETL_MAX_REJECT_RATE of what it read."""


class RejectWriter:
    """Write rejects to a CSV file (line, reason, source), as they come, and count them.

    Use it as a context manager: `with RejectWriter(path) as rejects: rejects.write(reject)`.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._file = None
        self._writer = None

    def __enter__(self) -> RejectWriter:
        # BEGIN SOLUTION quarantine
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(REJECTS_HEADER)
        return self
        # END SOLUTION

    def write(self, reject: Reject) -> None:
        # BEGIN SOLUTION quarantine
        self._writer.writerow((reject.line, reject.reason, reject.source))
        self.count += 1
        # END SOLUTION

    def __exit__(self, *exc_info: object) -> None:
        # BEGIN SOLUTION quarantine
        self._file.close()
        # END SOLUTION


def clean(items: Iterable[Raw | Reject], known_skus: Container[str], rejects: RejectWriter) -> Iterator[Order]:
    """Yield the valid Orders of `items`; send every Reject (from extract or transform) to `rejects`."""
    # BEGIN SOLUTION quarantine
    for item in items:
        if isinstance(item, Raw):
            item = parse_order(item, known_skus)
        if isinstance(item, Order):
            yield item
        else:
            rejects.write(item)
    # END SOLUTION


def check_reject_rate(counts: dict, max_rate: float) -> None:
    """Raise TooManyRejects when counts["rejected"] is more than `max_rate` (0.1 is 10 %) of counts["read"]."""
    # BEGIN SOLUTION http-source
    read, rejected = counts["read"], counts["rejected"]
    if read and rejected > max_rate * read:
        raise TooManyRejects(
            f"stopped by the data-quality gate: {rejected:,} of {read:,} records rejected ({rejected / read:.1%}), "
            f"more than ETL_MAX_REJECT_RATE ({max_rate:.1%})"
        )
    # STUB
    # # Not done yet (exercise 14): there is no gate, a run loads whatever passes.
    # return
    # END SOLUTION
