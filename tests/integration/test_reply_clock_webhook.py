"""A case reply through a real channel (the signed webhook, against a local receiver) on SQLite and PostgreSQL: it answers
the case when the outbox sender has sent it; one that fails shows why, and an agent may give it by hand."""
from datetime import timedelta

import pytest

from shopcs.cases import services
from shopcs.cases.models import Case
from shopcs.cases.reply_status import mark_given, reply_states
from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox
from shopcs.notify.models import OutboxMessage

from ..builders import NOW, make_user
from ..case_builders import PLATFORM, as_user, make_case
from ..receivers import WebhookReceiver


def fresh(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def state_of(case_id: int, event_id: int):
    return reply_states(fresh(case_id).events)[event_id]


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def app_config(receiver):
    return {"SHOPCS_OUTBOX_CHANNEL": "webhook", "SHOPCS_WEBHOOK_URL": receiver.url, "SHOPCS_WEBHOOK_SECRET": "s",
            "SHOPCS_WEBHOOK_TIMEOUT_SECONDS": 0.5, "SHOPCS_OUTBOX_MAX_ATTEMPTS": 2, "SHOPCS_OUTBOX_BACKOFF_SECONDS": 30}


def test_a_webhook_reply_answers_the_case_when_the_sender_has_sent_it(app, receiver):
    case = make_case()
    event = services.reply(case.id, "您好", PLATFORM, NOW + timedelta(minutes=1), outbox_channel="webhook")
    assert state_of(case.id, event.id).state == "queued" and fresh(case.id).first_responded_at is None
    assert drain_outbox(NOW + timedelta(minutes=2), worker="w1").sent == 1
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=2)
    sent = state_of(case.id, event.id)
    assert (sent.state, sent.channel, sent.may_be_given) == ("sent", "webhook", False) and len(receiver.requests) == 1


def test_a_failing_reply_shows_its_reason_retries_then_fails_and_an_agent_may_give_it_by_hand(app, receiver):
    receiver.script = [500, 500]
    case, amy = make_case(), as_user(make_user("amy"))
    event = services.reply(case.id, "您好", amy, NOW + timedelta(minutes=1), outbox_channel="webhook")
    drain_outbox(NOW + timedelta(minutes=1), worker="w1")
    retrying = state_of(case.id, event.id)
    assert (retrying.state, retrying.may_be_given) == ("retrying", False) and "HTTP 500" in retrying.error
    message = db.session.get(OutboxMessage, retrying.message_id)
    drain_outbox(message.next_attempt_at, worker="w1")
    failed = state_of(case.id, event.id)
    assert (failed.state, failed.may_be_given) == ("failed", True) and "HTTP 500" in failed.error
    assert fresh(case.id).first_responded_at is None
    mark_given(case.id, event.id, amy, NOW + timedelta(minutes=20))
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=20)


class SenderCrash(BaseException):
    """The sender's process dying: nothing after the point it is raised runs, no except clause catches it."""


def test_a_sender_that_dies_after_the_channel_took_the_reply_leaves_the_clock_stopped_and_sends_again(app, receiver,
                                                                                                     monkeypatch):
    from shopcs.notify import sender
    from shopcs.notify.leases import LEASE

    case = make_case()
    event = services.reply(case.id, "您好", PLATFORM, NOW + timedelta(minutes=1), outbox_channel="webhook")

    def die(*_args):
        raise SenderCrash

    with monkeypatch.context() as patch:
        patch.setattr(sender, "_record_sent", die)
        with pytest.raises(SenderCrash):
            drain_outbox(NOW + timedelta(minutes=2), worker="w1")
    db.session.rollback()
    assert len(receiver.requests) == 1 and fresh(case.id).first_responded_at == NOW + timedelta(minutes=2)
    assert state_of(case.id, event.id).state == "queued"  # not recorded as sent: it goes again when its lease ends
    assert drain_outbox(NOW + timedelta(minutes=2) + LEASE + timedelta(seconds=1), worker="w2").sent == 1
    assert len(receiver.requests) == 2 and state_of(case.id, event.id).state == "sent"
    assert fresh(case.id).first_responded_at == NOW + timedelta(minutes=2)  # answered when it first left
