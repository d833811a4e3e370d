"""Shop-local days in SQL (shopcs/reports/local_day.py) against zoneinfo: offsets, a table of days, each row's day.

The SQL is run on an in-memory SQLite here; the PostgreSQL form is covered by the report's tests on both databases
(tests/integration/test_refund_rate_report.py, a daylight-saving zone among them).
"""
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from shopcs.db_types import UTCDateTime
from shopcs.reports.local_day import day_bounds, day_number, days_table, to_date, to_day_number, utc_offsets
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


@pytest.fixture
def sqlite_times():
    """An in-memory SQLite table of times stored as the app stores them (naive UTC text with microseconds)."""
    engine = create_engine("sqlite://")
    table = Table("times", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
    table.metadata.create_all(engine)
    with engine.connect() as conn:
        yield conn, table


def _days_in_sql(conn, table, instants, zone, lo, hi):
    conn.execute(table.delete())
    conn.execute(insert(table), [{"id": n, "at": at} for n, at in enumerate(instants)])
    day = day_number(table.c.at, zone, lo, hi, "sqlite")
    return [to_date(n) for n in conn.scalars(select(day).order_by(table.c.id))]


@pytest.mark.parametrize("zone", [NEW_YORK, SHANGHAI, "Australia/Lord_Howe"])
def test_each_rows_day_in_sql_is_its_zoneinfo_day(sqlite_times, zone):
    conn, table = sqlite_times
    lo, hi = utc(2026, 2, 20), utc(2026, 11, 20)
    instants = list(every(lo, hi, timedelta(minutes=53, seconds=7, microseconds=999_999)))
    for change, _ in utc_offsets(zone, lo, hi)[1:]:  # and the instants around each change
        instants += [change + timedelta(seconds=s) for s in (-3601, -1, 0, 1, 3599, 3600)]
    assert _days_in_sql(conn, table, instants, zone, lo, hi) == [local_date(at, zone) for at in instants]


def test_the_last_microsecond_of_a_day_stays_on_that_day(sqlite_times):
    """SQLite's date functions round to the millisecond: 15:59:59.9999 UTC + 8 h would be the next day."""
    conn, table = sqlite_times
    instants = [utc(2026, 3, 1, 15, 59, 59, 999_999), utc(2026, 3, 1, 15, 59, 59, 999_500), utc(2026, 3, 1, 16)]
    assert _days_in_sql(conn, table, instants, SHANGHAI, utc(2026, 3, 1), utc(2026, 3, 2)) == [
        date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 2)]


def test_the_table_of_days_in_sql_has_each_days_bounds(sqlite_times):
    conn, _ = sqlite_times
    days, params = days_table(date(2026, 3, 7), date(2026, 3, 9), NEW_YORK, conn.dialect)
    rows = conn.execute(select(days.c.day, days.c.lo, days.c.hi), params).all()
    assert [(to_date(day), lo, hi) for day, lo, hi in rows] == [  # naive UTC, as stored
        (date(2026, 3, 7), datetime(2026, 3, 7, 5), datetime(2026, 3, 8, 5)),
        (date(2026, 3, 8), datetime(2026, 3, 8, 5), datetime(2026, 3, 9, 4)),  # 23 hours
        (date(2026, 3, 9), datetime(2026, 3, 9, 4), datetime(2026, 3, 10, 4))]
