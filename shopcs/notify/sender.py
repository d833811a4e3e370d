"""The outbox sender: claim what is due, send each message once through its channel, record the result.

`drain` is what the scheduler runs every few seconds; any number of drains may run at once (see
leases.py). Nothing is sent inside a database transaction: claim → commit → send → record → commit.
"""
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select, update

from ..actor import Actor
from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..orders.models import Customer, Order
from .cancelling import cancel, cancel_for_order, cancel_unwanted_manual  # noqa: F401 - cancel_for_order is part of this API
from .channels import Envelope, SendFailure, open_channels
from .leases import LEASE, claim_due, release
from .models import OutboxMessage
from .outbox import INTERNAL_KINDS
from .policy import OPEN, retry_delay, status_after_failure, unwanted_reason
from .sender_settings import SenderSettings
from .unsubscribe import unsubscribe_url

log = logging.getLogger("shopcs.notify.sender")

CLAIM_BATCH = 10  # small batches keep each lease short: 10 sends at a 5 s timeout fit well inside LEASE
UNSUBSCRIBABLE = ("holiday_greeting", "promotion")
FRESH_FOR = 1.0  # seconds a read of a claimed batch is trusted before a send
# told (kind, dedupe_key, sent_at) of each message that has left, in the session's transaction, which is then committed:
# how the cases' first-response clock stops when a reply is sent (handed in by the job wrapper: notify imports no cases)
OnSent = Callable[[str, str, datetime], None]


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


def drain(now: datetime, settings: SenderSettings, *, limit: int | None = 100, worker: str | None = None,
          rng: random.Random | None = None, on_sent: OnSent | None = None, budget: float | None = None) -> DrainReport:
    """Send up to `limit` due messages (None: every one due). `now` is the drain's logical time; leases also count
    real time spent. `budget`: seconds of real time after which no further batch is claimed (the batch in hand is
    finished), so a long backlog is sent run after run without a run overlapping the next.

    `worker` names this sender in claimed_by and must differ between concurrent senders (default: host:pid:thread).
    `on_sent`: called for each message the channel took, and committed, before its "sent" is recorded: its effect
    (a case reply stops its case's clock) survives a crash, and must not mind being called twice.
    """
    rng = rng or random.Random()
    worker = worker or default_worker()
    report = DrainReport(cancelled=cancel_unwanted_manual(now))
    channels = open_channels(settings.channels)
    started = time.monotonic()
    try:
        with _sender_connection() as connection:
            remaining = limit
            while remaining is None or remaining > 0:
                spent = time.monotonic() - started
                if budget is not None and spent >= budget:
                    break
                batch = CLAIM_BATCH if remaining is None else min(CLAIM_BATCH, remaining)
                ids = claim_due(now, limit=batch, worker=worker, lease=LEASE + timedelta(seconds=spent), connection=connection)
                if not ids:
                    break
                if remaining is not None:
                    remaining -= len(ids)
                _send_batch(connection, ids, now, worker, channels, settings, rng, report, on_sent)
    finally:
        for channel in channels.values():
            channel.close()
    return report


@contextmanager
def _sender_connection() -> Iterator[Connection]:
    """The drain's own connection. Autocommit: each claim, read and record is one statement and its own
    transaction, so no COMMIT round trip and no pool check-out per message.

    On PostgreSQL its commits do not wait for the disk (synchronous_commit off, for this connection only):
    a database crash may forget the last "sent" records, and those messages go again with the same
    idempotency key. A killed sender loses nothing by it; the setting is reset before the pool gets it back.
    """
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.exec_driver_sql("SET synchronous_commit TO off")
        try:
            yield connection
        finally:
            if postgresql and not connection.invalidated:
                connection.exec_driver_sql("RESET synchronous_commit")


def _send_batch(connection: Connection, ids: list[int], now: datetime, worker: str, channels: dict, settings: SenderSettings,
                rng: random.Random, report: DrainReport, on_sent: OnSent | None = None) -> None:
    """Send the claimed messages one by one, from one read of the batch; a read older than FRESH_FOR (slow
    channels) is repeated before the next send, so a payment or an opt-out is seen within about a second."""
    rows, read_at = _read(connection, ids), time.monotonic()
    for message_id in ids:
        if time.monotonic() - read_at > FRESH_FOR:
            rows, read_at = _read(connection, ids), time.monotonic()
        _send_one(connection, message_id, rows.get(message_id), now, worker, channels, settings, rng, report, on_sent)


def _read(connection: Connection, ids: list[int]) -> dict:
    """Each claimed message with what its send needs: its order's status and number, its customer."""
    return {row.id: row for row in connection.execute(_READ, {"ids": ids})}


