"""The webhook channel against a real local HTTP receiver that answers 200, 404, 500, too slowly, or hangs up."""
import hashlib
import hmac
import json
import random
from datetime import timedelta

import pytest

from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.orders.models import Order

from ..builders import NOW, make_customer, make_order
from ..receivers import WebhookReceiver, free_port

SECRET = "webhook-test-secret"


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def app_config(receiver):
    return {"SHOPCS_WEBHOOK_URL": receiver.url, "SHOPCS_WEBHOOK_SECRET": SECRET, "SHOPCS_WEBHOOK_TIMEOUT_SECONDS": 0.3,
            "SHOPCS_OUTBOX_MAX_ATTEMPTS": 4, "SHOPCS_OUTBOX_BACKOFF_SECONDS": 30}


def queue_notice(key="shipping_notice:1", body="您的订单已发出") -> OutboxMessage:
    order = make_order(customer=make_customer(external_id=f"buyer-{key}"))
    message = enqueue(kind="shipping_notice", dedupe_key=key, body=body, now=NOW, customer_id=order.customer_id,
                      order_id=order.id, channel="webhook")
    db.session.commit()
    return message


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_a_2xx_answer_marks_the_message_sent_and_the_receiver_can_verify_what_it_got(app, receiver):
    message = queue_notice()
    report = drain_outbox(NOW, worker="w1")
    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    stored = reload(message)
    assert stored.status == "sent" and stored.sent_at == NOW and stored.attempts == 1 and stored.claimed_by is None
    [request] = receiver.requests
    raw, headers = request["raw"], request["headers"]
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-ShopCS-Signature"], expected)
    assert headers["Idempotency-Key"] == str(message.id) and headers["Content-Type"].startswith("application/json")
    payload = json.loads(raw)
    assert payload == {"id": message.id, "kind": "shipping_notice", "customer": "buyer-shipping_notice:1",
                       "order_no": db.session.get(Order, message.order_id).order_no,
                       "channel": "webhook", "body": "您的订单已发出", "scheduled_for": "2026-03-04T02:00:00+00:00"}


def test_a_500_answer_is_retried_after_the_backoff_with_the_same_idempotency_key(app, receiver):
    receiver.script = [500]
    message = queue_notice()
    assert drain_outbox(NOW, worker="w1", rng=random.Random(3)).failed == 1
    failed = reload(message)
    assert failed.status == "failed" and failed.attempts == 1 and failed.last_error.startswith("HTTP 500")
    assert NOW + timedelta(seconds=24) <= failed.next_attempt_at <= NOW + timedelta(seconds=36)
    assert drain_outbox(NOW + timedelta(seconds=10), worker="w1").sent == 0  # not due yet
    assert drain_outbox(failed.next_attempt_at, worker="w1").sent == 1
    sent = reload(message)
    assert sent.status == "sent" and sent.attempts == 2 and sent.last_error is None
    assert [r["headers"]["Idempotency-Key"] for r in receiver.requests] == [str(message.id)] * 2


@pytest.mark.parametrize("answer", [400, 404, 410, 422])
def test_a_4xx_answer_is_dead_at_once(app, receiver, answer):
    receiver.script = [answer]
    message = queue_notice()
    assert drain_outbox(NOW, worker="w1").dead == 1
    dead = reload(message)
    assert dead.status == "dead" and dead.attempts == 1 and dead.next_attempt_at is None
    assert dead.last_error.startswith(f"HTTP {answer}")
    assert drain_outbox(NOW + timedelta(days=1), worker="w1").sent == 0 and len(receiver.requests) == 1


def test_a_429_too_many_requests_is_retried_rather_than_dead(app, receiver):
    receiver.script = [429]
    message = queue_notice()
    drain_outbox(NOW, worker="w1")
    assert reload(message).status == "failed"


def test_a_receiver_slower_than_the_timeout_is_a_failure_to_retry(app, receiver):
    receiver.script = ["slow"]
    message = queue_notice()
    assert drain_outbox(NOW, worker="w1").failed == 1
    failed = reload(message)
    assert failed.status == "failed" and "no answer within 0.3 s" in failed.last_error


def test_a_receiver_that_hangs_up_without_answering_is_a_failure_to_retry(app, receiver):
    receiver.script = ["close"]
    message = queue_notice()
    assert drain_outbox(NOW, worker="w1").failed == 1
    assert "could not reach the webhook" in reload(message).last_error


def test_a_refused_connection_is_a_failure_to_retry(app):
    app.config["SHOPCS_WEBHOOK_URL"] = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens there
    message = queue_notice()
    assert drain_outbox(NOW, worker="w1").failed == 1
    failed = reload(message)
    assert failed.status == "failed" and "ConnectionError" in failed.last_error


def test_a_webhook_without_a_configured_url_waits_for_one(app):
    app.config["SHOPCS_WEBHOOK_URL"] = ""
    message = queue_notice()
    drain_outbox(NOW, worker="w1")
    assert reload(message).status == "failed" and "SHOPCS_WEBHOOK_URL" in reload(message).last_error


def test_backoff_grows_with_each_failure_and_the_last_attempt_is_dead_lettered(app, receiver):
    receiver.default = 503
    message = queue_notice()
    at, delays = NOW, []
    for _ in range(4):
        drain_outbox(at, worker="w1", rng=random.Random(11))
        stored = reload(message)
        if stored.status == "failed":
            delays.append((stored.next_attempt_at - at).total_seconds())
            at = stored.next_attempt_at
    assert stored.status == "dead" and stored.attempts == 4 and stored.next_attempt_at is None
    assert len(delays) == 3 and all(0.8 * 30 * 2**n <= d <= 1.2 * 30 * 2**n for n, d in enumerate(delays))
    assert delays[0] < delays[1] < delays[2]
    assert len(receiver.requests) == 4
    assert drain_outbox(at + timedelta(days=1), worker="w1").sent == 0 and len(receiver.requests) == 4


def test_a_scheduled_run_sends_every_due_message_not_just_a_hundred_and_stops_claiming_when_its_time_is_up(app, receiver):
    for n in range(130):
        enqueue(kind="shipping_notice", dedupe_key=f"shipping_notice:many:{n}", body="您的订单已发出", now=NOW, channel="webhook")
    db.session.commit()
    assert drain_outbox(NOW, worker="w1", budget=0).sent == 0  # no time left: nothing claimed
    assert drain_outbox(NOW, worker="w1").sent == 130  # the scheduler's run: the whole backlog
    assert len({request["headers"]["Idempotency-Key"] for request in receiver.requests}) == 130
