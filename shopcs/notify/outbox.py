"""Putting a message to a buyer into the outbox, exactly once per dedupe key.

Callers build the key from what makes the message unique — ("unpaid_reminder", order, step),
("holiday_greeting", customer, occasion), ("shipping_notice", shipment) — and the unique index on
outbox_messages.dedupe_key turns "send it once" into a database fact.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..config import OUTBOX_CHANNELS
from ..extensions import db
from .models import OutboxMessage
from .widget import WIDGET

KINDS = ("unpaid_reminder", "holiday_greeting", "promotion", "shipping_notice", "case_reply", "alert", "case_escalation",
         "assistant_reply")
INTERNAL_KINDS = ("alert", "case_escalation")  # the shop's own messages: to its team, never to a buyer
CHANNELS = (*OUTBOX_CHANNELS, WIDGET)  # ("manual", "email", "webhook") and the storefront widget's own delivery


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
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown outbox channel {channel!r}")
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