def _send_one(connection: Connection, message_id: int, row, now: datetime, worker: str, channels: dict, settings: SenderSettings,
              rng: random.Random, report: DrainReport, on_sent: OnSent | None = None) -> None:
    if row is None or row.claimed_by != worker or row.status not in OPEN:
        if row is not None and row.claimed_by == worker:
            connection.execute(_RELEASE, {"message_id": message_id, "worker": worker})  # cancelled while we held it
        report.skipped += 1
        return
    reason = unwanted_reason(row.kind, row.order_status, bool(row.opted_out))
    if reason:
        message = db.session.get(OutboxMessage, message_id)
        cancel(message, reason)
        release(message)
        db.session.commit()
        report.cancelled += 1
        return
    envelope = _envelope(row, settings)  # autocommit: no transaction stays open while we wait on the network
    try:
        if envelope.channel not in channels:
            raise SendFailure(f"unknown channel {envelope.channel!r}", permanent=True)
        channels[envelope.channel].send(envelope)
    except SendFailure as failure:
        _record_failure(message_id, now, failure, settings, rng, report)
    except Exception as exc:  # a bug in a channel must not stop the drain or resend the row forever  # noqa: BLE001
        log.exception("outbox message %s: the %s channel crashed", message_id, envelope.channel)
        _record_failure(message_id, now, SendFailure(f"unexpected {type(exc).__name__}: {exc}"), settings, rng, report)
    else:
        if on_sent is not None:  # before the record: a crash between the two leaves the message to be sent again when
            on_sent(row.kind, row.dedupe_key, now)  # its lease ends (as after any crash past a send), its effect kept
            db.session.commit()
        _record_sent(connection, message_id, now, report)


# The hot path's statements, built once on the tables (not the ORM classes): per message, building and
# ORM-compiling an UPDATE costs more than the round trip to the database.
_OUTBOX, _ORDERS, _CUSTOMERS = OutboxMessage.__table__, Order.__table__, Customer.__table__

_READ = (select(_OUTBOX.c.id, _OUTBOX.c.kind, _OUTBOX.c.dedupe_key, _OUTBOX.c.channel, _OUTBOX.c.body,
                _OUTBOX.c.scheduled_for, _OUTBOX.c.status,
                _OUTBOX.c.claimed_by, _OUTBOX.c.headers, _ORDERS.c.order_no, _ORDERS.c.status.label("order_status"),
                _CUSTOMERS.c.external_id, _CUSTOMERS.c.email, _CUSTOMERS.c.opted_out)
         .outerjoin(_ORDERS, _ORDERS.c.id == _OUTBOX.c.order_id)
         .outerjoin(_CUSTOMERS, _CUSTOMERS.c.id == func.coalesce(_OUTBOX.c.customer_id, _ORDERS.c.customer_id))
         .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True))))

_RECORD_SENT = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("message_id"))  # no claimed_by check: delivered is the truth
                .values(status="sent", sent_at=bindparam("now", type_=_OUTBOX.c.sent_at.type), attempts=_OUTBOX.c.attempts + 1,
                        next_attempt_at=None, last_error=None, cancel_reason=None, claimed_until=None, claimed_by=None))

_RELEASE = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("message_id"), _OUTBOX.c.claimed_by == bindparam("worker"))
            .values(claimed_until=None, claimed_by=None))


def _envelope(row, settings: SenderSettings) -> Envelope:
    link = None
    if row.external_id and row.kind in UNSUBSCRIBABLE:
        link = unsubscribe_url(row.external_id, settings.secret_key, settings.public_url)
    return Envelope(id=row.id, kind=row.kind, channel=row.channel, body=row.body, scheduled_for=row.scheduled_for,
                    customer=row.external_id, email=_address(row, settings), order_no=row.order_no, unsubscribe_url=link,
                    headers=row.headers)


def _address(row, settings: SenderSettings) -> str:
    """The buyer's email; the shop's own messages (an operators' alert, a case escalated to the supervisors) have no
    buyer and go to the team address the caller gave (the alert settings')."""
    if row.kind in INTERNAL_KINDS:
        return settings.team_email()
    return row.email or ""


def _record_sent(connection: Connection, message_id: int, now: datetime, report: DrainReport) -> None:
    """One UPDATE, no read: delivered is the truth, whatever came meanwhile (a cancel, an expired lease)."""
    connection.execute(_RECORD_SENT, {"message_id": message_id, "now": now})
    report.sent += 1


def _record_failure(message_id: int, now: datetime, failure: SendFailure, settings: SenderSettings, rng: random.Random,
                    report: DrainReport) -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.last_error = str(failure)[:500]
    message.status = status_after_failure(message.attempts, settings.max_attempts, failure.permanent)
    if message.status == "failed":
        message.next_attempt_at = now + retry_delay(message.attempts, settings.backoff_seconds, rng)
    else:
        message.next_attempt_at = None
    release(message)
    db.session.commit()
    setattr(report, message.status, getattr(report, message.status) + 1)
    log.warning("outbox message %s %s after attempt %s: %s", message_id, message.status, message.attempts, failure)


def _get(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id) if 1 <= message_id <= 2**31 - 1 else None
    if message is None:
        raise NotFound(f"No outbox message {message_id}.")
    return message


def mark_manual_sent(message_id: int, actor: Actor, now: datetime, on_sent: OnSent | None = None) -> OutboxMessage:
    """An agent pasted the text into the platform's chat. Also for a dead message an agent delivered by hand.
    `on_sent`: as drain's, in this change's transaction."""
    message = _get(message_id)
    if not ((message.channel == "manual" and message.status in OPEN) or message.status == "dead"):
        raise Conflict(f"Message {message_id} is {message.status} on channel {message.channel}; it cannot be marked sent.")
    before = {"status": message.status}
    message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
    message.next_attempt_at = None
    record(actor, "outbox.manual_sent", now, order_id=message.order_id, before=before,
           after={"status": "sent", "message_id": message.id, "kind": message.kind})
    if on_sent is not None:
        on_sent(message.kind, message.dedupe_key, now)
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
