"""Read orders for the API: one order by number, or a page ordered by (updated_at, id)."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..dbid import MAX_DB_ID
from ..errors import NotFound
from ..extensions import db
from .models import Order, Refund
from .schemas import order_no_problem

_LOADS = (selectinload(Order.items), selectinload(Order.shipments), selectinload(Order.refunds))


def get_order(order_no: str) -> Order:
    order = None
    if order_no_problem(order_no) is None:
        order = db.session.scalar(select(Order).where(Order.order_no == order_no).options(*_LOADS))
    if order is None:
        raise NotFound(f"No order {order_no}.")
    return order


def list_orders(status: str | None, updated_since: datetime | None, page: int, per_page: int) -> tuple[list[Order], int]:
    query = select(Order)
    if status:
        query = query.where(Order.status == status)
    if updated_since is not None:
        query = query.where(Order.updated_at >= updated_since)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(*_LOADS).order_by(Order.updated_at, Order.id)
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def refund_order(refund: Refund) -> tuple[str, str]:
    """The refund's order number and currency, as its answer shows them."""
    return tuple(db.session.execute(select(Order.order_no, Order.currency).where(Order.id == refund.order_id)).one())


def check_refund_id(refund_id: int) -> int:
    if not 1 <= refund_id <= MAX_DB_ID:
        raise NotFound(f"No refund {refund_id}.")
    return refund_id
