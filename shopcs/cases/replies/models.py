"""Reply templates (话术) that supervisors keep and agents fill with a case's variables (duty 12)."""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...db_types import UTCDateTime
from ...extensions import db

KEY_MAX = 60
TITLE_MAX = 100
BODY_MAX = 2000
LANGUAGES = ("zh_CN", "en")


class ReplyTemplate(db.Model):
    """One template in one language. A key names the same answer in every language (the defaults' "greeting" is
    both 您好… and Hello…), so it is unique per language. Deactivated templates stay: old audit entries name them."""

    __tablename__ = "reply_templates"
    __table_args__ = (
        UniqueConstraint("key", "language", name="uq_reply_templates_key_language"),
        Index("ix_reply_templates_language_category", "language", "category", "active"),  # the list and the picker
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: fits any case
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
