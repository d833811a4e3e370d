"""Customer cases (工单) and their timelines: every reply, note, transfer and change is a CaseEvent row."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db_types import UTCDateTime
from ..extensions import db
from ..orders.models import Customer, Order
from .rules import BODY_MAX, EXTERNAL_ID_MAX, SUBJECT_MAX  # noqa: F401 - BODY_MAX: imported from here elsewhere

EVENT_KINDS = ("reply", "reply_logged", "customer_message", "note", "transfer", "status", "escalation",
               "acknowledgement", "severity", "claim", "owner", "assistant_reply")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_due", "status", "first_response_due_at"),  # the queue: open cases, most urgent first
        Index("ix_cases_owner_status", "owner_id", "status"),  # "my cases"
        Index("ix_cases_team_status", "team", "status", "first_response_due_at"),  # a team's inbox in queue order
        # the "Unanswered" tab and the breach sweep: unanswered cases still open, by due time (a closed case that
        # never had a reply stays out of the range, so the count does not grow with the history)
        Index("ix_cases_unanswered_status_due", "first_responded_at", "status", "first_response_due_at"),
        # the "Escalated" tab: escalations waiting for a supervisor (acknowledged_at IS NULL, escalated_at IS NOT NULL)
        Index("ix_cases_escalation_pending", "escalation_acknowledged_at", "escalated_at"),
        Index("ix_cases_category_received", "category", "received_at"),  # reports: volumes by category in a window
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="new")
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body: Mapped[str] = mapped_column(Text)  # the customer's first message
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    team: Mapped[str] = mapped_column(String(20), default="agents")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalation_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    escalation_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalation_acknowledged_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    # the assistant's reading of the message that opened the case (shopcs.assistant); the category an agent keeps is
    # `category`: the two side by side are the accuracy report and the examples a retrained model learns from
    suggested_category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    suggested_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    # when the assistant answered the buyer itself (out of hours, where is my order); the case stays open for an agent
    assistant_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer: Mapped[Customer | None] = relationship(viewonly=True)
    order: Mapped[Order | None] = relationship(viewonly=True)
    owner: Mapped[User | None] = relationship(viewonly=True)
    events: Mapped[list["CaseEvent"]] = relationship(back_populates="case", order_by="CaseEvent.id",
                                                     cascade="all, delete-orphan")


class CaseEvent(db.Model):
    """One line of a case's timeline; `occurred_at` is when it happened (a logged reply: when it was given)."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_case", "case_id", "id"),  # a case's timeline in order
        Index("ix_case_events_actor", "actor", "occurred_at"),  # an agent's work log for a day
        # a message counts once per source: the same chat/e-mail/API message id again finds its event
        Index("ux_case_events_channel_external", "channel", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # before/after of a change
    # the source's own id of a customer's message (a chat message id, an e-mail's Message-ID), or the Message-ID we gave
    # an e-mailed reply (a buyer's answer names it); None for the rest
    external_id: Mapped[str | None] = mapped_column(String(EXTERNAL_ID_MAX), nullable=True)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseWord(db.Model):
    """The word index (shopcs.cases.wordsearch): one row per gram (a pair of characters as a number, or a text's last character)
    found in a case's subject or messages, written in the same transaction as the text. Derived data, like an index:
    no foreign key (a check on every case delete without an index on case_id), rebuilt from the texts by its migration.
    SQLite keeps it as its primary key's B-tree (WITHOUT ROWID): one copy of each row, in key order."""

    __tablename__ = "case_words"
    __table_args__ = {"sqlite_with_rowid": False}

    gram: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
