"""The outbox sender: claim what is due, send each message once through its channel, record the result.

`drain` is what the scheduler runs every few seconds; any number of drains may run at once (see
claims.py). Nothing is sent inside a database transaction: claim → commit → send → record → commit.
"""
import os
import random
import socket
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import current_app

from ..actor import Actor
from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..orders.models import Customer, Order
from .cancelling import cancel, cancel_for_order, cancel_unwanted_manual  # noqa: F401 - cancel_for_order is part of this API
from .channels import Envelope, SendFailure, open_channels
from .claims import LEASE, claim_due, release
from .models import OutboxMessage
from .policy import OPEN, retry_delay, status_after_failure, unwanted_reason
from .unsubscribe import unsubscribe_url

CLAIM_BATCH = 10  # small batches keep each lease short: 10 sends at a 5 s timeout fit well inside LEASE
UNSUBSCRIBABLE = ("holiday_greeting", "promotion")


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # claimed, then found taken over by another sender or cancelled meanwhile
    cancelled: int = 0  # no longer wanted: order paid or closed, customer opted out

    def as_dict(self) -> dict:
        return asdict(self)


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def drain(now: datetime, *, limit: int = 100, worker: str | None = None, rng: random.Random | None = None) -> DrainReport:
    """Send up to `limit` due messages. `now` is the drain's logical time; leases also count real time spent.

    `worker` names this sender in claimed_by and must differ between concurrent senders (default: host:pid:thread).
    """
    rng = rng or random.Random()
    worker = worker or default_worker()
    report = DrainReport(cancelled=cancel_unwanted_manual(now))
    channels = open_channels(current_app.config)
    started = time.monotonic()
    try:
        remaining = limit
        while remaining > 0:
            spent = timedelta(seconds=time.monotonic() - started)
            ids = claim_due(now, limit=min(CLAIM_BATCH, remaining), worker=worker, lease=LEASE + spent)
            if not ids:
                break
            remaining -= len(ids)
            for message_id in ids:
                _send_one(message_id, now, worker, channels, rng, report)
    finally:
        for channel in channels.values():
            channel.close()
    return report


def _send_one(message_id: int, now: datetime, worker: str, channels: dict, rng: random.Random, report: DrainReport) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.claimed_by != worker or message.status not in OPEN:
        if message is not None and message.claimed_by == worker:
            release(message)  # cancelled while we held it
        report.skipped += 1
        db.session.commit()
        return
    order = db.session.get(Order, message.order_id) if message.order_id else None
    customer = db.session.get(Customer, message.customer_id) if message.customer_id else (order.customer if order else None)
    reason = unwanted_reason(message.kind, order.status if order else None, bool(customer and customer.opted_out))
    if reason:
        cancel(message, reason)
        release(message)
        db.session.commit()
        report.cancelled += 1
        return
    envelope = _envelope(message, order, customer)
    db.session.commit()  # no transaction stays open while we wait on the network
    try:
        if envelope.channel not in channels:
            raise SendFailure(f"unknown channel {envelope.channel!r}", permanent=True)
        channels[envelope.channel].send(envelope)
    except SendFailure as failure:
        _record_failure(message_id, now, failure, rng, report)
    except Exception as exc:  # a bug in a channel must not stop the drain or resend the row forever  # noqa: BLE001
        current_app.logger.exception("outbox message %s: the %s channel crashed", message_id, envelope.channel)
        _record_failure(message_id, now, SendFailure(f"unexpected {type(exc).__name__}: {exc}"), rng, report)
    else:
        _record_sent(message_id, now, report)


def _envelope(message: OutboxMessage, order: Order | None, customer: Customer | None) -> Envelope:
    link = unsubscribe_url(customer.external_id) if customer and message.kind in UNSUBSCRIBABLE else None
    return Envelope(id=message.id, kind=message.kind, channel=message.channel, body=message.body,
                    scheduled_for=message.scheduled_for, customer=customer.external_id if customer else None,
                    email=customer.email if customer else "", order_no=order.order_no if order else None,
                    unsubscribe_url=link)


def _record_sent(message_id: int, now: datetime, report: DrainReport) -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
    message.next_attempt_at = message.last_error = message.cancel_reason = None  # delivered is the truth, whatever came meanwhile
    release(message)
    db.session.commit()
    report.sent += 1


def _record_failure(message_id: int, now: datetime, failure: SendFailure, rng: random.Random, report: DrainReport) -> None:
    config = current_app.config
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.last_error = str(failure)[:500]
    message.status = status_after_failure(message.attempts, config["SHOPCS_OUTBOX_MAX_ATTEMPTS"], failure.permanent)
    if message.status == "failed":
        message.next_attempt_at = now + retry_delay(message.attempts, config["SHOPCS_OUTBOX_BACKOFF_SECONDS"], rng)
    else:
        message.next_attempt_at = None
    release(message)
    db.session.commit()
    setattr(report, message.status, getattr(report, message.status) + 1)
    current_app.logger.warning("outbox message %s %s after attempt %s: %s", message_id, message.status, message.attempts, failure)


def _get(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id) if 1 <= message_id <= 2**31 - 1 else None
    if message is None:
        raise NotFound(f"No outbox message {message_id}.")
    return message


def mark_manual_sent(message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """An agent pasted the text into the platform's chat. Also for a dead message an agent delivered by hand."""
    message = _get(message_id)
    if not ((message.channel == "manual" and message.status in OPEN) or message.status == "dead"):
        raise Conflict(f"Message {message_id} is {message.status} on channel {message.channel}; it cannot be marked sent.")
    before = {"status": message.status}
    message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
    message.next_attempt_at = None
    record(actor, "outbox.manual_sent", now, order_id=message.order_id, before=before,
           after={"status": "sent", "message_id": message.id, "kind": message.kind})
    db.session.commit()
    return message


def retry(message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """Give a failed or dead message a fresh set of attempts, due at once."""
    message = _get(message_id)
    if message.status not in ("failed", "dead"):
        raise Conflict(f"Message {message_id} is {message.status}; only failed or dead messages can be retried.")
    before = {"status": message.status, "attempts": message.attempts, "last_error": message.last_error}
    message.status, message.attempts, message.next_attempt_at = "pending", 0, None
    release(message)
    record(actor, "outbox.retry", now, order_id=message.order_id, before=before,
           after={"status": "pending", "attempts": 0, "message_id": message.id})
    db.session.commit()
    return message
