"""Time arithmetic on stored times as SQL for SQLite and PostgreSQL, exact to the microsecond.

Times are stored as naive UTC (db_types.UTCDateTime). PostgreSQL has timestamps and intervals. SQLite keeps the
text "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's format; text order is time order) and its date functions keep at
most milliseconds, so the forms below take the whole seconds from the date functions and the microseconds from
the text (characters 21 to 26).

- plus_seconds(t, n): t + n seconds. SQLite: strftime's "YYYY-MM-DD HH:MM:SS" of t + n seconds followed by the
  stored fraction (characters 20 on): the same format. Adding whole seconds never changes the fraction.
- at_least_after(later, earlier, n): later >= earlier + n seconds. SQLite: plus_seconds' text comparison costs a
  strftime() per row; julianday() is cheaper and within 2 ms of the truth (milliseconds, then a double), so it
  decides every pair more than 10 ms from the edge and the text comparison only the others.
- microseconds_between(later, earlier): later − earlier in whole microseconds, a 64-bit integer. SQLite: the
  whole seconds of each (julianday() of the first 19 characters: exact milliseconds, so the difference rounds to
  the exact number of seconds) and the difference of the fractions.
"""
from datetime import timedelta

from sqlalchemy import BigInteger, Boolean, Integer, literal
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


def _shifted_postgresql(column: str, seconds: str) -> str:
    return f"({column} + CAST({seconds} AS INTEGER) * INTERVAL '1 second')"


def _shifted_sqlite(column: str, seconds: str) -> str:
    return f"(strftime('%Y-%m-%d %H:%M:%S', {column}, '+' || {seconds} || ' seconds') || substr({column}, 20))"


@compiles(plus_seconds, "postgresql")
def _plus_seconds_postgresql(element, compiler, **kw):
    return _shifted_postgresql(*(compiler.process(clause, **kw) for clause in element.clauses))


@compiles(plus_seconds, "sqlite")
def _plus_seconds_sqlite(element, compiler, **kw):
    return _shifted_sqlite(*(compiler.process(clause, **kw) for clause in element.clauses))


class at_least_after(FunctionElement):  # noqa: N801 - reads as a SQL function
    """at_least_after(later, earlier, n): later >= earlier + n seconds (null when either is null).

    `seconds`: an int, or an Integer bindparam (the statement built once, the number given at execution)."""

    type = Boolean()
    name = "at_least_after"
    inherit_cache = True
    _is_implicitly_boolean = True  # a comparison already: no "= 1" around it where SQLite has no boolean type

    def __init__(self, later, earlier, seconds):
        super().__init__(later, earlier, literal(seconds, Integer) if isinstance(seconds, int) else seconds)


@compiles(at_least_after, "postgresql")
def _at_least_after_postgresql(element, compiler, **kw):
    later, earlier, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} >= {_shifted_postgresql(earlier, seconds)})"


@compiles(at_least_after, "sqlite")
def _at_least_after_sqlite(element, compiler, **kw):
    later, earlier, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    span = f"((julianday({later}) - julianday({earlier})) * 86400)"
    return f"({span} >= {seconds} + 0.01 OR ({span} > {seconds} - 0.01 AND {later} >= {_shifted_sqlite(earlier, seconds)}))"


class microseconds_between(FunctionElement):  # noqa: N801 - reads as a SQL function
    """microseconds_between(later, earlier): later − earlier in microseconds (null when either is null)."""

    type = BigInteger()
    name = "microseconds_between"
    inherit_cache = True


@compiles(microseconds_between, "postgresql")
def _microseconds_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {later} - {earlier}) * 1000000 AS BIGINT)"  # EXTRACT gives an exact numeric


@compiles(microseconds_between, "sqlite")
def _microseconds_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    seconds = f"CAST(round((julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19))) * 86400) AS INTEGER)"
    return f"({seconds} * 1000000 + (substr({later}, 21) - substr({earlier}, 21)))"
