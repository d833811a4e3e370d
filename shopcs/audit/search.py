"""Find audit entries: newest first, narrowed by order no. (exact), actor and action."""
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select

from ..extensions import db
from ..orders.models import Order
from .models import AuditEntry


@dataclass(frozen=True)
class AuditQuery:
    order_no: str = ""
    actor: str = ""  # part of "user:alice" / "token:shop", any case
    action: str = ""  # "refund" finds refund.*; "refund.approved" that action only


def search(query: AuditQuery, page: int = 1, per_page: int = 50):
    """Returns (pagination of AuditEntry, {order_id: order_no} for the entries on the page)."""
    stmt = select(AuditEntry)
    if query.order_no.strip():
        order_id = db.session.scalar(select(Order.id).where(Order.order_no == query.order_no.strip()))
        stmt = stmt.where(AuditEntry.order_id == order_id if order_id is not None else false())
    if query.actor.strip():
        stmt = stmt.where(func.lower(AuditEntry.actor).contains(query.actor.strip().lower(), autoescape=True))
    if query.action.strip():
        action = query.action.strip().lower()
        stmt = stmt.where(or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".", autoescape=True)))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    pagination = db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, count=True)
    ids = {entry.order_id for entry in pagination.items if entry.order_id is not None}
    numbers = dict(db.session.execute(select(Order.id, Order.order_no).where(Order.id.in_(ids))).all()) if ids else {}
    return pagination, numbers

