"""Refund rate over a window of shop-local days.

Definitions (the API and the pages show them beside each number):
- paid orders: orders whose payment time falls in the window, whatever happened to them since;
- refunded orders: orders with at least one refund that reached `completed` in the window (an order
  with two completed refunds counts once; requested, approved and rejected refunds do not count);
- rate = refunded orders ÷ paid orders; amount rate = money refunded (completed in the window) ÷ money
  paid in the window. Both null when nothing was paid.
By product, an order counts for every SKU it contains, with that SKU's line amounts and the order's
whole refunded amount; by reason, a refund counts under its own reason; by agent, under the person (or
platform token) who approved it — "" when it was completed without an approval in ShopCS.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Integer, distinct, func, select, type_coerce

from ..extensions import db
from ..money import from_fen
from ..orders.models import Order, OrderItem, Refund
from ..timeutil import local_date
from .windows import ROLLING_DAYS, Window, rate

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    paid_orders: int
    refunded_orders: int
    paid_amount: Decimal
    refunded_amount: Decimal

    @property
    def rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.paid_orders)

    @property
    def amount_rate(self) -> Decimal | None:
        return rate(self.refunded_amount, self.paid_amount)


@dataclass(frozen=True)
class DayRow:
    day: date
    paid_orders: int
    refunded_orders: int
    rolling_paid: int  # the 30 days ending on `day`
    rolling_refunded: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.paid_orders)

    @property
    def rolling_30d_rate(self) -> Decimal | None:
        return rate(self.rolling_refunded, self.rolling_paid)


@dataclass(frozen=True)
class ProductRow:
    sku: str
    title: str
    paid_orders: int
    refunded_orders: int
    paid_amount: Decimal
    refunded_amount: Decimal

    @property
    def rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.paid_orders)


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    refunded_orders: int
    refunded_amount: Decimal


@dataclass(frozen=True)
class AgentRow:
    agent: str  # the approver's label, e.g. "user:amy" or "token:shopify"; "" when none
    refunded_orders: int
    refunded_amount: Decimal


@dataclass(frozen=True)
class RefundRateReport:
    window: Window
    totals: Totals
    rows: list = field(default_factory=list)


def _paid_in(lo, hi):
    return (Order.paid_at >= lo, Order.paid_at < hi)


def _completed_in(lo, hi):
    return (Refund.status == "completed", Refund.completed_at >= lo, Refund.completed_at < hi)


def totals(window: Window, zone: str) -> Totals:
    lo, hi = window.utc_bounds(zone)
    paid_orders, paid_fen = db.session.execute(
        select(func.count(), func.coalesce(func.sum(type_coerce(Order.total, Integer)), 0)).where(*_paid_in(lo, hi))).one()
    refunded_orders, refunded_fen = db.session.execute(
        select(func.count(distinct(Refund.order_id)), func.coalesce(func.sum(type_coerce(Refund.amount, Integer)), 0))
        .where(*_completed_in(lo, hi))).one()
    return Totals(paid_orders, refunded_orders, from_fen(paid_fen), from_fen(refunded_fen))


def by_day(window: Window, zone: str) -> list[DayRow]:
    """Each day's paid and refunded orders, and the rolling 30-day figures ending that day."""
    lo, hi = window.widened_for_rolling().utc_bounds(zone)
    paid = Counter(local_date(at, zone) for at in db.session.scalars(select(Order.paid_at).where(*_paid_in(lo, hi))))
    refunded_on = defaultdict(set)  # day -> orders with a refund completed that day
    for order_id, at in db.session.execute(select(Refund.order_id, Refund.completed_at).where(*_completed_in(lo, hi))):
        refunded_on[local_date(at, zone)].add(order_id)
    rows = []
    for day in window.each_day():
        last_30 = [day - timedelta(days=n) for n in range(ROLLING_DAYS)]
        rows.append(DayRow(day, paid[day], len(refunded_on[day]), sum(paid[d] for d in last_30),
                           len(set().union(*(refunded_on[d] for d in last_30)))))
    return rows


def by_reason(window: Window, zone: str) -> list[ReasonRow]:
    lo, hi = window.utc_bounds(zone)
    rows = db.session.execute(
        select(Refund.reason, func.count(distinct(Refund.order_id)), func.sum(type_coerce(Refund.amount, Integer)))
        .where(*_completed_in(lo, hi)).group_by(Refund.reason)).all()
    return sorted((ReasonRow(reason, orders, from_fen(fen)) for reason, orders, fen in rows),
                  key=lambda row: (-row.refunded_orders, -row.refunded_amount, row.reason))


