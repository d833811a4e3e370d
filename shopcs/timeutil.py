"""Time is stored as aware UTC; the shop's zone is used only to show times and for local-time rules."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc


class TimeError(ValueError):
    """The value is not a time we accept."""


def utcnow() -> datetime:
    """The one clock read of the app's edges; rules take `now` as an argument."""
    return datetime.now(UTC)


def parse_aware(text) -> datetime:
    """ISO 8601 with an offset; a naive time is refused because its zone would be a guess."""
    if not isinstance(text, str):
        raise TimeError("must be an ISO 8601 time with an offset, such as 2026-03-04T10:00:00+08:00")
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeError("is not an ISO 8601 time, such as 2026-03-04T10:00:00+08:00") from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimeError("needs an offset, such as +08:00")
    return value.astimezone(UTC)


def to_local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


def local_date(now: datetime, zone: str) -> date:
    return to_local(now, zone).date()


def local_midnight_utc(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def wall_instant(day: date, wall: time, zone: str) -> datetime:
    """The first instant at or after `wall` o'clock on `day` (a time skipped by a DST jump maps to the jump)."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, wall)
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    early_utc, late_utc = early.astimezone(UTC), late.astimezone(UTC)
    if early_utc <= late_utc:  # an ordinary time, or the first of two (autumn): take the first
        return early_utc
    low, high = late_utc, early_utc  # a spring-forward gap: find the jump between the two readings
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == early_utc.astimezone(tz).utcoffset():
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)
