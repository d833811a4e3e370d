"""Unpaid-order recovery (催付) over a window of shop-local days.

Definitions (the API and the page show them beside each number):
- cohort: the orders placed in the window that were not paid within the grace period — never paid, or paid at or
  after placed_at + grace. The grace is the follow-up settings' first-reminder delay (30 minutes by default):
  an order paid before its first reminder was due never needed one;
- recovered: the cohort's orders that were paid since, at any time up to now (whatever happened to them after);
  recovered amount: those orders' totals;
- reminded: a cohort order with at least one unpaid-order reminder in the outbox that was sent (status "sent") at
  or before its payment — any sent one while it is still unpaid. A reminder sent after the payment does not
  count, nor one that is pending, failed, dead or cancelled;
- rate = recovered ÷ orders, for the whole cohort and for its reminded and not reminded orders; null when none;
- step: that of the last reminder sent before payment (the latest sent_at, then the highest id), read from its
  dedupe key "unpaid_reminder:<order id>:<step>": "1", "2", … for the scheduler's steps, "hand" for all the
  reminders agents sent by hand ("hand1", "hand2", …), "none" for an order not reminded;
- median time to pay: over the recovered reminded orders, paid_at − the last reminder's sent_at; the middle
  value, the mean of the two middle ones for an even count, rounded to whole seconds; null when there is none.
"""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Integer, String, case, cast, func, literal_column, or_, select, type_coerce

from ..extensions import db
from ..followup.settings import load_settings
from ..followup.unpaid import KIND
from ..money import from_fen
from ..notify.models import OutboxMessage
from ..orders.models import Order
from .sql_time import plus_seconds, whole_seconds
from .windows import Window, rate

ZERO = Decimal("0.00")
HAND, NONE = "hand", "none"
_KEY_PREFIX = len(f"{KIND}:")  # the key's characters before the order id


@dataclass(frozen=True)
class Recovery:
    """Some orders of the cohort and what came of them."""

    orders: int = 0
    recovered: int = 0
    recovered_amount: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return rate(self.recovered, self.orders)

    def __add__(self, other: "Recovery") -> "Recovery":
        return Recovery(self.orders + other.orders, self.recovered + other.recovered,
                        self.recovered_amount + other.recovered_amount)


@dataclass(frozen=True)
class StepRow:
    step: str  # "1", "2", …, "hand" or "none"
    orders: int
    recovered: int
    recovered_amount: Decimal

    @property
    def rate(self) -> Decimal | None:
        return rate(self.recovered, self.orders)


@dataclass(frozen=True)
class RecoveryTotals:
    cohort: Recovery
    reminded: Recovery
    not_reminded: Recovery
    median_seconds_to_pay: int | None


@dataclass(frozen=True)
class RecoveryReport:
    window: Window
    grace: timedelta
    totals: RecoveryTotals
    rows: list = field(default_factory=list)


def current_grace() -> timedelta:
    """The grace the page and the API use: the follow-up settings' first-reminder delay."""
    return timedelta(minutes=load_settings().first_reminder_minutes)


def _last_reminder_id():
    """Correlated with Order: the reminder sent last at or before the payment (any sent one while unpaid)."""
    return (select(OutboxMessage.id)
            .where(OutboxMessage.order_id == Order.id, OutboxMessage.kind == KIND, OutboxMessage.status == "sent",
                   OutboxMessage.sent_at.is_not(None), or_(Order.paid_at.is_(None), OutboxMessage.sent_at <= Order.paid_at))
            .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(1)
            .correlate(Order).scalar_subquery())


def cohort(window: Window, zone: str, grace: timedelta):
    """One row per cohort order: order_id, paid_at, fen (its total), reminder_id (its last reminder, or null)."""
    lo, hi = window.utc_bounds(zone)
    not_paid_in_grace = or_(Order.paid_at.is_(None), Order.paid_at >= plus_seconds(Order.placed_at, whole_seconds(grace)))
    return (select(Order.id.label("order_id"), Order.paid_at, type_coerce(Order.total, Integer).label("fen"),
                   _last_reminder_id().label("reminder_id"))
            .where(Order.placed_at >= lo, Order.placed_at < hi, not_paid_in_grace).subquery())


