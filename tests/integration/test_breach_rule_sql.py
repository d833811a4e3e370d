""""Breached" in SQL (sla_sql.breached, used by the complaints review and the team report) agrees with the Python
predicate (sla.is_breached, used by the case page and the escalation sweep) on random cases, on both databases."""
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from shopcs.cases.models import Case
from shopcs.cases.rules import STATUSES
from shopcs.cases.sla import is_breached
from shopcs.cases.sla_sql import breached
from shopcs.extensions import db

from ..builders import NOW

# Offsets in microseconds around the due time, small enough that "exactly at the due time" and one microsecond
# either side come up often, large enough for days.
near = st.one_of(st.integers(-2, 2), st.integers(-10**6, 10**6), st.integers(-3 * 86_400 * 10**6, 3 * 86_400 * 10**6))
cases = st.lists(st.tuples(st.integers(-7 * 86_400, 7 * 86_400), st.one_of(st.none(), near), st.sampled_from(STATUSES)),
                 min_size=1, max_size=8)
# `now` given in UTC or in the shop's zone: the condition must compare instants, not wall times
zones = st.sampled_from([timezone.utc, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=cases, now_offset=near, now_case=st.integers(0, 7), zone=zones)
def test_breached_in_sql_agrees_with_the_python_rule(app, cases, now_offset, now_case, zone):
    rows = []
    for due_seconds, responded_offset, status in cases:
        due = NOW + timedelta(seconds=due_seconds)
        responded = None if responded_offset is None else due + timedelta(microseconds=responded_offset)
        rows.append(Case(category="tracking", channel="chat", severity="normal", status=status, subject="s", body="b",
                         team="agents", received_at=due - timedelta(minutes=5), first_response_due_at=due,
                         first_responded_at=responded, created_by="test", created_at=NOW, updated_at=NOW))
    db.session.add_all(rows)
    db.session.flush()
    # `now` near one of the cases' due times, so that "unanswered and exactly due" is reached too
    now = (rows[now_case % len(rows)].first_response_due_at + timedelta(microseconds=now_offset)).astimezone(zone)
    expected = {row.id for row in rows if is_breached(row.first_response_due_at, row.first_responded_at, now)}

    assert set(db.session.scalars(select(Case.id).where(breached(now)))) == expected
    as_column = dict(db.session.execute(select(Case.id, breached(now).label("breached"))).all())
    assert {case_id for case_id, late in as_column.items() if late} == expected

    db.session.execute(delete(Case))
    db.session.commit()
