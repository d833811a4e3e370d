"""Repurchase (回购) over a window of shop-local days.

Definitions (the API and the page show them beside each number):
- customers: the distinct customers of the orders paid in the window (payment time inside it, whatever happened
  to the order since);
- returning: those of them with an order paid before the window starts;
- multi: those with two or more orders paid in the window;
- returning rate = returning ÷ customers; repurchase rate = multi ÷ customers; both null when no customer paid.
Rows: the customers by the number of orders they paid in the window — "1", "2", "3", "4" and "5+", all five
always — with how many of them are returning.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, case, exists, func, select

from ..db_types import UTCDateTime
from ..extensions import db
from ..orders.models import Order
from .windows import Window, rate

BUCKETS = ("1", "2", "3", "4", "5+")


@dataclass(frozen=True)
class OrdersRow:
    orders_paid: str  # one of BUCKETS
    customers: int
    returning: int


@dataclass(frozen=True)
class RepurchaseTotals:
    customers: int
    returning: int
    multi: int

    @property
    def returning_rate(self) -> Decimal | None:
        return rate(self.returning, self.customers)

    @property
    def multi_rate(self) -> Decimal | None:
        return rate(self.multi, self.customers)


@dataclass(frozen=True)
class RepurchaseReport:
    window: Window
    totals: RepurchaseTotals
    rows: list = field(default_factory=list)


def bucket(orders: int) -> str:
    return BUCKETS[min(orders, len(BUCKETS)) - 1]


# Built once, the window's bounds as parameters. The window's payments come through ix_orders_paid_at, grouped by
# customer; then one seek per customer in ix_orders_customer (customer_id, paid_at), alone, for an earlier payment
# (joining the set of every customer who paid before the window reads every earlier order instead).
_LO, _HI = bindparam("lo", type_=UTCDateTime), bindparam("hi", type_=UTCDateTime)
_per_customer = (select(Order.customer_id, func.count().label("orders")).where(Order.paid_at >= _LO, Order.paid_at < _HI)
                 .group_by(Order.customer_id).subquery("per_customer"))
_earlier = exists().where(Order.customer_id == _per_customer.c.customer_id, Order.paid_at < _LO)
BY_ORDERS_PAID = (select(_per_customer.c.orders, func.count(), func.coalesce(func.sum(case((_earlier, 1), else_=0)), 0))
                  .group_by(_per_customer.c.orders))


def by_orders_paid(window: Window, zone: str) -> list[OrdersRow]:
    """The window's paying customers by how many orders they paid in it, with the returning ones among them."""
    lo, hi = window.utc_bounds(zone)
    counts = {name: [0, 0] for name in BUCKETS}
    for orders, customers, returning in db.session.connection().execute(BY_ORDERS_PAID, {"lo": lo, "hi": hi}):
        counts[bucket(orders)][0] += customers
        counts[bucket(orders)][1] += int(returning)
    return [OrdersRow(name, customers, returning) for name, (customers, returning) in counts.items()]


def totals_of(rows: list[OrdersRow]) -> RepurchaseTotals:
    return RepurchaseTotals(customers=sum(row.customers for row in rows), returning=sum(row.returning for row in rows),
                            multi=sum(row.customers for row in rows if row.orders_paid != "1"))


def repurchase(window: Window, zone: str) -> RepurchaseReport:
    rows = by_orders_paid(window, zone)
    return RepurchaseReport(window, totals_of(rows), rows)