def _with_last_reminder(window: Window, zone: str, grace: timedelta):
    """The cohort with its last reminder's step (its dedupe key after "unpaid_reminder:<id>:", null when none) and sent_at."""
    orders = cohort(window, zone, grace)
    step_starts = func.length(cast(orders.c.order_id, String)) + literal_column(str(_KEY_PREFIX + 2), Integer)
    return (select(orders.c.order_id, orders.c.paid_at, orders.c.fen, orders.c.reminder_id,
                   func.substr(OutboxMessage.dedupe_key, step_starts).label("step"), OutboxMessage.sent_at)
            .outerjoin(OutboxMessage, OutboxMessage.id == orders.c.reminder_id).subquery())


def step_name(raw: str | None) -> str:
    """A dedupe key's step as the report groups it: "hand3" → "hand", no reminder → "none"."""
    if raw is None:
        return NONE
    return HAND if raw.startswith(HAND) else raw


def _step_order(step: str):
    """1, 2, … in number order, then any other step, then "hand", then "none"."""
    if step.isdigit():
        return (0, int(step), "")
    return (1 + (step == HAND) + 2 * (step == NONE), 0, step)


def by_step(window: Window, zone: str, grace: timedelta) -> list[StepRow]:
    """One row per step of the last reminder before payment that occurs in the cohort."""
    orders = _with_last_reminder(window, zone, grace)
    recovered_fen = func.coalesce(func.sum(case((orders.c.paid_at.is_not(None), orders.c.fen), else_=0)), 0)
    figures: dict[str, Recovery] = {}
    for raw, count, recovered, fen in db.session.execute(
            select(orders.c.step, func.count(), func.count(orders.c.paid_at), recovered_fen).group_by(orders.c.step)):
        step = step_name(raw)
        figures[step] = figures.get(step, Recovery()) + Recovery(count, recovered, from_fen(int(fen)))
    return [StepRow(step, f.orders, f.recovered, f.recovered_amount) for step, f in sorted(
        figures.items(), key=lambda item: _step_order(item[0]))]


def median_seconds(spans: list[timedelta]) -> int | None:
    """The middle span (the mean of the two middle ones for an even count) in whole seconds, half to even; exact."""
    if not spans:
        return None
    micro, middle = sorted(span // timedelta(microseconds=1) for span in spans), len(spans) // 2
    value = Fraction(micro[middle]) if len(micro) % 2 else Fraction(micro[middle - 1] + micro[middle], 2)
    return round(value / 1_000_000)


def median_seconds_to_pay(window: Window, zone: str, grace: timedelta) -> int | None:
    orders = _with_last_reminder(window, zone, grace)
    spans = db.session.execute(select(orders.c.paid_at, orders.c.sent_at)
                               .where(orders.c.paid_at.is_not(None), orders.c.reminder_id.is_not(None))).all()
    return median_seconds([paid_at - sent_at for paid_at, sent_at in spans])


def totals_of(rows: list[StepRow], median: int | None) -> RecoveryTotals:
    """The cohort's figures from its step rows: reminded = every row but "none"."""
    def recovery(row: StepRow) -> Recovery:
        return Recovery(row.orders, row.recovered, row.recovered_amount)

    reminded = sum((recovery(row) for row in rows if row.step != NONE), Recovery())
    not_reminded = sum((recovery(row) for row in rows if row.step == NONE), Recovery())
    return RecoveryTotals(reminded + not_reminded, reminded, not_reminded, median)


def unpaid_recovery(window: Window, zone: str, grace: timedelta) -> RecoveryReport:
    rows = by_step(window, zone, grace)
    return RecoveryReport(window, grace, totals_of(rows, median_seconds_to_pay(window, zone, grace)), rows)
