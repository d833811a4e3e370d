"""Taking messages nobody should send any more out of the outbox, with the reason recorded."""
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from ..orders.models import Customer, Order
from .models import OutboxMessage
from .policy import OPEN, OPT_OUT_KINDS, unwanted_reason


def cancel(message: OutboxMessage, reason: str) -> None:
    message.status, message.cancel_reason, message.next_attempt_at = "cancelled", reason[:200], None


def cancel_unwanted_manual(now: datetime) -> int:
    """Manual messages wait for an agent; take the ones nobody should send any more off their list."""
    m = OutboxMessage
    rows = db.session.execute(
        select(m, Order.status, Customer.opted_out)
        .outerjoin(Order, Order.id == m.order_id).outerjoin(Customer, Customer.id == m.customer_id)
        .where(m.channel == "manual", m.status.in_(OPEN),
               or_(and_(m.kind == "unpaid_reminder", Order.status != "unpaid"),
                   and_(Customer.opted_out.is_(True), m.kind.in_(OPT_OUT_KINDS))))).all()
    for message, order_status, opted_out in rows:
        cancel(message, unwanted_reason(message.kind, order_status, bool(opted_out)) or "no longer wanted")
    db.session.commit()
    return len(rows)


def cancel_for_order(order_id: int, kinds, reason: str, now: datetime) -> int:
    """Cancel the order's unsent messages of these kinds (e.g. reminders once it is paid or closed).

    Adds to the caller's transaction (the caller commits); returns how many were cancelled.
    """
    m = OutboxMessage
    result = db.session.execute(
        update(m).where(m.order_id == order_id, m.kind.in_(tuple(kinds)), m.status.in_(OPEN))
        .values(status="cancelled", cancel_reason=reason[:200], next_attempt_at=None)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount
