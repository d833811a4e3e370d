"""The local-day SQL of reports.local_day on SQLite (an in-memory table of times stored as the app stores them):
each row's day in SQL is its zoneinfo day."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from shopcs.db_types import UTCDateTime
from shopcs.reports.local_day import day_number, days_table, to_date, utc_offsets
from shopcs.timeutil import local_date

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def every(start: datetime, end: datetime, step: timedelta):
    while start < end:
        yield start
        start += step


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
