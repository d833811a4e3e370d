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
Money is per currency (a refund's is its order's), never summed across currencies: each statement groups its sums by
the order's currency as well, and the counts of those groups add up to the counts over all orders (an order has one
currency).
"""
from collections import Counter
from functools import lru_cache

from sqlalchemy import Integer, Select, case, distinct, func, literal_column, select, true, type_coerce, union_all

from ..extensions import db
from ..orders.models import Order, OrderItem, Refund
from ..windows import ROLLING_DAYS, Window
from .amounts import Amounts
from .local_day import day_number, days_table, to_date, to_day_number
from .refund_rate_rows import AgentRow, DayRow, ProductRow, ReasonRow, RefundRateReport, Totals
from .window_sql import HI, LO, run_in_window


def _paid_in(lo, hi):
    return (Order.paid_at >= lo, Order.paid_at < hi)


def _completed_in(lo, hi):
    return (Refund.status == "completed", Refund.completed_at >= lo, Refund.completed_at < hi)


# The statements are built once, with the window's bounds as parameters: building and compiling a statement costs
# more than running it on a 30-day window of a small shop. Each reads through an index (EXPLAIN in
# bench/reports_bench.py): orders by payment time through ix_orders_paid_at (paid_at, total; the currency from the
# row), completed refunds through ix_refunds_status_completed (status, completed_at, order_id, amount) and their
# order by its key (for its currency), a refunded order's lines through ix_order_items_order_id.
_FEN = type_coerce(Refund.amount, Integer)
_REFUNDS = Refund.__table__.join(Order, Order.id == Refund.order_id)  # a refund's currency is its order's

# (side, currency, orders, stored sum): the paid and the refunded side per currency, one statement, one round trip
TOTALS = union_all(
    select(literal_column("'paid'"), Order.currency, func.count(), func.sum(type_coerce(Order.total, Integer)))
    .where(*_paid_in(LO, HI)).group_by(Order.currency),
    select(literal_column("'refunded'"), Order.currency, func.count(distinct(Refund.order_id)), func.sum(_FEN))
    .select_from(_REFUNDS).where(*_completed_in(LO, HI)).group_by(Order.currency))

_AGENT = func.coalesce(Refund.decided_by, literal_column("''"))
BY_REASON = (select(Refund.reason, Order.currency, func.count(distinct(Refund.order_id)), func.sum(_FEN))
             .select_from(_REFUNDS).where(*_completed_in(LO, HI)).group_by(Refund.reason, Order.currency))
BY_AGENT = (select(_AGENT, Order.currency, func.count(distinct(Refund.order_id)), func.sum(_FEN))
            .select_from(_REFUNDS).where(*_completed_in(LO, HI)).group_by(_AGENT, Order.currency))

PAID_PER_SKU = (select(OrderItem.sku, Order.currency, func.max(OrderItem.title), func.count(distinct(Order.id)),
                       func.sum(type_coerce(OrderItem.unit_price, Integer) * OrderItem.quantity))
                .join(Order, Order.id == OrderItem.order_id).where(*_paid_in(LO, HI)).group_by(OrderItem.sku, Order.currency))
# The same on PostgreSQL for a short window: each paid order's lines looked up through ix_order_items_order_id. The
# planner would hash-join every line of the shop instead (twice as slow for 30 days of two years); the OFFSET 0
# keeps it from flattening the LATERAL subquery back into that join.
_lines = (select(OrderItem.sku, OrderItem.title, OrderItem.unit_price, OrderItem.quantity)
          .where(OrderItem.order_id == Order.id).offset(literal_column("0")).lateral("lines"))
PAID_PER_SKU_NESTED = (select(_lines.c.sku, Order.currency, func.max(_lines.c.title), func.count(distinct(Order.id)),
                              func.sum(type_coerce(_lines.c.unit_price, Integer) * _lines.c.quantity))
                       .select_from(Order).join(_lines, true()).where(*_paid_in(LO, HI))
                       .group_by(_lines.c.sku, Order.currency))
NESTED_LOOP_SHARE = 0.08  # below ~8 % of all orders the lookups win, above it the hash join (bench/reports_bench.py)
PAID_SPAN = select(select(func.min(Order.paid_at)).scalar_subquery(),  # two index seeks, one per subquery
                   select(func.max(Order.paid_at)).scalar_subquery())
_refunded_per_order = (select(Refund.order_id, Order.currency, func.sum(_FEN).label("fen")).select_from(_REFUNDS)
                       .where(*_completed_in(LO, HI)).group_by(Refund.order_id, Order.currency)
                       .subquery("refunded_per_order"))
_skus_per_order = (  # only the refunded orders' lines, each (order, SKU) once with the order's refunded money
    select(OrderItem.sku, func.max(OrderItem.title).label("title"), func.max(_refunded_per_order.c.currency).label("currency"),
           func.max(_refunded_per_order.c.fen).label("fen"))
    .join(_refunded_per_order, _refunded_per_order.c.order_id == OrderItem.order_id)
    .group_by(_refunded_per_order.c.order_id, OrderItem.sku).subquery("skus_per_order"))
REFUNDED_PER_SKU = (select(_skus_per_order.c.sku, _skus_per_order.c.currency, func.max(_skus_per_order.c.title), func.count(),
                           func.sum(_skus_per_order.c.fen)).group_by(_skus_per_order.c.sku, _skus_per_order.c.currency))


def totals(window: Window, zone: str) -> Totals:
    orders, money = {"paid": 0, "refunded": 0}, {"paid": [], "refunded": []}
    for side, currency, count, stored in run_in_window(TOTALS, window, zone):
        orders[side] += count
        money[side].append((currency, stored))
    return Totals(orders["paid"], orders["refunded"], Amounts.from_stored(money["paid"]),
                  Amounts.from_stored(money["refunded"]))


def _per_key(rows) -> dict:
    """(key, currency, orders, stored sum) rows → key → [orders over all currencies, the sums per currency]."""
    found: dict = {}
    for key, currency, orders, stored in rows:
        figures = found.setdefault(key, [0, []])
        figures[0] += orders
        figures[1].append((currency, stored))
    return {key: (orders, Amounts.from_stored(money)) for key, (orders, money) in found.items()}


def by_day(window: Window, zone: str) -> list[DayRow]:
    """Each day's paid and refunded orders, and the rolling 30-day figures ending that day.

    Two statements over the window widened by 29 days (what the first day's rolling figures need), both bucketing
    in the database (see local_day for the two ways, and bench/reports_bench.py for why each is used where it is):
    - paid orders per day: a table of the days' UTC bounds (local_day.days_table), and per day one count over
      ix_orders_paid_at: no function runs on the million rows of two years (13x faster on SQLite than computing
      each row's day);
    - refunded orders: the distinct (order, local day) pairs of completed refunds — the few completed refunds each
      given their day by local_day.day_number, 2-4x faster on PostgreSQL than a join to the days — each with the
      previous day the same order had one (LAG). An order is in the rolling 30 days ending on D when one of its
      refund days is in [D - 29, D]; so each pair newly covers the days [max(day, previous + 30), day + 29], and a
      running sum of "+1 from the first newly covered day, -1 from day + 30" counts each order once however many
      refunds it had. The statement returns how many pairs have each (day, first newly covered day): a few hundred
      rows.
    """
    widened = window.widened_for_rolling()
    lo, hi = widened.utc_bounds(zone)
    connection = db.session.connection()
    dialect = connection.dialect
    days, params = days_table(widened.start, widened.end, zone, dialect)
    paid = dict(connection.execute(_paid_per_day(days), params).all())

    day = day_number(Refund.completed_at, zone, lo, hi, dialect.name)
    pairs = select(Refund.order_id, day.label("day")).where(*_completed_in(lo, hi)).distinct().subquery()
    previous = func.lag(pairs.c.day).over(partition_by=pairs.c.order_id, order_by=pairs.c.day)
    spans = select(pairs.c.day, previous.label("previous")).subquery()
    rolling = literal_column(str(ROLLING_DAYS), Integer)  # a constant, not a parameter: it is in the GROUP BY
    covers_from = case((spans.c.previous > spans.c.day - rolling, spans.c.previous + rolling), else_=spans.c.day)
    refunded, change = Counter(), Counter()  # day -> orders refunded that day; day -> change of the rolling count
    for refund_day, first_covered, orders in connection.execute(
            select(spans.c.day, covers_from, func.count()).group_by(spans.c.day, covers_from)):
        refunded[refund_day] += orders
        change[first_covered] += orders
        change[refund_day + ROLLING_DAYS] -= orders

    rows, rolling_paid, rolling_refunded = [], 0, 0
    first = to_day_number(window.start)
    for n in range(to_day_number(widened.start), to_day_number(window.end) + 1):
        rolling_paid += paid.get(n, 0) - paid.get(n - ROLLING_DAYS, 0)
        rolling_refunded += change[n]
        if n >= first:
            rows.append(DayRow(to_date(n), paid.get(n, 0), refunded[n], rolling_paid, rolling_refunded))
    return rows


@lru_cache(maxsize=32)
def _paid_per_day(days) -> Select:
    paid_that_day = select(func.count()).where(Order.paid_at >= days.c.lo, Order.paid_at < days.c.hi).scalar_subquery()
    return select(days.c.day, paid_that_day)


def by_reason(window: Window, zone: str) -> list[ReasonRow]:
    rows = [ReasonRow(reason, orders, money) for reason, (orders, money) in _per_key(run_in_window(BY_REASON, window, zone)).items()]
    return sorted(rows, key=lambda row: (-row.refunded_orders, -row.refunded_amount.sort_key(), row.reason))


def by_product(window: Window, zone: str) -> list[ProductRow]:
    """Paid: the window's orders (ix_orders_paid_at) joined to their lines — on PostgreSQL, for a window holding a small
    share of the orders, by looking up each order's lines (PAID_PER_SKU_NESTED). Refunded: the orders with a refund
    completed in the window, joined to their own lines only (not every line of the shop grouped first)."""
    paid_per_sku = PAID_PER_SKU
    if db.session.connection().dialect.name == "postgresql" and _share_of_orders(*window.utc_bounds(zone)) < NESTED_LOOP_SHARE:
        paid_per_sku = PAID_PER_SKU_NESTED
    # sku → [(paid?, title), paid orders, paid sums, refunded orders, refunded sums], sums as (currency, stored integer);
    # the title: the greatest of the paid lines', else of the refunded lines'
    figures: dict = {}
    for side, statement in ((1, paid_per_sku), (3, REFUNDED_PER_SKU)):
        for sku, currency, title, orders, stored in run_in_window(statement, window, zone):
            found = figures.setdefault(sku, [(False, ""), 0, [], 0, []])
            found[0] = max(found[0], (side == 1, title))
            found[side] += orders
            found[side + 1].append((currency, stored))
    rows = [ProductRow(sku, title, paid_orders, refunded_orders, Amounts.from_stored(paid), Amounts.from_stored(refunded))
            for sku, ((_, title), paid_orders, paid, refunded_orders, refunded) in figures.items()]
    return sorted(rows, key=lambda row: (-row.refunded_orders, -row.refunded_amount.sort_key(), row.sku))


def _share_of_orders(lo, hi) -> float:
    """About which share of the paid orders [lo, hi) holds: its part of the span of payment times. Only to choose
    between two plans that give the same figures."""
    first, last = db.session.connection().execute(PAID_SPAN).one()
    if first is None or last <= first:
        return 1.0
    return max((min(hi, last) - max(lo, first)).total_seconds(), 0) / (last - first).total_seconds()


def by_agent(window: Window, zone: str) -> list[AgentRow]:
    rows = [AgentRow(name, orders, money) for name, (orders, money) in _per_key(run_in_window(BY_AGENT, window, zone)).items()]
    return sorted(rows, key=lambda row: (-row.refunded_orders, -row.refunded_amount.sort_key(), row.agent))


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
