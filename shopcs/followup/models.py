"""Shop promotions and the buyer concerns agents record on orders (the follow-up settings live in shopcs.settings)."""
from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db
from ..notify.models import OutboxMessage


class Promotion(db.Model):
    __tablename__ = "followup_promotions"
    __table_args__ = (Index("ix_followup_promotions_send_day", "send_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)  # "promotion:<random>": never reused, unlike ids
    name: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    send_time: Mapped[time] = mapped_column(Time)
    days_before: Mapped[int] = mapped_column(Integer, default=0)
    send_day: Mapped[date] = mapped_column(Date)  # day - days_before: when the greeting sweep announces it
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BuyerConcern(db.Model):
    """Why a buyer hesitated to pay (顾忌), as the agent heard it."""

    __tablename__ = "buyer_concerns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The greeting gap check and the cap count read the outbox by customer / order and kind; the unpaid-recovery report
# finds each order's last reminder sent before payment in ix_outbox_order_kind alone (status, then sent_at and id
# in the report's order).
Index("ix_outbox_customer_kind_scheduled", OutboxMessage.customer_id, OutboxMessage.kind, OutboxMessage.scheduled_for)
Index("ix_outbox_order_kind", OutboxMessage.order_id, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.sent_at,
      OutboxMessage.id)
# The dashboard's latest refund-rate alerts (one kind, newest first): a few rows of an outbox holding every message.
Index("ix_outbox_kind_created", OutboxMessage.kind, OutboxMessage.created_at, OutboxMessage.id)
# The follow-up page's "Sent today": today's sent messages, not every message ever sent (migration d4d6f8a0b2c3).
Index("ix_outbox_status_sent", OutboxMessage.status, OutboxMessage.sent_at)
# The concerns report: concerns recorded in a window, with their category and order, from the index alone.
Index("ix_buyer_concerns_created", BuyerConcern.created_at, BuyerConcern.category, BuyerConcern.order_id)
