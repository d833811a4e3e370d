"""Pure rules of the operations side: which incoming request ids are kept, which request methods are labels, and
when a scheduler job is late. No Flask, no database: `now` is passed in."""
import re
from datetime import datetime, timedelta

REQUEST_ID_MAX = 128
# what proxies and tracers send (UUIDs, nginx's $request_id, "Root=1-…;Parent=…"): no spaces, quotes or controls,
# so an id cannot break a log line or a header
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:;=+/-]*")
LATE_AFTER_INTERVALS = 3  # a job that has not run for this many of its intervals is shown as late
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def sane_request_id(value: str | None) -> str | None:
    """The caller's X-Request-ID when it is safe to log and send back as it is; None to make a new one."""
    if not value or len(value) > REQUEST_ID_MAX or not _SANE_REQUEST_ID.fullmatch(value):
        return None
    return value


def method_label(method: str) -> str:
    """A request's method as a metric label: the standard ones, anything else "other" (a label per made-up method
    would let any client add series)."""
    return method if method in METHODS else "other"


def is_late(last_run: datetime | None, interval_seconds: int, now: datetime) -> bool:
    """A job that ran once and has not run again for LATE_AFTER_INTERVALS of its intervals: the scheduler is stopped,
    stuck or failing to reach the database. A job that never ran is not late (the page says "not run yet")."""
    return last_run is not None and now - last_run > timedelta(seconds=LATE_AFTER_INTERVALS * interval_seconds)

