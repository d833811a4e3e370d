"""Unpaid-order recovery (催付) over a window of shop-local days.

Definitions (the API and the page show them beside each number):
- cohort: the orders placed in the window that were not paid within the grace period — never paid, or paid at or
  after placed_at + grace. The grace is the follow-up settings' first-reminder delay (30 minutes by default):
  an order paid before its first reminder was due never needed one;
- recovered: the cohort's orders that were paid since, at any time up to now (whatever happened to them after);
  recovered amount: those orders' totals, per currency (never summed across currencies);
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
import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Integer, String, and_, bindparam, case, cast, func, literal_column, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import distinct_on

from ..extensions import db
from ..followup.settings import load_settings
from ..followup.unpaid import KIND
from ..notify.models import OutboxMessage
from ..orders.models import Order
from ..windows import Window, rate
from .amounts import NO_MONEY, Amounts
from .sql_time import at_least_after, microseconds_between, whole_seconds
from .window_sql import HI, LO

HAND, NONE = "hand", "none"
_KEY_PREFIX = len(f"{KIND}:")  # the key's characters before the order id


@dataclass(frozen=True)
class Recovery:
    """Some orders of the cohort and what came of them."""

    orders: int = 0
    recovered: int = 0
    recovered_amount: Amounts = NO_MONEY

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
    recovered_amount: Amounts

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


# The statements are built once, with the window's bounds and the grace (in seconds) as parameters. Each reads
# through an index (EXPLAIN in bench/reports_bench.py): the orders placed in the window through ix_orders_placed_at
# (placed_at, paid_at, total), alone; each order's last reminder through ix_outbox_order_kind (order_id, kind,
# status, sent_at, id), alone, then that reminder's row for its dedupe key.
_GRACE = bindparam("grace", type_=Integer)
_COHORT = (Order.placed_at >= LO, Order.placed_at < HI,
           or_(Order.paid_at.is_(None), at_least_after(Order.paid_at, Order.placed_at, _GRACE)))
_SENT_BEFORE_PAYMENT = (OutboxMessage.order_id == Order.id, OutboxMessage.kind == KIND, OutboxMessage.status == "sent",
                        OutboxMessage.sent_at.is_not(None),
                        or_(Order.paid_at.is_(None), OutboxMessage.sent_at <= Order.paid_at))
_LAST_FIRST = (OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())


def _per_order_columns(order_id, paid_at, total, currency, dedupe_key, sent_at):
    """step (the dedupe key after "unpaid_reminder:<id>:", null without a reminder), paid_at, fen, currency, and span:
    the microseconds from the last reminder to the payment (null unless both happened)."""
    step_starts = func.length(cast(order_id, String)) + literal_column(str(_KEY_PREFIX + 2), Integer)
    return (func.substr(dedupe_key, step_starts).label("step"), paid_at.label("paid_at"),
            type_coerce(total, Integer).label("fen"), currency.label("currency"),
            microseconds_between(paid_at, sent_at).label("span"))


def _per_order_sqlite():
    """SQLite: the last reminder's id by a correlated subquery per order (index only), then its row by id."""
    last_id = (select(OutboxMessage.id).where(*_SENT_BEFORE_PAYMENT).order_by(*_LAST_FIRST).limit(1)
               .correlate(Order).scalar_subquery())
    orders = (select(Order.id, Order.paid_at, Order.total, Order.currency, last_id.label("reminder_id")).where(*_COHORT)
              .subquery("cohort"))
    return (select(*_per_order_columns(orders.c.id, orders.c.paid_at, orders.c.total, orders.c.currency,
                                       OutboxMessage.dedupe_key, OutboxMessage.sent_at))
            .select_from(orders.outerjoin(OutboxMessage, OutboxMessage.id == orders.c.reminder_id)))


def _per_order_postgresql():
    """PostgreSQL: each cohort order joined to its reminders sent before payment, the last one kept by DISTINCT ON
    (one pass of the join, sorted by order; per-order LATERAL seeks took a third longer over two years)."""
    joined = Order.__table__.outerjoin(OutboxMessage, and_(*_SENT_BEFORE_PAYMENT))
    last = (select(Order.id, Order.paid_at, Order.total, Order.currency, OutboxMessage.dedupe_key, OutboxMessage.sent_at)
            .select_from(joined).where(*_COHORT).ext(distinct_on(Order.id)).order_by(Order.id, *_LAST_FIRST)
            .subquery("last_reminder"))
    return select(*_per_order_columns(last.c.id, last.c.paid_at, last.c.total, last.c.currency, last.c.dedupe_key,
                                      last.c.sent_at))


