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

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..orders.models import Order
from ..windows import Window, rate
from .window_sql import HI, LO

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


# Built once, the window's bounds as parameters: the window's payments from ix_orders_paid_at (paid_at, total,
# customer_id, previous_paid_at) alone, grouped by customer. A customer had paid before the window when one of
# their orders in it was preceded by a payment before the window (previous_payment.py keeps that column exact).
_per_customer = (select(func.count().label("orders"),
                        func.max(case((Order.previous_paid_at < LO, 1), else_=0)).label("paid_before"))
                 .where(Order.paid_at >= LO, Order.paid_at < HI)
                 .group_by(Order.customer_id).subquery("per_customer"))
BY_ORDERS_PAID = (select(_per_customer.c.orders, func.count(), func.coalesce(func.sum(_per_customer.c.paid_before), 0))
                  .group_by(_per_customer.c.orders))


def by_orders_paid(window: Window, zone: str) -> list[OrdersRow]:
    """The window's paying customers by how many orders they paid in it, with the returning ones among them."""
    lo, hi = window.utc_bounds(zone)
    counts = {name: [0, 0] for name in BUCKETS}
    for orders, customers, returning in db.session.connection().execute(BY_ORDERS_PAID, {"lo": lo, "hi": hi}):
        counts[bucket(orders)][0] += customers
        counts[bucket(orders)][1] += int(returning)
    return [OrdersRow(name, customers, returning) for name, (customers, returning) in counts.items()]


# The dashboard's totals without grouping by customer, from the same index: each customer's first order in the
# window is the one whose previous payment is not in it (previous_payment.py).
_previous = Order.previous_paid_at
TOTALS = (select(func.count().filter(or_(_previous.is_(None), _previous < LO)), func.count().filter(_previous < LO),
                 func.count(func.distinct(Order.customer_id)).filter(_previous >= LO))
          .where(Order.paid_at >= LO, Order.paid_at < HI))


def totals(window: Window, zone: str) -> RepurchaseTotals:
    """The window's customers, returning and multi, without the rows (the dashboard's figures)."""
    lo, hi = window.utc_bounds(zone)
    customers, returning, multi = db.session.connection().execute(TOTALS, {"lo": lo, "hi": hi}).one()
    return RepurchaseTotals(customers=customers, returning=returning, multi=multi)


_ANY_PAID_BEFORE = select(Order.id).where(Order.paid_at < LO).limit(1)


def paid_before(window: Window, zone: str) -> bool:
    """Whether any order was paid before the window starts (without one, no customer in it can be returning)."""
    lo, _hi = window.utc_bounds(zone)
    return db.session.connection().execute(_ANY_PAID_BEFORE, {"lo": lo}).first() is not None


def totals_of(rows: list[OrdersRow]) -> RepurchaseTotals:
    return RepurchaseTotals(customers=sum(row.customers for row in rows), returning=sum(row.returning for row in rows),
                            multi=sum(row.customers for row in rows if row.orders_paid != "1"))


def repurchase(window: Window, zone: str) -> RepurchaseReport:
    rows = by_orders_paid(window, zone)
    return RepurchaseReport(window, totals_of(rows), rows)
