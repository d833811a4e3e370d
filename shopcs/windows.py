"""Report windows and rates. Pure: no database, no clock.

A window is a range of whole days in the shop's zone, both ends included: [start 00:00, end + 1 day 00:00).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from .timeutil import local_midnight_utc

MAX_DAYS = 3 * 365 + 1  # "a range over 3 years is refused": three years, one of them a leap year
ROLLING_DAYS = 30
RATE_PLACES = Decimal("0.0001")
# Days a window may hold: a zone's midnight, the rolling 30 days before and the day after must all be dates.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class WindowError(ValueError):
    """Bad report dates; `fields` maps each parameter to what is wrong with it."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def utc_bounds(self, zone: str) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in UTC: an order paid at 23:59:59 on `end` is inside, 00:00 after is not."""
        return local_midnight_utc(self.start, zone), local_midnight_utc(self.end + timedelta(days=1), zone)

    def widened_for_rolling(self) -> "Window":
        """The days a rolling 30-day figure for every day of this window needs."""
        return Window(self.start - timedelta(days=ROLLING_DAYS - 1), self.end)


def parse_day(text: str) -> tuple[date | None, str | None]:
    """The one parser of a page's YYYY-MM-DD: (day, None), or (None, what is wrong) — never a day the calendar
    arithmetic of a window or a zone cannot hold (year 1 or 9999 would overflow)."""
    try:
        day = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
    except ValueError:
        day = None
    if day is None:
        return None, "must be a date as YYYY-MM-DD"
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, f"must be from {FIRST_DAY} to {LAST_DAY}"
    return day, None


def parse_window(start: str | None, end: str | None) -> Window:
    """`start` and `end` as YYYY-MM-DD; raises WindowError naming every bad parameter."""
    fields, days = {}, {}
    for name, text in (("start", start), ("end", end)):
        if not text:
            fields[name] = "is required (YYYY-MM-DD)"
            continue
        days[name], problem = parse_day(text)
        if problem:
            fields[name] = problem
    if fields:
        raise WindowError(fields)
    window = Window(days["start"], days["end"])
    if window.start > window.end:
        raise WindowError({"end": "must not be before start"})
    if window.days > MAX_DAYS:
        raise WindowError({"end": f"the range must be at most {MAX_DAYS} days (3 years)"})
    return window


def rate(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator to 4 places, half-even; None when the denominator is 0 (shown as "—")."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
