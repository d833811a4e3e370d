"""Each order's `previous_paid_at`: the payment time of its customer's payment just before this one (null for the
customer's first payment, and for an order not paid). Payments are ordered by (paid_at, id), so of two payments
at the same instant the one with the lower id comes first.

The repurchase report reads it to count a window's customers without a seek per customer. Of a customer's orders
paid in a window, exactly one — the first — has its previous payment outside the window (none, or before it): so
the window's customers are its orders with `previous_paid_at` null or before the window, the returning ones are
those with `previous_paid_at` before the window, and the ones who paid twice or more have an order whose
`previous_paid_at` is inside the window.

Kept exact on every write through the ORM: after each flush, the orders of every customer who got a new paid
or deleted order, or an order whose payment time or customer changed, are recomputed in one statement (a customer
has a handful of orders; the seek is ix_orders_customer). Bulk loads outside the ORM run `refresh_all` once.
"""
from sqlalchemy import and_, event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from .models import Order

_orders = Order.__table__
_earlier = _orders.alias("earlier")
_PREVIOUS = (select(func.max(_earlier.c.paid_at))
             .where(_earlier.c.customer_id == _orders.c.customer_id,
                    or_(_earlier.c.paid_at < _orders.c.paid_at,
                        and_(_earlier.c.paid_at == _orders.c.paid_at, _earlier.c.id < _orders.c.id)))
             .scalar_subquery())


def refresh_statement():
    """UPDATE the orders whose previous_paid_at is not what it should be (add a WHERE to narrow it): the others are
    not written, so a new order rewrites itself and the one after it, not every order of its customer."""
    return update(_orders).where(_orders.c.previous_paid_at.is_distinct_from(_PREVIOUS)).values(previous_paid_at=_PREVIOUS)


def refresh_customers(connection, customer_ids) -> None:
    """Recompute the orders of these customers."""
    ids = sorted(customer_id for customer_id in customer_ids if customer_id is not None)
    for start in range(0, len(ids), 500):  # a bounded IN list
        connection.execute(refresh_statement().where(_orders.c.customer_id.in_(ids[start:start + 500])))


def refresh_all(connection) -> None:
    """Every order (after a bulk load or a migration)."""
    connection.execute(refresh_statement())


def _touched(session: Session) -> tuple[set[int], list[Order]]:
    """Before the flush: the customers the flushed orders belonged to, and the orders (their customer ids may be
    known only after the flush, when set through the relationship)."""
    customers, orders = set(), []
    for order in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(order, Order):
            continue
        if order in session.new and order.paid_at is None:
            continue  # a new unpaid order: its own value is null and it precedes no payment, so nothing changes
        if order not in session.new and order not in session.deleted:
            state = inspect(order)
            moved = state.attrs.customer_id.history.has_changes() or state.attrs.customer.history.has_changes()
            if not (state.attrs.paid_at.history.has_changes() or moved):
                continue
            customers.update(state.attrs.customer_id.history.non_added())
        customers.add(order.customer_id)
        if order not in session.deleted:
            orders.append(order)
    return customers, orders


@event.listens_for(Session, "before_flush")
def _remember_touched_orders(session: Session, flush_context, instances) -> None:
    customers, orders = _touched(session)
    session.info.setdefault("previous_payment_customers", set()).update(customers)
    session.info.setdefault("previous_payment_orders", []).extend(orders)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_touched_customers(session: Session, flush_context) -> None:
    customers = session.info.pop("previous_payment_customers", set())
    customers.update(order.customer_id for order in session.info.pop("previous_payment_orders", []))
    customers.discard(None)
    if not customers:
        return
    refresh_customers(session.connection(), customers)
    for order in list(session.identity_map.values()):
        if isinstance(order, Order) and order.customer_id in customers:
            session.expire(order, ["previous_paid_at"])
