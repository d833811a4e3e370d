"""Missed first-response targets "counted and listed" (duty 9): the cases received in a window of shop-local days
whose first answer came after the due time, or that are still unanswered past it at `now`.

"Breached" is sla.is_breached as SQL (sla_sql.breached): answered exactly at the due time is met; unanswered, the
case is breached only once `now` is past the due time. The share is breaches ÷ all cases received in the window, per
channel. The window condition names every category so that ix_cases_category_received (category, received_at)
serves it as one range per category instead of a scan of the whole table.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import case, func, select

from ...auth.models import User
from ...extensions import db
from ...timeutil import to_local
from ...windows import Window, rate
from ..models import Case
from ..rules import CATEGORIES, CHANNELS
from ..sla_sql import breached

MAX_EXPORT_ROWS = 100_000
COLUMNS = ("id", "received_at", "category", "channel", "severity", "status", "subject", "owner", "first_response_due_at",
           "first_responded_at", "late_by_seconds", "answered")


@dataclass(frozen=True)
class ChannelBreaches:
    channel: str  # or "" for the whole window
    cases: int
    breaches: int

    @property
    def share(self) -> Decimal | None:
        return rate(self.breaches, self.cases)


class BreachRow(NamedTuple):
    id: int
    subject: str
    category: str
    channel: str
    severity: str
    status: str
    received_at: datetime
    first_response_due_at: datetime
    first_responded_at: datetime | None
    owner: str | None

    def late_by_seconds(self, now: datetime) -> int:
        """How far past the due time the first answer came, or for an unanswered case how far past it `now` is."""
        return int(((self.first_responded_at or now) - self.first_response_due_at).total_seconds())


def _in_window(window: Window, zone: str) -> list:
    start, end = window.utc_bounds(zone)
    return [Case.category.in_(CATEGORIES), Case.received_at >= start, Case.received_at < end]


def breach_counts(window: Window, zone: str, now: datetime) -> tuple[ChannelBreaches, list[ChannelBreaches]]:
    """(the window's total, one line per channel in CHANNELS order, channels without cases included)."""
    statement = (select(Case.channel, func.count(), func.coalesce(func.sum(case((breached(now), 1), else_=0)), 0))
                 .where(*_in_window(window, zone)).group_by(Case.channel))
    found = {channel: (int(cases), int(late)) for channel, cases, late in db.session.execute(statement)}
    lines = [ChannelBreaches(channel, *found.get(channel, (0, 0))) for channel in CHANNELS]
    lines += [ChannelBreaches(channel, cases, late) for channel, (cases, late) in found.items() if channel not in CHANNELS]
    return ChannelBreaches("", sum(line.cases for line in lines), sum(line.breaches for line in lines)), lines


def breaches_statement(window: Window, zone: str, now: datetime, channel: str = ""):
    """The breached cases, newest first; page it with reports.page_support.page_of or run it for an export."""
    return (select(Case.id, Case.subject, Case.category, Case.channel, Case.severity, Case.status, Case.received_at,
                   Case.first_response_due_at, Case.first_responded_at,
                   func.coalesce(func.nullif(User.display_name, ""), User.username))
            .select_from(Case).outerjoin(User, User.id == Case.owner_id)
            .where(*_in_window(window, zone), breached(now), *([Case.channel == channel] if channel else []))
            .order_by(Case.received_at.desc(), Case.id.desc()))


def _iso(moment: datetime | None, zone: str) -> str | None:
    return None if moment is None else to_local(moment, zone).isoformat(timespec="seconds")


def breaches_json(window: Window, zone: str, now: datetime, channel: str = "") -> dict:
    total, lines = breach_counts(window, zone, now)
    found = db.session.execute(breaches_statement(window, zone, now, channel).limit(MAX_EXPORT_ROWS))
    rows = [BreachRow(*row) for row in found]
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "channel": channel or None,
            "cases": total.cases, "breaches": total.breaches,
            "by_channel": [{"channel": line.channel, "cases": line.cases, "breaches": line.breaches,
                            "share": None if line.share is None else str(line.share)} for line in lines],
            "rows": [{"id": row.id, "received_at": _iso(row.received_at, zone), "category": row.category,
                      "channel": row.channel, "severity": row.severity, "status": row.status, "subject": row.subject,
                      "owner": row.owner, "first_response_due_at": _iso(row.first_response_due_at, zone),
                      "first_responded_at": _iso(row.first_responded_at, zone), "late_by_seconds": row.late_by_seconds(now),
                      "answered": row.first_responded_at is not None} for row in rows]}
