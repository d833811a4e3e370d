"""One row per signed webhook delivery: accepted ones (a retried or replayed delivery finds its row and changes
nothing) and refused ones (422: the payload could not be applied). A refused row is not "seen": the platform's
retry of that delivery id is applied, and its row then becomes the accepted outcome."""
from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db

REFUSED = "refused"
REASON_LENGTH = 500


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("source", "delivery_id", name="uq_webhook_deliveries_source_delivery"),
        # a Shopify refund names the order by Shopify's id: the deliveries say which order_no that id became
        Index("ix_webhook_deliveries_object", "source", "object_id"),
        Index("ix_webhook_deliveries_received", "received_at"),  # the deliveries page, newest first
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # shopify | woocommerce
    delivery_id: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # created | updated | stale | refunded | shipped | shipment_updated | ignored | refused
    outcome: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the platform's order id
    order_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # refused only: the validation messages, shortened (REASON_LENGTH); never the payload
    reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH), nullable=True)
