"""Is the team there now, and if not, when is it back? Pure: the hours, `now` and the shop's zone are passed in.

The chat channel's business hours are the SLA settings' (shopcs.cases.sla): the same hours that set the first-response
clock tell the buyer in the widget when an answer can come.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..cases.sla import MAX_DAYS, BusinessHours


@dataclass(frozen=True)
class Availability:
    open_now: bool
    back_at: datetime | None = None  # aware UTC: the next opening when closed; None when open (or never opening)


def availability(hours: BusinessHours, now: datetime, zone: str) -> Availability:
    """Open when `now` falls in today's span (closing time excluded); else the next day's opening, up to MAX_DAYS."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(ZoneInfo(zone)).date()
    for offset in range(MAX_DAYS):
        span = hours.span(today + timedelta(days=offset), zone)
        if span is None or span[1] <= now:
            continue
        if span[0] <= now:
            return Availability(True)
        return Availability(False, span[0])
    return Availability(False)  # hours that never open: closed, and no time to promise
