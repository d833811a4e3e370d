"""What the case pages share: the viewer, shop-local times in forms, the first-response clock as text, labels."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from math import ceil, floor
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n_labels import label_lookup
from ..timeutil import UTC, to_local
from . import sla
from .forms import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    ESCALATION_LABELS,
    EVENT_LABELS,
    SEVERITY_BADGES,
    SEVERITY_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    TEAM_LABELS,
)
from .page_queries import Viewer


def current_viewer() -> Viewer:
    return Viewer(user_id=current_user.id, role=current_user.role)


def zone() -> str:
    return current_app.config["SHOPCS_TIMEZONE"]


def local_now(now: datetime) -> datetime:
    """`now` as the naive shop-local minute a datetime-local input shows."""
    return to_local(now, zone()).replace(tzinfo=None, second=0, microsecond=0)


def from_local(value: datetime | None) -> datetime | None:
    """A naive shop-local time from a form, as aware UTC."""
    return None if value is None else value.replace(tzinfo=ZoneInfo(zone())).astimezone(UTC)


def duration_text(amount: timedelta, round_up: bool) -> str:
    """"4 min", "3 h 59 min", "2 d 5 h"; remaining time is rounded up, elapsed time down (as static/cases.js does)."""
    seconds = amount.total_seconds() / 60
    minutes = ceil(seconds) if round_up else floor(seconds)
    if minutes <= 0:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)s min", minutes=minutes)
    if minutes < 24 * 60:
        return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)
    return _("%(days)s d %(hours)s h", days=minutes // 1440, hours=minutes % 1440 // 60)


@dataclass(frozen=True)
class ClockView:
    level: str  # sla.LEVELS: ok, amber, red (unanswered); met, breached (answered)
    text: str
    received_at: datetime
    due_at: datetime
    share: Decimal

    @property
    def running(self) -> bool:
        return self.level in ("ok", "amber", "red")


def clock_view(case, now: datetime, share: Decimal) -> ClockView:
    """`case`: anything with received_at, first_response_due_at and first_responded_at (a Case or a queue row)."""
    received, due, responded = case.received_at, case.first_response_due_at, case.first_responded_at
    clock = sla.clock(received, due, responded, now, amber_share=share)
    if clock.level in ("ok", "amber"):
        text = _("%(time)s left", time=duration_text(clock.remaining, round_up=True))
    elif clock.level == "red":
        text = _("overdue %(time)s", time=duration_text(-clock.remaining, round_up=False))
    elif clock.level == "met":
        text = _("answered in %(time)s", time=duration_text(responded - received, round_up=False))
    else:
        text = _("breached by %(time)s", time=duration_text(-clock.remaining, round_up=False))
    return ClockView(clock.level, text, received, due, share)


def register_filters(bp) -> None:
    for name, labels in (("case_category", CATEGORY_LABELS), ("case_channel", CHANNEL_LABELS),
                         ("case_severity", SEVERITY_LABELS), ("case_status", STATUS_LABELS), ("case_team", TEAM_LABELS),
                         ("case_event", EVENT_LABELS), ("case_escalation", ESCALATION_LABELS)):
        bp.add_app_template_filter(label_lookup(labels), name)
    bp.add_app_template_filter(label_lookup(SEVERITY_BADGES, default=""), "case_severity_badge")
    bp.add_app_template_filter(label_lookup(STATUS_BADGES, default="badge-muted"), "case_status_badge")
    bp.add_app_template_filter(lambda value: value.astimezone(UTC).isoformat() if value else "", "utc_iso")
