"""Extract from an HTTP API: a partner's paginated JSON feed of orders, read lazily, page by page.

The API (configured in ETL_API_SOURCES, a name -> URL mapping) answers each GET
with one page, a JSON object:

    {"orders": [{"order_id": "...", ...}, ...], "next": "<cursor>"}

The next page is the same URL with `?cursor=<next>`; `next` is null (or absent) on
the last page. A busy API answers 429 Too Many Requests or 503 Service Unavailable,
often with a Retry-After header: such an answer, or a connection that fails, is
passing, and is tried again after a wait; anything else that is not 200 is not.
"""

from __future__ import annotations

# BEGIN SOLUTION http-source
import json
# STUB
# END SOLUTION
import time
from collections.abc import Callable, Iterator

# BEGIN SOLUTION http-source
import requests
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from . import records
# STUB
# from . import records
# END SOLUTION
from .extract import SourceError

# Answers that say "try again later".
PASSING_STATUSES = frozenset({429, 502, 503, 504})
# Requests per page at most: the first and four retries.
ATTEMPTS = 5
# The longest wait between two attempts, whatever Retry-After asks for.
MAX_WAIT = 60
# Seconds to connect, and to wait for an answer.
TIMEOUT = (5, 30)

Sleep = Callable[[float], None]


class UpstreamError(SourceError):
    """The API could not give its orders: it answered an error, or kept failing until we gave up."""


class PassingFailure(Exception):
    """One attempt failed in a way that may pass: a 429, a 503, a failed connection.

    `retry_after` is the wait in seconds that the answer asked for (None when it did not say).
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def fetch_pages(url: str, *, session: object = None, sleep: Sleep = time.sleep) -> Iterator[list]:
    """Yield the `orders` list of each page of the API at `url`, fetching a page only when
    the caller asks for it. Retry a passing failure, at most ATTEMPTS requests per page,
    waiting what Retry-After says (at most MAX_WAIT) or else 1, 2, 4, 8 seconds, by calling
    `sleep`; raise UpstreamError for any other failure, or when the attempts run out."""
    # BEGIN SOLUTION http-source
    own_session = session is None
    session = requests.Session() if own_session else session
    try:
        cursor = None
        page = 1
        while True:
            params = {} if cursor is None else {"cursor": cursor}
            retrying = Retrying(
                retry=retry_if_exception_type(PassingFailure),
                stop=stop_after_attempt(ATTEMPTS),
                wait=_wait,
                sleep=sleep,
            )
            try:
                body = retrying(_get_page, session, url, params, page)
            except RetryError as error:
                last = error.last_attempt.exception()
                raise UpstreamError(f"{url}: gave up after {ATTEMPTS} attempts at page {page}: {last}") from None
            yield body["orders"]
            cursor = body.get("next")
            if cursor is None:
                return
            page += 1
    finally:
        if own_session:
            session.close()
    # END SOLUTION


# BEGIN SOLUTION http-source
_backoff = wait_exponential(multiplier=1, max=MAX_WAIT)  # 1, 2, 4, 8... seconds


def _wait(retry_state) -> float:
    """Tenacity's wait: the Retry-After of the failed answer when it gave one, else the backoff."""
    failure = retry_state.outcome.exception()
    if isinstance(failure, PassingFailure) and failure.retry_after is not None:
        return min(failure.retry_after, MAX_WAIT)
    return _backoff(retry_state)


def _get_page(session, url: str, params: dict, page: int) -> dict:
    """One attempt at one page: its JSON body, PassingFailure to try again, UpstreamError to stop."""
    try:
        response = session.get(url, params=params, timeout=TIMEOUT)
    except (requests.ConnectionError, requests.Timeout) as error:
        raise PassingFailure(f"the connection failed ({type(error).__name__})") from None
    if response.status_code in PASSING_STATUSES:
        raise PassingFailure(f"{response.status_code} {response.reason}", retry_after_seconds(response))
    if response.status_code != 200:
        raise UpstreamError(f"{url}: page {page} answered {response.status_code} {response.reason}")
    try:
        body = response.json()
    except ValueError:
        raise UpstreamError(f"{url}: page {page} is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
        raise UpstreamError(f"{url}: page {page} is not an object with a list of orders")
    if body.get("next") is not None and not isinstance(body["next"], str):
        raise UpstreamError(f"{url}: the next cursor of page {page} is not a string")
    return body


def retry_after_seconds(response) -> float | None:
    """The seconds a Retry-After header asks for (a number, or an HTTP date); None without a usable one."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return Retry().parse_retry_after(value)  # urllib3 reads both forms
    except InvalidHeader:  # an unreadable header is as good as none: back off instead
        return None
# STUB
# END SOLUTION


def read_api(url: str, *, session: object = None, sleep: Sleep = time.sleep) -> Iterator[records.Raw | records.Reject]:
    """Yield a Raw for each order object of the API's pages, numbered from 1 across pages,
    or a Reject (records.NOT_AN_OBJECT) for an item that is not a JSON object."""
    # BEGIN SOLUTION http-source
    number = 0
    for orders in fetch_pages(url, session=session, sleep=sleep):
        for item in orders:
            number += 1
            if isinstance(item, dict):
                yield records.Raw(number, item)
            else:
                yield records.Reject(number, records.NOT_AN_OBJECT, records.shorten(json.dumps(item)))
    # END SOLUTION
