"""Order numbers and ids both ways, for pages that show other records' orders (the audit log): the audit sits below
the orders, so it is handed these rather than reading the orders' table."""
from sqlalchemy import select

from ..extensions import db
from .models import Order


def order_id_of(order_no: str) -> int | None:
    return db.session.scalar(select(Order.id).where(Order.order_no == order_no))


def order_nos_of(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Order.id, Order.order_no).where(Order.id.in_(ids))).all()) if ids else {}
