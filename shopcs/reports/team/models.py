"""An agent's work log for one shop-local day (工作日志): their notes, and once submitted, the day's figures frozen."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...auth.models import User
from ...db_types import UTCDateTime
from ...extensions import db

NOTES_MAX = 5000


class WorkLog(db.Model):
    """One row per person and day; the figures are assembled from their actions until `submitted_at`, when the
    snapshot in `summary` becomes the record (later edits to cases do not rewrite a submitted day)."""

    __tablename__ = "work_logs"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_work_logs_user_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)  # the shop's local date
    notes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    summary: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(viewonly=True)
