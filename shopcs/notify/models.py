"""The outbox: every message to a buyer is a row first, sent later by a channel (shopcs.notify.sender)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db

# "delivered": the buyer's widget has fetched the message (shopcs.notify.widget); other channels stop at "sent"
OUTBOX_STATUSES = ("pending", "sent", "delivered", "failed", "dead", "cancelled")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "scheduled_for"),)  # the sender's claim query

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="manual")
    body: Mapped[str] = mapped_column(Text)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A sender's lease: while claimed_until is in the future no other sender takes the row; a sender killed
    # mid-send leaves the lease to run out, and the row is sent again with the same id (the idempotency key).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # an e-mailed case reply's own headers (Message-ID, In-Reply-To, References, Subject), fixed when it is queued
    # so that the buyer's answer threads back to the case; None for every other message
    headers: Mapped[dict | None] = mapped_column(JSON, nullable=True)