def _figures_statement(per_order, spans_of):
    """One row per step and currency: step, currency, orders, recovered, recovered fen, and the spans of its recovered
    orders as one array (`spans_of`: the backend's array aggregate). One pass over the cohort; Python adds up each
    step's currencies and finds the median of the spans."""
    orders = per_order.subquery("per_order")
    recovered = orders.c.paid_at.is_not(None)
    return (select(orders.c.step, orders.c.currency, func.count(), func.count(orders.c.paid_at),
                   func.coalesce(func.sum(case((recovered, orders.c.fen))), 0),
                   spans_of(orders.c.span).filter(recovered, orders.c.span.is_not(None)))
            .group_by(orders.c.step, orders.c.currency))


FIGURES = {  # SQLite: a JSON array (json_group_array); PostgreSQL: an array (a list from the driver)
    "sqlite": _figures_statement(_per_order_sqlite(), func.json_group_array),
    "postgresql": _figures_statement(_per_order_postgresql(), func.array_agg),
}


def _reminded_statement():
    """Rows (reminded, currency, orders, recovered, recovered fen): the cohort split by whether any reminder was sent
    before payment — the same split as the step rows' "none" and the others, without finding which reminder was last."""
    reminded = select(OutboxMessage.id).where(*_SENT_BEFORE_PAYMENT).exists().label("reminded")
    orders = (select(reminded, Order.currency, Order.paid_at, type_coerce(Order.total, Integer).label("fen"))
              .where(*_COHORT).subquery())
    return (select(orders.c.reminded, orders.c.currency, func.count(), func.count(orders.c.paid_at),
                   func.coalesce(func.sum(case((orders.c.paid_at.is_not(None), orders.c.fen))), 0))
            .group_by(orders.c.reminded, orders.c.currency))


REMINDED = _reminded_statement()


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


def figures(window: Window, zone: str, grace: timedelta) -> tuple[list[StepRow], int | None]:
    """The step rows and the median time to pay, from one statement (the cohort is read once for both)."""
    lo, hi = window.utc_bounds(zone)
    connection = db.session.connection()
    found: dict[str, Recovery] = {}
    spans: list[int] = []
    for raw, currency, count, recovered, fen, step_spans in connection.execute(
            FIGURES[connection.dialect.name], {"lo": lo, "hi": hi, "grace": whole_seconds(grace)}):
        step = step_name(raw)
        found[step] = found.get(step, Recovery()) + Recovery(count, recovered, Amounts.from_stored([(currency, fen)]))
        spans += (json.loads(step_spans) if isinstance(step_spans, str) else step_spans) or []
    rows = [StepRow(step, f.orders, f.recovered, f.recovered_amount)
            for step, f in sorted(found.items(), key=lambda item: _step_order(item[0]))]
    return rows, median_microseconds(spans)


def reminded_split(window: Window, zone: str, grace: timedelta) -> tuple[Recovery, Recovery]:
    """(reminded, not reminded) of the cohort, without the steps and the median (the dashboard's figures)."""
    lo, hi = window.utc_bounds(zone)
    split = {True: Recovery(), False: Recovery()}
    for reminded, currency, count, recovered, fen in db.session.connection().execute(
            REMINDED, {"lo": lo, "hi": hi, "grace": whole_seconds(grace)}):
        split[bool(reminded)] += Recovery(count, recovered, Amounts.from_stored([(currency, fen)]))
    return split[True], split[False]


def by_step(window: Window, zone: str, grace: timedelta) -> list[StepRow]:
    """One row per step of the last reminder before payment that occurs in the cohort."""
    return figures(window, zone, grace)[0]


def median_microseconds(spans: list[int]) -> int | None:
    """The middle value (the mean of the two middle ones for an even count) in whole seconds, half to even; exact."""
    if not spans:
        return None
    micro, middle = sorted(spans), len(spans) // 2
    value = Fraction(micro[middle]) if len(micro) % 2 else Fraction(micro[middle - 1] + micro[middle], 2)
    return round(value / 1_000_000)


def median_seconds(spans: list[timedelta]) -> int | None:
    """median_microseconds of timedeltas."""
    return median_microseconds([span // timedelta(microseconds=1) for span in spans])


def median_seconds_to_pay(window: Window, zone: str, grace: timedelta) -> int | None:
    return figures(window, zone, grace)[1]


def totals_of(rows: list[StepRow], median: int | None) -> RecoveryTotals:
    """The cohort's figures from its step rows: reminded = every row but "none"."""
    def recovery(row: StepRow) -> Recovery:
        return Recovery(row.orders, row.recovered, row.recovered_amount)

    reminded = sum((recovery(row) for row in rows if row.step != NONE), Recovery())
    not_reminded = sum((recovery(row) for row in rows if row.step == NONE), Recovery())
    return RecoveryTotals(reminded + not_reminded, reminded, not_reminded, median)


def unpaid_recovery(window: Window, zone: str, grace: timedelta) -> RecoveryReport:
    rows, median = figures(window, zone, grace)
    return RecoveryReport(window, grace, totals_of(rows, median), rows)
