"""Putting a message to a buyer into the outbox, exactly once per dedupe key.

Callers build the key from what makes the message unique — ("unpaid_reminder", order, step),
("holiday_greeting", customer, occasion), ("shipping_notice", shipment) — and the unique index on
outbox_messages.dedupe_key turns "send it once" into a database fact.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..config import OUTBOX_CHANNELS
from ..extensions import db
from .models import OutboxMessage
from .widget import WIDGET

KINDS = ("unpaid_reminder", "holiday_greeting", "promotion", "shipping_notice", "case_reply", "alert", "case_escalation",
         "assistant_reply")
INTERNAL_KINDS = ("alert", "case_escalation")  # the shop's own messages: to its team, never to a buyer
CHANNELS = (*OUTBOX_CHANNELS, WIDGET)  # ("manual", "email", "webhook") and the storefront widget's own delivery


def _check(kind: str, channel: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown outbox channel {channel!r}")


def enqueue(*, kind: str, dedupe_key: str, body: str, now: datetime, scheduled_for: datetime | None = None,
            customer_id: int | None = None, order_id: int | None = None, channel: str,
            headers: dict | None = None) -> OutboxMessage | None:
    """Add the message inside the caller's transaction; returns None when that key was already queued.

    The channel is fixed now, when the message is queued (callers pass the shop's, app_config.outbox_channel(), from
    the edge, unless the message has its own). `headers`: an
    e-mailed case reply's own mail headers (shopcs.notify.mail_headers). A "widget" message is sent as it is queued:
    the buyer's widget fetches it (shopcs.notify.widget).

    Uses a savepoint so that a duplicate (even one inserted concurrently by another process) leaves
    the caller's transaction intact.
    """
    _check(kind, channel)
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    sent_now = channel == WIDGET
    message = OutboxMessage(kind=kind, dedupe_key=dedupe_key, body=body, channel=channel,
                            status="sent" if sent_now else "pending", sent_at=now if sent_now else None,
                            scheduled_for=scheduled_for or now, customer_id=customer_id, order_id=order_id,
                            attempts=0, created_at=now, headers=headers)
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def enqueue_many(messages: list[dict], *, kind: str, now: datetime, channel: str) -> set[str]:
    """Add many messages of one kind in one statement inside the caller's transaction; returns the dedupe keys
    that were new. A key already queued (even by another process a moment ago) is skipped by the unique index
    (INSERT ... ON CONFLICT DO NOTHING, the same statement on SQLite and PostgreSQL), never raised.

    `messages`: dicts with dedupe_key, body, scheduled_for, customer_id, order_id and, for a message recorded
    only to say why it is not sent, cancel_reason (its row is then "cancelled")."""
    _check(kind, channel)
    if channel == WIDGET:
        raise ValueError("widget messages are sent as they are queued: use enqueue")
    if not messages:
        return set()
    rows = [{"kind": kind, "channel": channel, "attempts": 0, "created_at": now, "dedupe_key": m["dedupe_key"],
             "body": m["body"], "scheduled_for": m["scheduled_for"], "customer_id": m["customer_id"],
             "order_id": m["order_id"], "status": "cancelled" if m.get("cancel_reason") else "pending",
             "cancel_reason": m.get("cancel_reason")} for m in messages]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = OutboxMessage.__table__
    # executemany of one cached statement, which SQLAlchemy's "insertmanyvalues" sends as multi-row INSERTs of 100
    # rows: a VALUES list built per call was compiled anew each time (1 ms a message of 1.3 in the sweep bench), and
    # 1,000-row pages took PostgreSQL ~1.9 s per 1,000 messages against ~0.3 s in pages of 100 (2-core VM, loaded)
    statement = (dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
                 .returning(table.c.dedupe_key).execution_options(insertmanyvalues_page_size=100))
    return set(db.session.execute(statement, rows).scalars())
