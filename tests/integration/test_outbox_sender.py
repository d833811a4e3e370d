"""The sender: claims that two senders never share, leases that run out, and what is no longer wanted."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shopcs.actor import Actor
from shopcs.audit.services import entries_for_order
from shopcs.errors import Conflict, NotFound
from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox
from shopcs.notify import sender
from shopcs.notify.channels import Envelope, WebhookChannel
from shopcs.notify.leases import claim_due
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.notify.sender import cancel_for_order, mark_manual_sent, retry
from shopcs.orders.models import Order

from ..builders import NOW, make_customer, make_order
from ..receivers import WebhookReceiver

SECRET = "sender-test-secret"
AGENT = Actor(label="user:alice", role="agent")


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def app_config(receiver):
    return {"SHOPCS_WEBHOOK_URL": receiver.url, "SHOPCS_WEBHOOK_SECRET": SECRET, "SHOPCS_WEBHOOK_TIMEOUT_SECONDS": 2}


def queue(kind="shipping_notice", channel="webhook", order=None, customer=None, key=None, scheduled_for=None):
    order = order if order is not None else make_order(customer=customer)
    message = enqueue(kind=kind, dedupe_key=key or f"{kind}:{order.id}", body="您好", now=NOW, channel=channel,
                      customer_id=order.customer_id, order_id=order.id, scheduled_for=scheduled_for)
    db.session.commit()
    return message


def reload(message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def keys_received(receiver):
    return Counter(r["headers"]["Idempotency-Key"] for r in receiver.requests)


def test_two_senders_draining_at_once_never_send_one_message_twice(app, receiver):
    receiver.delay = 0.02
    customer = make_customer()
    ids = {str(queue(order=make_order(customer=customer, commit=False), key=f"k{i}").id) for i in range(40)}
    start, reports = threading.Barrier(2), {}

    def sender(name):
        with app.app_context():
            start.wait()
            reports[name] = drain_outbox(NOW, worker=name)

    threads = [threading.Thread(target=sender, args=(f"sender-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert keys_received(receiver) == Counter({key: 1 for key in ids})
    assert sum(r.sent for r in reports.values()) == 40
    assert all(r.sent > 0 for r in reports.values()), reports  # both really worked at the same time
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {"sent"}


def test_a_claimed_row_is_not_claimed_again_while_its_lease_lasts(app):
    message = queue()
    assert claim_due(NOW, limit=10, worker="a") == [message.id]
    assert claim_due(NOW + timedelta(minutes=1), limit=10, worker="b") == []
    assert claim_due(NOW + timedelta(minutes=3), limit=10, worker="b") == [message.id]
    assert reload(message).claimed_by == "b"


def test_a_claim_takes_at_most_its_limit_oldest_first_also_on_the_senders_autocommit_connection(app):
    customer = make_customer()
    ids = [queue(order=make_order(customer=customer, commit=False), key=f"k{i}",
                 scheduled_for=NOW - timedelta(minutes=i % 7)).id for i in range(25)]
    oldest_first = sorted(ids, key=lambda i: (-(ids.index(i) % 7), i))
    first = claim_due(NOW, limit=10, worker="a")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        second = claim_due(NOW, limit=10, worker="b", connection=connection)
    third = claim_due(NOW, limit=10, worker="c")
    assert (first, second, third) == (oldest_first[:10], oldest_first[10:20], oldest_first[20:])
    holders = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.claimed_by)).all())
    assert Counter(holders.values()) == {"a": 10, "b": 10, "c": 5}


def test_a_sender_killed_mid_send_leaves_a_lease_that_runs_out_and_the_row_is_resent_with_the_same_key(app, receiver):
    message = queue()
    claim_due(NOW, limit=10, worker="killed")  # it claimed, posted, and died before recording anything
    channel = WebhookChannel(receiver.url, SECRET)
    channel.send(Envelope(id=message.id, kind=message.kind, channel="webhook", body=message.body, scheduled_for=NOW))
    channel.close()
    assert drain_outbox(NOW + timedelta(minutes=1), worker="restarted").sent == 0  # the lease still holds
    assert drain_outbox(NOW + timedelta(minutes=3), worker="restarted").sent == 1
    assert keys_received(receiver) == Counter({str(message.id): 2})
    assert reload(message).status == "sent" and reload(message).claimed_until is None


def test_only_due_automatic_messages_are_claimed(app):
    due = queue(key="due")
    queue(key="manual", channel="manual")
    queue(key="later", scheduled_for=NOW + timedelta(hours=1))
    waiting = queue(key="waiting")
    waiting.status, waiting.next_attempt_at = "failed", NOW + timedelta(minutes=5)
    done = queue(key="done")
    done.status = "sent"
    db.session.commit()
    assert claim_due(NOW, limit=10, worker="a") == [due.id]
    assert claim_due(NOW + timedelta(minutes=5), limit=10, worker="a") == [due.id, waiting.id]  # due's lease ran out


def test_a_reminder_for_an_order_paid_in_the_meantime_is_cancelled_not_sent(app, receiver):
    order = make_order(status="unpaid")
    message = queue(kind="unpaid_reminder", order=order)
    order.status, order.paid_at = "paid", NOW
    db.session.commit()
    report = drain_outbox(NOW, worker="w")
    assert (report.cancelled, report.sent) == (1, 0) and receiver.requests == []
    stored = reload(message)
    assert stored.status == "cancelled" and stored.cancel_reason == "order is paid" and stored.claimed_by is None


def test_a_slow_batch_is_read_again_so_a_payment_during_it_stops_the_next_reminder(app, receiver, monkeypatch):
    first, second = make_order(status="unpaid"), make_order(status="unpaid")
    queue(kind="unpaid_reminder", order=first)
    late = queue(kind="unpaid_reminder", order=second)
    monkeypatch.setattr(sender, "FRESH_FOR", 0.0)  # every send counts as slow: the batch is read again before the next
    real_send = WebhookChannel.send

    def send_then_the_buyer_pays(channel, envelope):
        real_send(channel, envelope)
        with db.engine.begin() as connection:  # the platform's payment arrives while the batch is being sent
            connection.execute(update(Order.__table__).where(Order.__table__.c.id == second.id).values(status="paid"))

    monkeypatch.setattr(WebhookChannel, "send", send_then_the_buyer_pays)
    report = drain_outbox(NOW, worker="w")
    assert (report.sent, report.cancelled) == (1, 1) and len(receiver.requests) == 1
    assert reload(late).cancel_reason == "order is paid"


def test_a_reminder_for_a_still_unpaid_order_is_sent(app, receiver):
    queue(kind="unpaid_reminder", order=make_order(status="unpaid"))
    assert drain_outbox(NOW, worker="w").sent == 1


def test_an_opted_out_customer_gets_no_greeting_but_still_gets_the_shipping_notice(app, receiver):
    customer = make_customer()
    customer.opted_out = True
    greeting = queue(kind="holiday_greeting", customer=customer, key="greeting")
    notice = queue(kind="shipping_notice", customer=customer, key="notice")
    report = drain_outbox(NOW, worker="w")
    assert (report.sent, report.cancelled) == (1, 1)
    assert reload(greeting).cancel_reason == "customer opted out" and reload(notice).status == "sent"


def test_a_waiting_manual_reminder_of_a_closed_order_leaves_the_agents_list(app):
    message = queue(kind="unpaid_reminder", channel="manual", order=make_order(status="closed"))
    assert drain_outbox(NOW, worker="w").cancelled == 1
    assert reload(message).status == "cancelled" and reload(message).cancel_reason == "order is closed"


def test_cancel_for_order_cancels_only_the_unsent_messages_of_those_kinds(app):
    order = make_order(status="unpaid")
    first = queue(kind="unpaid_reminder", order=order, key="r1")
    second = queue(kind="unpaid_reminder", order=order, key="r2")
    second.status = "failed"
    sent = queue(kind="unpaid_reminder", order=order, key="r0")
    sent.status = "sent"
    notice = queue(kind="shipping_notice", order=order, key="n")
    db.session.commit()
    assert cancel_for_order(order.id, ["unpaid_reminder"], "order paid", NOW) == 2
    db.session.commit()
    assert [reload(m).status for m in (first, second, sent, notice)] == ["cancelled", "cancelled", "sent", "pending"]
    assert reload(first).cancel_reason == "order paid"


def test_an_agent_marks_a_manual_message_sent_and_the_audit_trail_says_who(app):
    message = queue(kind="unpaid_reminder", channel="manual", order=make_order(status="unpaid"))
    done = mark_manual_sent(message.id, AGENT, NOW)
    assert done.status == "sent" and done.sent_at == NOW and done.attempts == 1
    [entry] = entries_for_order(message.order_id)
    assert entry.action == "outbox.manual_sent" and entry.actor == "user:alice" and entry.after["status"] == "sent"
    with pytest.raises(Conflict):
        mark_manual_sent(message.id, AGENT, NOW)


def test_an_automatic_message_still_being_sent_cannot_be_marked_sent_by_hand(app):
    message = queue(channel="webhook")
    with pytest.raises(Conflict):
        mark_manual_sent(message.id, AGENT, NOW)
    with pytest.raises(NotFound):
        mark_manual_sent(10**12, AGENT, NOW)


def test_a_dead_message_can_be_retried_and_is_then_sent(app, receiver):
    message = queue()
    stored = reload(message)
    stored.status, stored.attempts, stored.last_error = "dead", 6, "HTTP 503"
    db.session.commit()
    retried = retry(message.id, AGENT, NOW)
    assert retried.status == "pending" and retried.attempts == 0
    [entry] = entries_for_order(message.order_id)
    assert entry.action == "outbox.retry" and entry.before["status"] == "dead"
    assert drain_outbox(NOW, worker="w").sent == 1


def test_a_pending_message_cannot_be_retried(app):
    message = queue()
    with pytest.raises(Conflict):
        retry(message.id, AGENT, NOW)


def test_a_message_is_queued_on_the_channel_it_is_given_and_needs_one(app):
    assert queue(key="chosen", channel="email").channel == "email"
    with pytest.raises(TypeError):  # the shop's channel is the edge's to give (app_config.outbox_channel)
        enqueue(kind="shipping_notice", dedupe_key="none", body="您好", now=NOW)
    with pytest.raises(ValueError):
        queue(key="unknown", channel="fax")


def test_on_postgresql_a_row_another_sender_is_claiming_is_skipped_without_waiting(app, backend):
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers instead")
    busy, free = queue(key="busy"), queue(key="free")
    with db.engine.connect() as other:
        other.execute(select(OutboxMessage.id).where(OutboxMessage.id == busy.id).with_for_update())
        assert claim_due(NOW, limit=10, worker="a") == [free.id]
        other.rollback()
    assert claim_due(NOW, limit=10, worker="b") == [busy.id]


def test_a_crashing_channel_fails_that_message_and_the_drain_goes_on(app, receiver, monkeypatch):
    broken, fine = queue(key="broken"), queue(key="fine")
    real_send = WebhookChannel.send

    def send(channel, envelope):
        if envelope.id == broken.id:
            raise RuntimeError("bug in a channel")
        real_send(channel, envelope)

    monkeypatch.setattr(WebhookChannel, "send", send)
    report = drain_outbox(NOW, worker="w")
    assert (report.failed, report.sent) == (1, 1)
    assert reload(broken).status == "failed" and "RuntimeError: bug in a channel" in reload(broken).last_error
    assert reload(fine).status == "sent"
