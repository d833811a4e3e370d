"""First-response clocks (duty 9: online replies within 5 minutes, the phone answered within 3). Pure: `now` is passed in.

A target is minutes of *open business time* in the shop's zone, measured in real elapsed time, so a daylight-saving
change inside business hours makes that day exactly an hour shorter or longer. With `public_holidays_off`, China's
public holidays (from the `holidays` library) are closed and its make-up working days (调休, such as a Sunday worked
in exchange for a holiday; the library's `weekend_workdays`) are open whatever `weekdays` says. The library knows
make-up days only for the years the State Council has announced; later years have estimated holidays and none.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from ..errors import Invalid
from ..timeutil import wall_instant
from .rules import CHANNELS

UTC = timezone.utc
MIDNIGHT = time(0)  # as a closing time: the end of the day
EVERY_DAY, MONDAY_TO_FRIDAY = frozenset(range(7)), frozenset(range(5))
MAX_MINUTES = 10080  # a week
MAX_DAYS = 400  # how far ahead a due time is looked for; validated targets fit in far less (four weeks of hours)
LEVELS = ("met", "breached", "ok", "amber", "red")
_MICROSECOND = timedelta(microseconds=1)
_HH_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@lru_cache(maxsize=16)
def _china(year: int):
    """The next year is loaded too: it may move a working day into this one (2002's New Year moved 2001-12-29)."""
    return holidays.country_holidays("CN", years=(year, year + 1))


def is_public_holiday(day: date) -> bool:
    return day in _china(day.year)


def is_make_up_workday(day: date) -> bool:
    """A weekend day worked in exchange for a holiday (调休上班)."""
    return day in _china(day.year).weekend_workdays


@dataclass(frozen=True)
class BusinessHours:
    weekdays: frozenset[int] = EVERY_DAY  # 0 = Monday
    opens: time = MIDNIGHT
    closes: time = MIDNIGHT  # 00:00 = midnight at the end of the day; 00:00–00:00 is the whole day
    public_holidays_off: bool = False

    def open_on(self, day: date) -> bool:
        if self.public_holidays_off:
            if is_make_up_workday(day):
                return True
            if is_public_holiday(day):
                return False
        return day.weekday() in self.weekdays

    def daily_minutes(self) -> int:
        closes = 24 * 60 if self.closes == MIDNIGHT else self.closes.hour * 60 + self.closes.minute
        return closes - (self.opens.hour * 60 + self.opens.minute)

    def span(self, day: date, zone: str) -> tuple[datetime, datetime] | None:
        """The UTC instants `day` opens and closes in `zone`, or None when closed that day."""
        if not self.open_on(day):
            return None
        start = wall_instant(day, self.opens, zone)
        end = wall_instant(day + timedelta(days=1), MIDNIGHT, zone) if self.closes == MIDNIGHT else wall_instant(day, self.closes, zone)
        return (start, end) if start < end else None


@dataclass(frozen=True)
class Target:
    minutes: int  # of open business time
    hours: BusinessHours


def _default_targets() -> dict[str, Target]:
    online = BusinessHours(EVERY_DAY, time(8), MIDNIGHT)
    return {"chat": Target(5, online), "phone": Target(3, BusinessHours(EVERY_DAY, time(9), time(21))),
            "email": Target(240, BusinessHours(MONDAY_TO_FRIDAY, time(9), time(18), True)), "platform": Target(5, online)}


@dataclass(frozen=True)
class SlaSettings:
    targets: dict[str, Target] = field(default_factory=_default_targets)  # one per channel in CHANNELS
    amber_share: Decimal = Decimal("0.4")  # amber once this share of the target's wall time is left

    @classmethod
    def default(cls) -> "SlaSettings":
        """Chat and platform 5 minutes, 08:00–24:00 daily; phone 3 minutes, 09:00–21:00 daily; email 4 working hours,
        Monday–Friday 09:00–18:00 with China's public holidays off."""
        return cls()

    def as_json(self) -> dict:
        return {"amber_share": str(self.amber_share), "targets": {channel: {
            "minutes": t.minutes, "weekdays": sorted(t.hours.weekdays), "opens": t.hours.opens.strftime("%H:%M"),
            "closes": t.hours.closes.strftime("%H:%M"), "public_holidays_off": t.hours.public_holidays_off,
        } for channel, t in self.targets.items()}}


def _utc(moment: datetime) -> datetime:
    """Aware UTC, so that arithmetic is elapsed time (Python adds wall time within one zone)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("SLA times must be timezone-aware")
    return moment.astimezone(UTC)


def first_response_due(received_at: datetime, channel: str, settings: SlaSettings, zone: str) -> datetime:
    """`received_at` plus the channel's target minutes of open time, counted from receipt if open then, else
    from the next opening; aware UTC. A case received exactly at closing time waits for the next opening."""
    target = settings.targets.get(channel)
    if target is None:
        raise ValueError(f"no first-response target for channel {channel!r}")
    received_at, left = _utc(received_at), timedelta(minutes=target.minutes)
    first_day = received_at.astimezone(ZoneInfo(zone)).date()
    for offset in range(MAX_DAYS):
        span = target.hours.span(first_day + timedelta(days=offset), zone)
        if span is None or span[1] <= received_at:
            continue
        start, end = max(span[0], received_at), span[1]
        if start + left <= end:
            return start + left
        left -= end - start
    raise ValueError(f"the {channel} target does not fit in {MAX_DAYS} days of business hours")


@dataclass(frozen=True)
class Clock:
    level: str  # one of LEVELS
    remaining: timedelta  # to the due time: negative when overdue; for met/breached, the margin at the response


def clock(received_at: datetime, due_at: datetime, responded_at: datetime | None, now: datetime,
          settings: "SlaSettings | Decimal | None" = None, *, amber_share: Decimal | None = None) -> Clock:
    """The first-response clock as the queue shows it. Amber compares the wall time left with `amber_share` of the
    wall time between receipt and due time, nights and weekends included: an email received on Friday at 17:00 and
    due on Monday at 12:00 (67 hours) turns amber on Sunday at 09:12. Pass the settings or the share (default 0.4)."""
    share = amber_share if amber_share is not None else getattr(settings, "amber_share", settings)
    share = Decimal("0.4") if share is None else Decimal(share)
    received_at, due_at, now = _utc(received_at), _utc(due_at), _utc(now)
    if responded_at is not None:
        responded_at = _utc(responded_at)
        return Clock("met" if responded_at <= due_at else "breached", due_at - responded_at)
    remaining = due_at - now
    if remaining < timedelta(0):
        return Clock("red", remaining)
    if Decimal(remaining // _MICROSECOND) <= share * Decimal((due_at - received_at) // _MICROSECOND):
        return Clock("amber", remaining)
    return Clock("ok", remaining)


def breach_rule(due_at, responded_at, now, first_present):
    """The one definition of a missed first-response target, for Python values and SQL columns alike: the moment that
    counts is the first response, or `now` while there is none, and the case is breached when it is after the due time
    (answered exactly at the due time is met). `first_present(a, b)` is the first of its arguments that is not null:
    `first_present` below for Python, SQL's COALESCE for statements (sla_sql.breached)."""
    return first_present(responded_at, now) > due_at


def first_present(value, fallback):
    return value if value is not None else fallback


def is_breached(due_at: datetime, responded_at: datetime | None, now: datetime) -> bool:
    """Answered late, or not answered and already past due (breach_rule on aware UTC times)."""
    return breach_rule(_utc(due_at), None if responded_at is None else _utc(responded_at), _utc(now), first_present)


def _whole(value, lowest: int, highest: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,9}", value.strip()):
            return None
        value = int(value.strip())
    return value if lowest <= value <= highest else None


def _weekdays(value) -> frozenset[int] | None:
    items = re.split(r"[\s,]+", value.strip()) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        return None
    days = [_whole(item, 0, 6) for item in items if item != ""]
    return frozenset(days) if days and None not in days else None


def _time_of_day(value, closing: bool) -> time | None:
    if isinstance(value, time):
        return value
    match = _HH_MM.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if closing and (hour, minute) == (24, 0):
        return MIDNIGHT
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in ("1", "true", "on", "yes") else False if text in ("0", "false", "off", "no", "") else None


def _parse_target(channel: str, raw: dict, default: Target, problems: dict) -> Target | None:
    before = len(problems)
    minutes = _whole(raw.get("minutes", default.minutes), 1, MAX_MINUTES)
    days = _weekdays(raw.get("weekdays", default.hours.weekdays))
    opens = _time_of_day(raw.get("opens", default.hours.opens), closing=False)
    closes = _time_of_day(raw.get("closes", default.hours.closes), closing=True)
    off = _flag(raw.get("public_holidays_off", default.hours.public_holidays_off))
    if minutes is None:
        problems[f"{channel}.minutes"] = f"must be a whole number of minutes between 1 and {MAX_MINUTES}"
    if days is None:
        problems[f"{channel}.weekdays"] = "must be one or more days, 0 (Monday) to 6 (Sunday)"
    if opens is None:
        problems[f"{channel}.opens"] = "must be a time such as 09:00"
    if closes is None:
        problems[f"{channel}.closes"] = "must be a time such as 18:00 (00:00 or 24:00 for midnight)"
    elif opens is not None and closes != MIDNIGHT and closes <= opens:
        problems[f"{channel}.closes"] = "must be after the opening time (00:00 for midnight)"
    if off is None:
        problems[f"{channel}.public_holidays_off"] = "must be true or false"
    if len(problems) > before:
        return None
    hours = BusinessHours(days, opens, closes, off)
    if minutes > 4 * len(days) * hours.daily_minutes():
        problems[f"{channel}.minutes"] = "must fit within four weeks of business hours"
        return None
    return Target(minutes, hours)


def parse_sla_settings(values: dict) -> SlaSettings:
    """From stored JSON (`as_json`) or a flat form ("chat.minutes", "email.opens", "amber_percent" 0–100); a missing
    value keeps its default. Raises Invalid naming each bad field."""
    problems: dict[str, str] = {}
    nested = values.get("targets") or {}
    if not isinstance(nested, dict) or set(nested) - set(CHANNELS):
        problems["targets"] = f"must be an object keyed by channel: {', '.join(CHANNELS)}"
        nested = {}
    targets = {}
    for channel, default in _default_targets().items():
        given = nested.get(channel) or {}
        if not isinstance(given, dict):
            problems[channel], given = "must be an object", {}
        flat = {key.split(".", 1)[1]: value for key, value in values.items() if str(key).startswith(f"{channel}.")}
        targets[channel] = _parse_target(channel, {**given, **flat}, default, problems)
    name = "amber_percent" if "amber_percent" in values else "amber_share"
    try:
        share = Decimal(str(values.get(name, SlaSettings.amber_share)).strip()) / (100 if name == "amber_percent" else 1)
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not 0 <= share <= 1:
        problems[name] = "must be a number between 0 and 100" if name == "amber_percent" else "must be a number between 0 and 1"
    if problems:
        raise Invalid("The response-time settings are not valid.", fields=problems)
    return SlaSettings(targets, share)
