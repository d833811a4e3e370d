"""A stored time plus a fixed number of seconds, as SQL that SQLite and PostgreSQL both compare in time order.

Times are stored as naive UTC (db_types.UTCDateTime). PostgreSQL adds an interval. SQLite keeps the text
"YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's format); its strftime() drops the microseconds, so the shifted
value is strftime's "YYYY-MM-DD HH:MM:SS" followed by the stored fraction (characters 20 on): the same
format, and text order is time order. Adding whole seconds never changes the fraction.
"""
from datetime import timedelta

from sqlalchemy import Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..db_types import UTCDateTime


class plus_seconds(FunctionElement):  # noqa: N801 - reads as a SQL function
    """plus_seconds(column, n): the time in `column` plus n seconds."""

    type = UTCDateTime()
    name = "plus_seconds"
    inherit_cache = True

    def __init__(self, column, seconds: int):
        super().__init__(column, literal(int(seconds), Integer))


def whole_seconds(span: timedelta) -> int:
    """The span in seconds; refuses a fraction of a second, which the SQLite form could not add."""
    if span % timedelta(seconds=1):
        raise ValueError(f"{span!r} is not a whole number of seconds")
    return int(span.total_seconds())


@compiles(plus_seconds, "postgresql")
def _plus_seconds_postgresql(element, compiler, **kw):
    column, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} + CAST({seconds} AS INTEGER) * INTERVAL '1 second')"


@compiles(plus_seconds, "sqlite")
def _plus_seconds_sqlite(element, compiler, **kw):
    column, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(strftime('%Y-%m-%d %H:%M:%S', {column}, '+' || {seconds} || ' seconds') || substr({column}, 20))"
