"""Shop-local days in SQL (shopcs/reports/local_day.py) against zoneinfo: offsets, a table of days, each row's day.

The SQL is run on an in-memory SQLite here; the PostgreSQL form is covered by the report's tests on both databases
(tests/integration/test_refund_rate_report.py, a daylight-saving zone among them).
"""
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shopcs.reports.local_day import day_bounds, to_date, to_day_number, utc_offsets
from shopcs.timeutil import local_date

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def every(start: datetime, end: datetime, step: timedelta):
    while start < end:
        yield start
        start += step


def test_day_numbers_count_from_1970():
    assert to_day_number(date(1970, 1, 1)) == 0 and to_date(20513) == date(2026, 3, 1)
    assert all(to_date(to_day_number(day)) == day for day in (date(2024, 2, 29), date(2026, 11, 1)))


def test_offsets_change_at_the_instants_zoneinfo_changes_them():
    assert utc_offsets(NEW_YORK, utc(2026, 1, 1), utc(2027, 1, 1)) == (
        (utc(2026, 1, 1), -5 * 3600), (utc(2026, 3, 8, 7), -4 * 3600), (utc(2026, 11, 1, 6), -5 * 3600))
    assert utc_offsets(SHANGHAI, utc(2024, 11, 25, 16), utc(2026, 11, 25, 16)) == ((utc(2024, 11, 25, 16), 8 * 3600),)
    # a change exactly at the end of the range is outside it; one at its first instant is the starting offset
    assert utc_offsets(NEW_YORK, utc(2026, 3, 1), utc(2026, 3, 8, 7)) == ((utc(2026, 3, 1), -5 * 3600),)
    assert utc_offsets(NEW_YORK, utc(2026, 3, 8, 7), utc(2026, 3, 9)) == ((utc(2026, 3, 8, 7), -4 * 3600),)
    assert utc_offsets(NEW_YORK, utc(2026, 3, 8, 6, 59, 59), utc(2026, 3, 8, 7, 0, 1))[1] == (utc(2026, 3, 8, 7), -4 * 3600)
    # half-hour daylight saving, and a change at the turn of a year (Lord Howe: 02:00 local, 15:00 UTC)
    lord_howe = utc_offsets("Australia/Lord_Howe", utc(2026, 1, 1), utc(2027, 1, 1))
    assert [seconds for _, seconds in lord_howe] == [39600, 37800, 39600]


@pytest.mark.parametrize("zone", [NEW_YORK, "America/Santiago", "Europe/London", SHANGHAI])
def test_the_offsets_give_every_instant_its_zoneinfo_offset(zone):
    lo, hi = utc(2025, 12, 1), utc(2027, 1, 1)
    offsets = utc_offsets(zone, lo, hi)
    for at in every(lo, hi, timedelta(minutes=37)):
        expected = at.astimezone(ZoneInfo(zone)).utcoffset().total_seconds()
        assert [seconds for since, seconds in offsets if since <= at][-1] == expected, at


@pytest.mark.parametrize("zone", [NEW_YORK, "America/Santiago", SHANGHAI])
def test_the_table_of_days_puts_every_instant_on_its_zoneinfo_day(zone):
    """Santiago moves its clocks at midnight: its spring day starts at 01:00, its autumn day at 23:00 of the day before
    (the second midnight)."""
    bounds = day_bounds(date(2026, 1, 1), date(2026, 12, 31), zone)
    assert len(bounds) == 365 and all(hi == next_lo for (_, _, hi), (_, next_lo, _) in zip(bounds, bounds[1:], strict=False))
    lengths = {(hi - lo) / timedelta(hours=1) for _, lo, hi in bounds}
    assert lengths == ({24} if zone == SHANGHAI else {23, 24, 25})
    starts = [lo for _, lo, _ in bounds]
    for at in every(bounds[0][1], bounds[-1][2], timedelta(minutes=41)):
        day, _, _ = bounds[bisect_right(starts, at) - 1]
        assert to_date(day) == local_date(at, zone), at
