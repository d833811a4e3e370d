"""Buyer concerns (顾忌) that agents record on an order, for the order page and the operators' reports."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actor import Actor
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from ..orders.locking import order_id_for
from ..orders.models import Order
from .models import BuyerConcern

CATEGORIES = ("price", "shipping_time", "size", "payment_method", "quality_doubt", "changed_mind", "other")
MAX_TEXT = 1000


def record_concern(order_no: str, category: str, text: str, actor: Actor, now: datetime) -> BuyerConcern:
    """Raises NotFound for an unknown order, Invalid for an unknown category or a bad text. Commits."""
    order_id = order_id_for(order_no)
    text = (text or "").strip()
    errors = {}
    if category not in CATEGORIES:
        errors["category"] = _l("must be one of %(choices)s", choices=", ".join(CATEGORIES))
    if len(text) > MAX_TEXT:
        errors["text"] = _l("must be at most %(limit)s characters", limit=MAX_TEXT)
    elif category == "other" and not text:
        errors["text"] = _l("say what the concern is")
    if errors:
        raise Invalid(_l("The concern is not valid."), errors)
    concern = BuyerConcern(order_id=order_id, category=category, text=text, author=actor.label, created_at=now)
    db.session.add(concern)
    record(actor, "followup.concern", now, order_id=order_id, after={"category": category, "text": text})
    db.session.commit()
    return concern


def concerns_for_order(order_id: int) -> list[BuyerConcern]:
    """Newest first."""
    return list(db.session.scalars(select(BuyerConcern).where(BuyerConcern.order_id == order_id)
                                   .order_by(BuyerConcern.created_at.desc(), BuyerConcern.id.desc())))


@dataclass(frozen=True)
class CustomerConcern:
    """A concern with the order it was heard on, for the customer page and the buyer's later orders."""

    concern: BuyerConcern
    order_no: str


def concerns_for_customer(customer_id: int, except_order_id: int | None = None, limit: int = 20) -> list[CustomerConcern]:
    """The buyer's concerns on all their orders (or all but one), newest first: kept for the next sale."""
    query = (select(BuyerConcern, Order.order_no).join(Order, Order.id == BuyerConcern.order_id)
             .where(Order.customer_id == customer_id)
             .order_by(BuyerConcern.created_at.desc(), BuyerConcern.id.desc()).limit(limit))
    if except_order_id is not None:
        query = query.where(BuyerConcern.order_id != except_order_id)
    return [CustomerConcern(concern, order_no) for concern, order_no in db.session.execute(query)]
