"""How far each person has read each case: the unread marks of the queue and the top bar come from here."""
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db


class CaseRead(db.Model):
    """The last timeline event a person has seen of a case (on its page, or shown live on the open page)."""

    __tablename__ = "case_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    last_seen_event_id: Mapped[int] = mapped_column(Integer)
