"""Shop-local days in SQL, exactly as `timeutil.local_date` counts them, for reports that bucket rows by day.

Times are stored as naive UTC (`UTCDateTime`); the shop's day of a time depends on the zone's offset at that
instant. Two ways to let the database bucket rows, each the faster one for some statement (bench/reports_bench.py):

1. `days_table(first, last, zone, dialect)`: a table of the days, one row per day: (day number, lo, hi), [lo, hi)
   being the day's first instant and the next day's in UTC — computed here with zoneinfo, exactly like
   `Window.utc_bounds`, so a daylight-saving day simply has 23 or 25 hours. A count per day is then one index
   range per day (`WHERE paid_at >= days.lo AND paid_at < days.hi`): no function runs on the rows at all.
   Best for counting many rows (a million orders) through an index on the time column.

2. `day_number(column, zone, lo, hi, dialect)`: an expression giving each row's local day. Over a report's range
   [lo, hi) the zone has one offset (Asia/Shanghai) or a few (a daylight-saving zone); `utc_offsets` finds them
   with zoneinfo (the same rules as the bounds above, so a row inside the window always lands on one of its days),
   and they go into the statement as constants, the change instants as a CASE:
       offset = CASE WHEN t < change1 THEN offset0 WHEN t < change2 THEN offset1 ... ELSE offsetN END
   and then
   - SQLite:     (CAST(strftime('%s', substr(t, 1, 19)) AS INTEGER) + offset) / 86400 — integer arithmetic.
                 The fraction of a second is cut off first: SQLite's date functions round to the millisecond, so
                 '15:59:59.9999' + 8 hours would give the next day. Whole seconds never change the date (offsets are
                 whole seconds).
   - PostgreSQL: CAST(t + offset * interval '1 second' AS date) - DATE '1970-01-01'. (Cheaper than
                 `AT TIME ZONE`, and it cannot disagree with Python's copy of the zone rules.)
   Best when each row is bucketed anyway and then grouped (the few completed refunds).

Days are numbered from 1970-01-01 so that rolling figures can do arithmetic on them (`day - 29`) the same way on
both backends; `to_date(n)` turns one back into a date.
"""
import json
import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    Date,
    DateTime,
    Integer,
    String,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..db_types import UTCDateTime
from ..timeutil import local_midnight_utc

EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86400
SCAN_STEP = timedelta(days=1)


def to_date(day_number: int) -> date:
    return EPOCH + timedelta(days=day_number)


def to_day_number(day: date) -> int:
    return (day - EPOCH).days


# -- 1. a table of days -------------------------------------------------------------------------------------

def day_bounds(first: date, last: date, zone: str) -> list[tuple[int, datetime, datetime]]:
    """(day number, first instant, first instant of the next day) in aware UTC, for each day from first to last."""
    midnights = [local_midnight_utc(first + timedelta(days=n), zone) for n in range((last - first).days + 2)]
    start = to_day_number(first)
    return [(start + n, lo, hi) for n, (lo, hi) in enumerate(zip(midnights, midnights[1:], strict=False))]


def days_table(first: date, last: date, zone: str, dialect) -> tuple[FromClause, dict]:
    """A table `days(day, lo, hi)` of the shop-local days from first to last (as in `day_bounds`), and the parameters
    to run a statement using it with. The days travel as one parameter whatever their number — arrays unnested on
    PostgreSQL, a JSON array read by json_each on SQLite — so that the statement is compiled once (SQLAlchemy does not
    cache a VALUES list, and compiling 760 rows of it cost more than the query)."""
    bounds = day_bounds(first, last, zone)
    if dialect.name == "postgresql":
        return _PG_DAYS, {"days_day": [day for day, _, _ in bounds],
                          "days_lo": [lo.replace(tzinfo=None) for _, lo, _ in bounds],
                          "days_hi": [hi.replace(tzinfo=None) for _, _, hi in bounds]}
    if dialect.name == "sqlite":
        as_stored = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)  # the text SQLite holds
        return _SQLITE_DAYS, {"days_json": json.dumps([[day, as_stored(lo), as_stored(hi)] for day, lo, hi in bounds])}
    raise NotImplementedError(f"no table of days for {dialect.name}")


