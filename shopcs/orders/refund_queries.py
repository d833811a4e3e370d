"""Read-only views of refunds for the pages: what an order can still refund, and the refunds awaiting someone."""
from decimal import Decimal

from sqlalchemy import func, select

from ..currency import in_currency
from ..extensions import db
from . import refunds as rules
from .models import Order, Refund

PENDING = ("requested", "approved")  # awaiting a decision, approved but the money not yet paid out


def still_refundable(order: Order) -> Decimal:
    """In the order's currency, with its decimals (1200 for a JPY order, 12.50 for a CNY one)."""
    if order.status not in rules.REFUNDABLE_ORDER_STATUSES:
        available = Decimal(0)
    else:
        available = max(rules.refundable(order.total, [(r.amount, r.status) for r in order.refunds]), Decimal(0))
    return in_currency(available, order.currency)


def pending_refunds(status: str, page: int = 1, per_page: int = 50):
    """Oldest first: the longest-waiting refund is the next one to handle. Returns (pagination, {order_id: order_no},
    {order_id: currency}): the list mixes orders of different currencies, each refund is shown in its order's."""
    query = select(Refund).where(Refund.status == status).order_by(Refund.requested_at, Refund.id)
    pagination = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)
    ids = {refund.order_id for refund in pagination.items}
    rows = db.session.execute(select(Order.id, Order.order_no, Order.currency).where(Order.id.in_(ids))).all() if ids else []
    return pagination, {row.id: row.order_no for row in rows}, {row.id: row.currency for row in rows}


def currencies_of(order_ids) -> dict[int, str]:
    """The currency of each of these orders: the refunds shown for them are in it, and so are their approval limits."""
    ids = set(order_ids)
    return dict(db.session.execute(select(Order.id, Order.currency).where(Order.id.in_(ids))).all()) if ids else {}


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
