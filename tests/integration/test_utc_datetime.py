"""UTCDateTime: aware UTC in, naive UTC stored, aware UTC out, on a real SQLite database (the fast text reader)."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from shopcs.db_types import UTCDateTime, _sqlite_text_as_utc

UTC = timezone.utc
TIMES = Table("times", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime, nullable=True))


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    TIMES.create(engine)
    yield engine
    engine.dispose()


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9998, 12, 31),
                           timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])))
def test_what_is_written_is_read_back_as_the_same_instant_in_utc(engine, moment):
    with engine.begin() as conn:
        row_id = conn.execute(insert(TIMES).values(at=moment)).inserted_primary_key[0]
        read = conn.execute(select(TIMES.c.at).where(TIMES.c.id == row_id)).scalar_one()
    assert read == moment and read.tzinfo is UTC


def test_null_stays_none(engine):
    with engine.begin() as conn:
        row_id = conn.execute(insert(TIMES).values(at=None)).inserted_primary_key[0]
        assert conn.execute(select(TIMES.c.at).where(TIMES.c.id == row_id)).scalar_one() is None


@pytest.mark.parametrize("stored, expected", [
    ("2026-03-04 02:00:00.000000", datetime(2026, 3, 4, 2, 0, tzinfo=UTC)),
    ("2026-03-04T02:00:00", datetime(2026, 3, 4, 2, 0, tzinfo=UTC)),
    ("2026-03-04", datetime(2026, 3, 4, tzinfo=UTC)),  # text written by hand: read as before, as UTC
    ("2026-03-04 10:00:00+08:00", datetime(2026, 3, 4, 10, 0, tzinfo=UTC)),  # an offset of its own is ignored, as before
])
def test_text_not_written_by_sqlalchemy_is_still_read_as_utc(engine, stored, expected):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO times (id, at) VALUES (-1, :at)"), {"at": stored})
        assert conn.execute(select(TIMES.c.at).where(TIMES.c.id == -1)).scalar_one() == expected
        conn.execute(text("DELETE FROM times WHERE id = -1"))
    assert _sqlite_text_as_utc(stored) == expected
