"""The first-response clock and each reply's delivery on SQLite and PostgreSQL: a reply through a real channel answers
the case when the sender has sent it, a manual-channel reply when an agent marks it given, never when it is queued."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.cases import services
from shopcs.cases.models import Case
from shopcs.cases.reply_status import mark_given, reply_sent, reply_states
from shopcs.errors import Conflict, NotFound
from shopcs.extensions import db
from shopcs.notify.sender import mark_manual_sent

from ..builders import NOW, make_user
from ..case_builders import as_user, make_case, row_counts


def fresh(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def state_of(case_id: int, event_id: int):
    return reply_states(fresh(case_id).events)[event_id]


# --- the manual channel (the test app's SHOPCS_OUTBOX_CHANNEL) ------------------------------------------------------

def test_a_manual_reply_is_queued_not_answered_until_an_agent_marks_it_given(app):
    case, amy = make_case(), as_user(make_user("amy"))
    event = services.reply(case.id, "您好", amy, NOW + timedelta(minutes=1), outbox_channel="manual")
    queued = state_of(case.id, event.id)
    assert (queued.state, queued.channel, queued.may_be_given) == ("queued", "manual", True)
    assert fresh(case.id).first_responded_at is None
    mark_given(case.id, event.id, amy, NOW + timedelta(minutes=3))
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=3)
    given = state_of(case.id, event.id)
    assert (given.state, given.sent_at, given.may_be_given) == ("sent", NOW + timedelta(minutes=3), False)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.manual_sent"))
    assert entry.actor == "user:amy" and entry.after["message_id"] == given.message_id


def test_marking_a_reply_given_twice_or_on_another_case_changes_nothing(app):
    case, other, amy = make_case(), make_case(), as_user(make_user("amy"))
    event = services.reply(case.id, "您好", amy, NOW + timedelta(minutes=1), outbox_channel="manual")
    note = services.add_note(case.id, "内部", amy, NOW + timedelta(minutes=1))
    for case_id, event_id in ((other.id, event.id), (case.id, note.id), (case.id, 2**31)):
        with pytest.raises(NotFound):
            mark_given(case_id, event_id, amy, NOW + timedelta(minutes=2))
    assert fresh(case.id).first_responded_at is None
    mark_given(case.id, event.id, amy, NOW + timedelta(minutes=2))
    before = row_counts()
    with pytest.raises(Conflict):
        mark_given(case.id, event.id, amy, NOW + timedelta(minutes=5))
    assert row_counts() == before and fresh(case.id).first_responded_at == NOW + timedelta(minutes=2)


def test_an_earlier_reply_given_elsewhere_keeps_its_time_when_a_later_one_is_given(app):
    case, amy = make_case(), as_user(make_user("amy"))
    event = services.reply(case.id, "邮件里详细说明", amy, NOW + timedelta(minutes=9), outbox_channel="manual")
    services.reply(case.id, "电话答复", amy, NOW + timedelta(minutes=9), send=False, given_at=NOW + timedelta(minutes=2),
        outbox_channel="manual")
    mark_given(case.id, event.id, amy, NOW + timedelta(minutes=10))
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=2)


def test_the_follow_up_lists_sent_mark_also_answers_a_case_reply(app):
    case, amy = make_case(), as_user(make_user("amy"))
    event = services.reply(case.id, "您好", amy, NOW + timedelta(minutes=1), outbox_channel="manual")
    mark_manual_sent(state_of(case.id, event.id).message_id, amy, NOW + timedelta(minutes=4), on_sent=reply_sent)
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=4)


def test_a_message_that_is_no_case_reply_answers_nothing(app):
    case = make_case()
    reply_sent("shipping_notice", "case_reply:1", NOW)
    reply_sent("case_reply", "case_reply:not-a-number", NOW)
    assert fresh(case.id).first_responded_at is None
