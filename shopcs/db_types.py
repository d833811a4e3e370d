"""Column types that keep the house rules in the database: aware UTC times and integer-thousandth money."""
from datetime import datetime, timezone

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from .money import from_stored, to_stored


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (portable across SQLite and PostgreSQL), always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text in rare code paths
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)

    def result_processor(self, dialect, coltype):
        """On SQLite the stored text ("2026-03-04 02:00:00.000000", naive UTC) is read as aware UTC in one call: parsing
        and then replace(tzinfo=) cost six times as much, and a queue page reads hundreds of times."""
        if dialect.name == "sqlite":
            return _sqlite_text_as_utc
        return super().result_processor(dialect, coltype)


def _sqlite_text_as_utc(value):
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value + "+00:00")
        except ValueError:  # text not written by SQLAlchemy (with an offset of its own): read as before
            value = datetime.fromisoformat(value)
    # Python 3.11 reads "2026-03-04+00:00" (a date alone) as naive: whatever is not UTC yet is labelled UTC, as before
    return value if value.tzinfo is timezone.utc else value.replace(tzinfo=timezone.utc)


class Money(TypeDecorator):
    """Decimal in Python, integer thousandths in the database: exact sums on every backend, in any currency."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_stored(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_stored(value)
