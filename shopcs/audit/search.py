"""Find audit entries: newest first, narrowed by order no. (exact), actor and action."""
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select

from ..extensions import db
from .models import AuditEntry


@dataclass(frozen=True)
class AuditQuery:
    order_no: str = ""
    actor: str = ""  # part of "user:alice" / "token:shop", any case
    action: str = ""  # "refund" finds refund.*; "refund.approved" that action only


def search(query: AuditQuery, page: int = 1, per_page: int = 50, order_id: int | None = None):
    """The page of AuditEntry rows (a pagination). `order_id`: the order `query.order_no` names, None when none does
    (the caller looks it up: the orders sit above the audit, so it does not read their table)."""
    stmt = select(AuditEntry)
    if query.order_no.strip():
        stmt = stmt.where(AuditEntry.order_id == order_id if order_id is not None else false())
    if query.actor.strip():
        stmt = stmt.where(func.lower(AuditEntry.actor).contains(query.actor.strip().lower(), autoescape=True))
    if query.action.strip():
        action = query.action.strip().lower()
        stmt = stmt.where(or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".", autoescape=True)))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, count=True)

