"""The assistant's model versions, kept as data: the shop's examples each version learnt from (besides the starter set
that ships with ShopCS) and its measured accuracy. A worker trains the active version from them; nothing is pickled."""
from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class AssistantModel(db.Model):
    __tablename__ = "assistant_models"
    __table_args__ = (UniqueConstraint("version", name="uq_assistant_models_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    examples: Mapped[str] = mapped_column(Text)  # JSON lines {"text", "category"}: the shop's corrected cases
    example_count: Mapped[int] = mapped_column(Integer)
    accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
