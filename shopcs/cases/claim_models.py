"""Claims (理赔) on a case of category "claim": the amount the buyer claims, the photos they sent, the decision and
the refund it led to. The refund itself lives in the order's refund flow; a claim only links to it."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime
from ..extensions import db
from ..orders.models import Refund
from .models import Case

KINDS = ("damaged", "lost")
STATUSES = ("open", "approved", "rejected")
ORIGINAL_NAME_MAX = 200


class Claim(db.Model):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)  # one claim per case
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    amount_claimed: Mapped[Decimal] = mapped_column(Money)
    decided_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(viewonly=True)
    refund: Mapped[Refund | None] = relationship(viewonly=True)
    evidence: Mapped[list["ClaimEvidence"]] = relationship(back_populates="claim", order_by="ClaimEvidence.id")


class ClaimEvidence(db.Model):
    """One photo. The file on disk is named by `stored_name`, a random token: the uploader's name is only shown. The
    file is the upload without its metadata (claim_images.clean_photo), and size, width, height and sha256 are that
    file's: the same photo sent twice with different metadata is the same photo."""

    __tablename__ = "claim_evidence"
    __table_args__ = (UniqueConstraint("claim_id", "sha256", name="uq_claim_evidence_photo"),)  # the same photo once

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(ORIGINAL_NAME_MAX))
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)  # pixels: the page sizes thumbnails without reading the file
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    claim: Mapped[Claim] = relationship(back_populates="evidence")
