"""Buyer concerns (顾忌) recorded over a window of shop-local days, by category.

Definitions (the API and the page show them beside each number):
- concerns: the concerns agents recorded in the window (by the time they were recorded), of that category;
- orders: the distinct orders they were recorded on;
- paid since: those orders paid at or after a concern of that category in the window was recorded (an order
  already paid when the concern was written down does not count);
- rate = paid since ÷ orders; null when there is no order.
The totals count each order once across categories. Rows are sorted by concerns, then orders, most first.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, distinct, func, select

from ..followup.models import BuyerConcern
from ..orders.models import Order
from ..windows import Window, rate
from .window_sql import HI, LO, run_in_window


@dataclass(frozen=True)
class ConcernFigures:
    concerns: int
    orders: int
    paid_since: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.paid_since, self.orders)


@dataclass(frozen=True)
class CategoryRow:
    category: str
    concerns: int
    orders: int
    paid_since: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.paid_since, self.orders)


@dataclass(frozen=True)
class ConcernsReport:
    window: Window
    totals: ConcernFigures
    rows: list = field(default_factory=list)


def _recorded_in(window: Window, zone: str):
    lo, hi = window.utc_bounds(zone)
    return (BuyerConcern.created_at >= lo, BuyerConcern.created_at < hi)


def _figures():
    """concerns, distinct orders, distinct orders paid at or after the concern (over the joined Order)."""
    paid_since = case((Order.paid_at >= BuyerConcern.created_at, BuyerConcern.order_id))
    return func.count(), func.count(distinct(BuyerConcern.order_id)), func.count(distinct(paid_since))


# Built once, the window's bounds as parameters: the concerns recorded in the window through ix_buyer_concerns_created
# (created_at, category, order_id), alone; each one's order by its id.
_IN_WINDOW = (BuyerConcern.created_at >= LO, BuyerConcern.created_at < HI)
TOTALS = select(*_figures()).join(Order, Order.id == BuyerConcern.order_id).where(*_IN_WINDOW)
BY_CATEGORY = (select(BuyerConcern.category, *_figures()).join(Order, Order.id == BuyerConcern.order_id)
               .where(*_IN_WINDOW).group_by(BuyerConcern.category))


def totals(window: Window, zone: str) -> ConcernFigures:
    return ConcernFigures(*run_in_window(TOTALS, window, zone).one())


def by_category(window: Window, zone: str) -> list[CategoryRow]:
    return sorted((CategoryRow(*row) for row in run_in_window(BY_CATEGORY, window, zone)),
                  key=lambda row: (-row.concerns, -row.orders, row.category))


def concerns_report(window: Window, zone: str) -> ConcernsReport:
    return ConcernsReport(window, totals(window, zone), by_category(window, zone))


def orders_with(window: Window, zone: str, category: str):
    """The orders behind a category row, the latest concern first, as a statement to page through.

    Each row: the order, how many concerns of that category were recorded on it in the window, and the last time.
    """
    concerns = (select(BuyerConcern.order_id, func.count().label("concerns"), func.max(BuyerConcern.created_at).label("last_at"))
                .where(*_recorded_in(window, zone), BuyerConcern.category == category)
                .group_by(BuyerConcern.order_id).subquery())
    return (select(Order, concerns.c.concerns, concerns.c.last_at).join(concerns, concerns.c.order_id == Order.id)
            .order_by(concerns.c.last_at.desc(), Order.id.desc()))