def by_product(window: Window, zone: str) -> list[ProductRow]:
    lo, hi = window.utc_bounds(zone)
    line_fen = func.sum(type_coerce(OrderItem.unit_price, Integer) * OrderItem.quantity)
    paid = db.session.execute(
        select(OrderItem.sku, func.max(OrderItem.title), func.count(distinct(Order.id)), line_fen)
        .join(Order, Order.id == OrderItem.order_id).where(*_paid_in(lo, hi)).group_by(OrderItem.sku)).all()
    refunded_per_order = (select(Refund.order_id, func.sum(type_coerce(Refund.amount, Integer)).label("fen"))
                          .where(*_completed_in(lo, hi)).group_by(Refund.order_id).subquery())
    skus_per_order = select(OrderItem.order_id, OrderItem.sku, func.max(OrderItem.title).label("title")).group_by(
        OrderItem.order_id, OrderItem.sku).subquery()
    refunded = db.session.execute(
        select(skus_per_order.c.sku, func.max(skus_per_order.c.title), func.count(), func.sum(refunded_per_order.c.fen))
        .join(refunded_per_order, refunded_per_order.c.order_id == skus_per_order.c.order_id)
        .group_by(skus_per_order.c.sku)).all()
    figures = {sku: [title, orders, from_fen(fen), 0, ZERO] for sku, title, orders, fen in paid}
    for sku, title, orders, fen in refunded:
        figures.setdefault(sku, [title, 0, ZERO, 0, ZERO])[3:] = [orders, from_fen(fen)]
    rows = [ProductRow(sku, title, paid_orders, refunded_orders, paid_amount, refunded_amount)
            for sku, (title, paid_orders, paid_amount, refunded_orders, refunded_amount) in figures.items()]
    return sorted(rows, key=lambda row: (-row.refunded_orders, -row.refunded_amount, row.sku))


def by_agent(window: Window, zone: str) -> list[AgentRow]:
    lo, hi = window.utc_bounds(zone)
    agent = func.coalesce(Refund.decided_by, "")
    rows = db.session.execute(
        select(agent, func.count(distinct(Refund.order_id)), func.sum(type_coerce(Refund.amount, Integer)))
        .where(*_completed_in(lo, hi)).group_by(agent)).all()
    return sorted((AgentRow(name, orders, from_fen(fen)) for name, orders, fen in rows),
                  key=lambda row: (-row.refunded_orders, -row.refunded_amount, row.agent))


BREAKDOWNS = {"day": by_day, "product": by_product, "reason": by_reason, "agent": by_agent}


def refund_rate(window: Window, zone: str, by: str = "day") -> RefundRateReport:
    return RefundRateReport(window, totals(window, zone), BREAKDOWNS[by](window, zone))


FILTERS = ("sku", "reason", "agent")


def orders_behind(window: Window, zone: str, *, sku: str | None = None, reason: str | None = None,
                  agent: str | None = None):
    """The orders behind one row of a breakdown, newest payment first, as a statement to page through.

    A product row counts orders containing the SKU that were paid in the window or had a refund completed
    in it; a reason or approver row counts orders with a refund of that reason / approved by that person
    completed in the window. Each row: the order and the money refunded on it in the window.
    """
    lo, hi = window.utc_bounds(zone)
    refunds = select(Refund.order_id, func.sum(type_coerce(Refund.amount, Integer)).label("fen")).where(*_completed_in(lo, hi))
    if reason is not None:
        refunds = refunds.where(Refund.reason == reason)
    if agent is not None:
        refunds = refunds.where(func.coalesce(Refund.decided_by, "") == agent)
    refunded = refunds.group_by(Refund.order_id).subquery()
    statement = select(Order, refunded.c.fen).outerjoin(refunded, refunded.c.order_id == Order.id)
    if sku is not None:
        has_sku = select(OrderItem.id).where(OrderItem.order_id == Order.id, OrderItem.sku == sku).exists()
        paid_inside = Order.paid_at.is_not(None) & (Order.paid_at >= lo) & (Order.paid_at < hi)
        statement = statement.where(has_sku, paid_inside | refunded.c.fen.is_not(None))
    else:
        statement = statement.where(refunded.c.fen.is_not(None))
    return statement.order_by(Order.paid_at.desc(), Order.id.desc())
