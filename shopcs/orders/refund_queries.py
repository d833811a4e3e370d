"""Read-only views of refunds for the pages: what an order can still refund, and the refunds awaiting someone."""
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from . import refunds as rules
from .models import Order, Refund

PENDING = ("requested", "approved")  # awaiting a decision, approved but the money not yet paid out


def still_refundable(order: Order) -> Decimal:
    if order.status not in rules.REFUNDABLE_ORDER_STATUSES:
        return Decimal("0.00")
    return max(rules.refundable(order.total, [(r.amount, r.status) for r in order.refunds]), Decimal("0.00"))


def pending_refunds(status: str, page: int = 1, per_page: int = 50):
    """Oldest first: the longest-waiting refund is the next one to handle. Returns (pagination, {order_id: order_no})."""
    query = select(Refund).where(Refund.status == status).order_by(Refund.requested_at, Refund.id)
    pagination = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)
    ids = {refund.order_id for refund in pagination.items}
    numbers = dict(db.session.execute(select(Order.id, Order.order_no).where(Order.id.in_(ids))).all()) if ids else {}
    return pagination, numbers


def pending_counts() -> dict[str, int]:
    """How many refunds wait in each of the list's tabs, for the tab labels."""
    counts = dict(db.session.execute(select(Refund.status, func.count()).where(Refund.status.in_(PENDING))
                                     .group_by(Refund.status)).all())
    return {status: counts.get(status, 0) for status in PENDING}


def order_no_of(refund_id: int) -> str | None:
    return db.session.scalar(select(Order.order_no).join(Refund, Refund.order_id == Order.id).where(Refund.id == refund_id))


def get_refund(refund_id: int) -> Refund | None:
    return db.session.get(Refund, refund_id)


def approved_per_order(person: str, order_ids) -> dict[int, Decimal]:
    """What `person` has approved on each of these orders (rules.approved_by, summed in the database for a list)."""
    ids = set(order_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Refund.order_id, func.sum(Refund.amount))
                              .where(Refund.order_id.in_(ids), Refund.decided_by == person,
                                     Refund.status.in_(rules.COUNTED_APPROVALS)).group_by(Refund.order_id)).all()
    return {order_id: Decimal(total) for order_id, total in rows}
