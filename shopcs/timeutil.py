"""Time is stored as aware UTC; the shop's zone is used only to show times and for local-time rules."""
from datetime import date, datetime, time, timezone
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
