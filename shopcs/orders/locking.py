"""Serialise writers of one order on every backend.

An UPDATE of the order row takes PostgreSQL's row lock and SQLite's write lock until commit, so two
refund requests for the same order run one after the other and the second sees the first.
"""
from sqlalchemy import select, update

from ..errors import NotFound
from ..extensions import db
from .models import Order


def lock_order(order_id: int) -> Order:
    db.session.execute(
        update(Order).where(Order.id == order_id).values(lock_version=Order.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None:
        raise NotFound("No such order.")
    return order


def order_id_for(order_no: str) -> int:
    order_id = db.session.scalar(select(Order.id).where(Order.order_no == order_no))
    if order_id is None:
        raise NotFound(f"No order {order_no}.")
    return order_id
