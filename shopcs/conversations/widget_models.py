"""A storefront widget conversation: the buyer holds a signed token naming its key; no account, no cookie."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db

KEY_LENGTH = 32  # hex characters of a random 128-bit key


class WidgetConversation(db.Model):
    __tablename__ = "widget_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    # the buyer: the widget's own customer ("widget:<key>") after the first message, the order's once identified
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
