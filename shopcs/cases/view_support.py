"""What the case pages share: the viewer, shop-local times in forms, the first-response clock as text, labels."""
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape
from math import ceil, floor
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..app_config import shop_zone
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
from .queue.pages import Viewer


def current_viewer() -> Viewer:
    return Viewer(user_id=current_user.id, role=current_user.role)


def local_now(now: datetime) -> datetime:
    """`now` as the naive shop-local minute a datetime-local input shows."""
    return to_local(now, shop_zone()).replace(tzinfo=None, second=0, microsecond=0)


def from_local(value: datetime | None) -> datetime | None:
    """A naive shop-local time from a form, as aware UTC."""
    return None if value is None else value.replace(tzinfo=ZoneInfo(shop_zone())).astimezone(UTC)


def duration_text(amount: timedelta, round_up: bool) -> str:
    """"4 min", "3 h 59 min", "2 d 5 h"; remaining time is rounded up, elapsed time down (as static/cases.js does)."""
    return _duration(amount, round_up, clock_texts())


def clock_texts() -> dict[str, str]:
    """The clock's format strings in the request's language, translated once per app and language (a queue page
    formats fifty clocks: gettext for each of them cost more than the arithmetic). Nothing of a user in here."""
    cache = current_app.extensions.setdefault("shopcs.case_clock_texts", {})
    language = str(get_locale())
    texts = cache.get(language)
    if texts is None:
        texts = cache[language] = {name: str(text) for name, text in _CLOCK_TEXTS.items()}
    return texts


_CLOCK_TEXTS = {"under": _l("under a minute"), "min": _l("%(minutes)s min"), "hmin": _l("%(hours)s h %(minutes)s min"),
                "dh": _l("%(days)s d %(hours)s h"), "ok": _l("%(time)s left"), "amber": _l("%(time)s left"),
                "red": _l("overdue %(time)s"), "met": _l("answered in %(time)s"), "breached": _l("breached by %(time)s")}


def _duration(amount: timedelta, round_up: bool, texts: dict[str, str]) -> str:
    seconds = amount.total_seconds() / 60
    minutes = ceil(seconds) if round_up else floor(seconds)
    if minutes <= 0:
        return texts["under"]
    if minutes < 60:
        return texts["min"] % {"minutes": minutes}
    if minutes < 24 * 60:
        return texts["hmin"] % {"hours": minutes // 60, "minutes": minutes % 60}
    return texts["dh"] % {"days": minutes // 1440, "hours": minutes % 1440 // 60}


class ClockView(NamedTuple):
    level: str  # sla.LEVELS: ok, amber, red (unanswered); met, breached (answered)
    text: str
    received_at: datetime
    due_at: datetime
    share: Decimal

    @property
    def running(self) -> bool:
        return self.level in ("ok", "amber", "red")

    def html(self, test: str = "case-clock") -> Markup:
        """The clock's <span>; static/cases.js refreshes a running one from its data- attributes. Built here rather
        than in a macro: a queue page shows fifty, and Jinja spent more on their attributes than on the rest of a row."""
        running = ""
        if self.running:  # ISO times and a decimal: nothing to escape
            running = f' data-clock data-received="{utc_iso(self.received_at)}" data-due="{utc_iso(self.due_at)}" data-share="{self.share}"'
        # the level is one of sla.LEVELS; the test name and the text are escaped (html.escape: str in, str out)
        return Markup(f'<span class="clock clock-{self.level}" data-test="{escape(test)}" data-level="{self.level}"{running}>'
                      f"{escape(self.text)}</span>")


def utc_iso(value: datetime | None) -> str:
    if not value:
        return ""
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).isoformat()


class ClockContext(NamedTuple):
    """What every clock of one request shares, worked out once: now, the amber share as an exact fraction, texts."""
    now: datetime
    share: Decimal
    share_ratio: tuple[int, int]
    texts: dict[str, str]


def clock_context(now: datetime, share: Decimal) -> ClockContext:
    exact = Decimal("0.4") if share is None else Decimal(share)  # as sla.clock()
    return ClockContext(_as_utc(now), share, exact.as_integer_ratio(), clock_texts())


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is UTC else sla._utc(moment)  # the columns give aware UTC already


def clock_view(case, now: datetime | ClockContext, share: Decimal | None = None) -> ClockView:
    """`case`: anything with received_at, first_response_due_at and first_responded_at (a Case or a queue row);
    `now`: the time, or a clock_context() shared by a page's clocks. The level is sla.clock()'s, with integer
    arithmetic instead of Decimal (the share as an exact fraction), the text from the translated formats."""
    context = now if isinstance(now, ClockContext) else clock_context(now, share)
    received, due, responded = case.received_at, case.first_response_due_at, case.first_responded_at
    received_utc, due_utc = _as_utc(received), _as_utc(due)
    texts = context.texts
    if responded is not None:
        responded_utc = _as_utc(responded)
        if responded_utc <= due_utc:
            level, time = "met", _duration(responded - received, False, texts)
        else:
            level, time = "breached", _duration(responded_utc - due_utc, False, texts)
    else:
        remaining = due_utc - context.now
        if remaining < _ZERO:
            level, time = "red", _duration(-remaining, False, texts)
        else:
            numerator, denominator = context.share_ratio
            # sla.clock: remaining <= share × (due - received), in whole microseconds
            amber = remaining // _MICROSECOND * denominator <= numerator * ((due_utc - received_utc) // _MICROSECOND)
            level, time = "amber" if amber else "ok", _duration(remaining, True, texts)
    return ClockView(level, texts[level] % {"time": time}, received, due, context.share)


_ZERO, _MICROSECOND = timedelta(0), timedelta(microseconds=1)


class _Labels(dict):
    """Codes to words (plain str in one language); an unknown code shows as stored, as label_lookup() does."""

    def __missing__(self, code):
        return code


_LABEL_MAPS = {"category": CATEGORY_LABELS, "channel": CHANNEL_LABELS, "severity": SEVERITY_LABELS,
               "status": STATUS_LABELS, "team": TEAM_LABELS}


def case_labels(kind: str) -> dict[str, str]:
    """A label map as the case_* filters show it, as plain strings in the current language, for templates that
    fixed_parts() renders once per language (templates/cases/_queue_fixed.html): no lazy string left per row."""
    return _Labels((code, str(label)) for code, label in _LABEL_MAPS[kind].items())


def register_filters(bp) -> None:
    for name, labels in (("case_category", CATEGORY_LABELS), ("case_channel", CHANNEL_LABELS),
                         ("case_severity", SEVERITY_LABELS), ("case_status", STATUS_LABELS), ("case_team", TEAM_LABELS),
                         ("case_event", EVENT_LABELS), ("case_escalation", ESCALATION_LABELS)):
        bp.add_app_template_filter(label_lookup(labels), name)
    bp.add_app_template_filter(label_lookup(SEVERITY_BADGES, default=""), "case_severity_badge")
    bp.add_app_template_filter(label_lookup(STATUS_BADGES, default="badge-muted"), "case_status_badge")
    bp.add_app_template_filter(utc_iso, "utc_iso")
    bp.add_app_template_global(case_labels, "case_labels")
