"""The dashboard's figures: each headline rate for the chosen days and for the same number of days just before."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from ..windows import Window
from .refund_rate import DayRow, Totals, by_day, totals
from .repurchase import RepurchaseTotals, paid_before
from .repurchase import totals as repurchase_totals
from .unpaid_recovery import Recovery, reminded_split


@dataclass(frozen=True)
class Change:
    """A rate now and in the period before; `points` is the difference in percentage points (None without both).

    `higher_is_better` says what a rise means (a refund rate up is bad, a recovery rate up is good), so `verdict`
    can say whether the change is good or bad news; `previous` is None when there is nothing earlier to compare with.
    """

    current: Decimal | None
    previous: Decimal | None
    higher_is_better: bool

    @property
    def points(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return (self.current - self.previous) * 100

    @property
    def verdict(self) -> str | None:
        """"good", "bad", or None when unchanged or not comparable."""
        if not self.points:
            return None
        return "good" if (self.points > 0) == self.higher_is_better else "bad"


@dataclass(frozen=True)
class RecoveryHeadline:
    """What the dashboard shows of unpaid recovery (the report's page adds the steps and the median time to pay)."""

    reminded: Recovery
    not_reminded: Recovery

    @property
    def cohort(self) -> Recovery:
        return self.reminded + self.not_reminded


@dataclass(frozen=True)
class DashboardFigures:
    window: Window
    previous_window: Window
    refund: Totals
    refund_before: Totals
    trend: list[DayRow]  # each day of the window with its rolling 30-day rate
    recovery: RecoveryHeadline
    recovery_before: RecoveryHeadline
    repurchase: RepurchaseTotals
    repurchase_before: RepurchaseTotals | None  # None: nothing was paid before the period before, so none can return

    @property
    def refund_rate(self) -> Change:
        return Change(self.refund.rate, self.refund_before.rate, higher_is_better=False)

    @property
    def recovery_rate(self) -> Change:
        return Change(self.recovery.cohort.rate, self.recovery_before.cohort.rate, higher_is_better=True)

    @property
    def returning_rate(self) -> Change:
        before = self.repurchase_before.returning_rate if self.repurchase_before else None
        return Change(self.repurchase.returning_rate, before, higher_is_better=True)


def previous_window(window: Window) -> Window:
    """The same number of days, ending the day before `window` starts."""
    end = window.start - timedelta(days=1)
    return Window(end - timedelta(days=window.days - 1), end)


def recovery_figures(window: Window, zone: str, grace: timedelta) -> RecoveryHeadline:
    return RecoveryHeadline(*reminded_split(window, zone, grace))


def repurchase_figures(window: Window, zone: str) -> RepurchaseTotals:
    return repurchase_totals(window, zone)


def repurchase_before_figures(window: Window, zone: str) -> RepurchaseTotals | None:
    """The period before's figures, or None when no order was paid before it: its returning rate would be a 0 that
    only says the shop's history starts there."""
    return repurchase_figures(window, zone) if paid_before(window, zone) else None


def dashboard_figures(window: Window, zone: str, grace: timedelta) -> DashboardFigures:
    """`grace`: how long after placing an order counts as not paid at once (the first reminder's delay)."""
    before = previous_window(window)
    return DashboardFigures(window, before, totals(window, zone), totals(before, zone), by_day(window, zone),
                            recovery_figures(window, zone, grace), recovery_figures(before, zone, grace),
                            repurchase_figures(window, zone), repurchase_before_figures(before, zone))