_PG_DAYS = func.unnest(bindparam("days_day", type_=ARRAY(Integer)), bindparam("days_lo", type_=ARRAY(DateTime)),
                       bindparam("days_hi", type_=ARRAY(DateTime))).table_valued(
    column("day", Integer), column("lo", DateTime), column("hi", DateTime)).render_derived(name="days")
_json_days = func.json_each(bindparam("days_json", type_=String)).table_valued("value", name="json_days")
_SQLITE_DAYS = select(*(type_coerce(func.json_extract(_json_days.c.value, f"$[{n}]"), type_).label(name)
                        for n, (name, type_) in enumerate((("day", Integer), ("lo", DateTime), ("hi", DateTime))))
                      ).cte("days")


# -- 2. each row's day --------------------------------------------------------------------------------------

def day_number(column, zone: str, lo: datetime, hi: datetime, dialect: str) -> ColumnElement[int]:
    """Days since 1970-01-01 of the shop-local date of `column` (naive UTC), for rows with lo <= column < hi."""
    offset = offset_seconds(column, zone, lo, hi)
    if dialect == "sqlite":
        seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
        return type_coerce((seconds + offset).self_group().op("/")(literal_column(str(DAY_SECONDS))), Integer)
    if dialect == "postgresql":
        local = column + offset * literal_column("interval '1 second'")
        return type_coerce(cast(local, Date).op("-")(literal_column("DATE '1970-01-01'")), Integer)
    raise NotImplementedError(f"no shop-local day for {dialect}")


def offset_seconds(column, zone: str, lo: datetime, hi: datetime) -> ColumnElement[int]:
    """The zone's offset from UTC in seconds at `column` (lo <= column < hi), as a constant or a CASE."""
    offsets = utc_offsets(zone, lo, hi)
    if len(offsets) == 1:
        return literal_column(str(offsets[0][1]), Integer)
    whens = [(column < literal(change, UTCDateTime), literal_column(str(seconds), Integer))
             for (_, seconds), (change, _) in zip(offsets, offsets[1:], strict=False)]
    return case(*whens, else_=literal_column(str(offsets[-1][1]), Integer))


def utc_offsets(zone: str, lo: datetime, hi: datetime) -> tuple[tuple[datetime, int], ...]:
    """The zone's offsets from UTC in seconds over [lo, hi) (aware times): ((since, seconds), ...), the first `since`
    being `lo`, each later one the instant the offset changes."""
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    offsets = [(lo, _offset(ZoneInfo(zone), lo))]
    for year in range(lo.year - 1, hi.year + 1):
        offsets += [(at, seconds) for at, seconds in _changes_in_year(zone, year) if lo < at < hi]
    return tuple(offsets)


def _offset(zone: ZoneInfo, at: datetime) -> int:
    return int(at.astimezone(zone).utcoffset().total_seconds())


@lru_cache(maxsize=64)
def _changes_in_year(zone: str, year: int) -> tuple[tuple[datetime, int], ...]:
    """Each change of the zone's UTC offset at an instant in (1 January `year`, 1 January `year` + 1] UTC:
    ((instant, new offset), ...). Steps a day at a time and bisects each change to its whole second: a change and
    its reversal within one day would be missed (no zone does that; offsets change months apart)."""
    tz = ZoneInfo(zone)
    at, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    current, changes = _offset(tz, at), []
    while at < end:
        step = min(at + SCAN_STEP, end)
        if _offset(tz, step) == current:
            at = step
            continue
        at = _first_second_with_new_offset(tz, at, step, current)
        current = _offset(tz, at)
        changes.append((at, current))
    return tuple(changes)


def _first_second_with_new_offset(tz: ZoneInfo, before: datetime, after: datetime, old: int) -> datetime:
    """Bisect whole seconds: `before` has the offset `old`, `after` another one."""
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(tz, datetime.fromtimestamp(middle, UTC)) == old:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
