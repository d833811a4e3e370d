"""The refund-rate report's figures, as the pages, the API and the exports read them (shopcs.reports.refund_rate
computes them). Each rate is refunded ÷ paid, None when nothing was paid. Counts are over all orders; money is per
currency (amounts.Amounts), never summed across currencies."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..windows import Window, rate
from .amounts import Amounts, amount_rates


@dataclass(frozen=True)
class Totals:
    paid_orders: int
    refunded_orders: int
    paid_amount: Amounts
    refunded_amount: Amounts

    @property
    def rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.paid_orders)

    @property
    def amount_rate(self) -> tuple[tuple[str, Decimal | None], ...]:
        """Per currency: money refunded ÷ money paid in it."""
        return amount_rates(self.refunded_amount, self.paid_amount)


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
    paid_amount: Amounts
    refunded_amount: Amounts

    @property
    def rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.paid_orders)


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    refunded_orders: int
    refunded_amount: Amounts


@dataclass(frozen=True)
class AgentRow:
    agent: str  # the approver's label, e.g. "user:amy" or "token:shopify"; "" when none
    refunded_orders: int
    refunded_amount: Amounts


@dataclass(frozen=True)
class RefundRateReport:
    window: Window
    totals: Totals
    rows: list = field(default_factory=list)
