"""When to remind an unpaid order and whom to greet: pure rules, no Flask, no database, no clock.

Cadence and auto-close are elapsed time after placing; quiet hours, greeting times and the greeting gap
are wall-clock rules in the shop's zone (ZoneInfo), so a daylight-saving change moves them correctly.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..timeutil import wall_instant
from .values import FollowupSettings

UTC = timezone.utc
PAID_STATUSES = ("paid", "shipped", "completed")

DROP_CLOSES_FIRST = "dropped: the order closes before quiet hours end"
DROP_CAP = "dropped: the order already had the maximum number of reminders"


def _quiet_at_wall(wall: time, start: time, end: time) -> bool:
    if start == end:
        return False  # no quiet hours
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end  # the window crosses midnight


def quiet_at_wall(wall: time, settings: FollowupSettings) -> bool:
    """Whether a local wall-clock time lies inside the quiet hours."""
    return _quiet_at_wall(wall, settings.quiet_start, settings.quiet_end)


def in_quiet_hours(moment: datetime, settings: FollowupSettings, zone: str) -> bool:
    wall = moment.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
    return _quiet_at_wall(wall, settings.quiet_start, settings.quiet_end)


def defer_out_of_quiet_hours(moment: datetime, settings: FollowupSettings, zone: str) -> datetime:
    """`moment` itself outside quiet hours, else the instant the quiet hours end (local quiet_end)."""
    if not in_quiet_hours(moment, settings, zone):
        return moment
    local = moment.astimezone(ZoneInfo(zone))
    end_day = local.date()
    if settings.quiet_start > settings.quiet_end and local.time().replace(tzinfo=None) >= settings.quiet_start:
        end_day += timedelta(days=1)  # before midnight: the quiet hours end tomorrow morning
    end = wall_instant(end_day, settings.quiet_end, zone)
    if end <= moment:  # the second pass through an autumn hour: the later reading of quiet_end
        end = datetime.combine(end_day, settings.quiet_end).replace(tzinfo=ZoneInfo(zone), fold=1).astimezone(UTC)
    return end


def campaign_bounds(settings: FollowupSettings, zone: str) -> tuple[datetime, datetime] | None:
    """The campaign window (e.g. 11.11 00:00–02:00, local wall-clock) as UTC instants, or None when none is set."""
    if settings.campaign_start is None or settings.campaign_end is None:
        return None
    start, end = settings.campaign_start, settings.campaign_end
    return wall_instant(start.date(), start.time(), zone), wall_instant(end.date(), end.time(), zone)


def in_campaign(moment: datetime, settings: FollowupSettings, zone: str) -> bool:
    window = campaign_bounds(settings, zone)
    return window is not None and window[0] <= moment < window[1]


def reminders_quiet(moment: datetime, settings: FollowupSettings, zone: str) -> bool:
    """Whether a payment reminder must wait at `moment`: the quiet hours, except inside the campaign window (a
    festival's midnight, when buyers are awake and paying). Greetings keep the quiet hours always."""
    return in_quiet_hours(moment, settings, zone) and not in_campaign(moment, settings, zone)


def defer_reminder(moment: datetime, settings: FollowupSettings, zone: str) -> datetime:
    """When a reminder due at `moment` may go: `moment` itself, else the end of the quiet hours or the start of
    the campaign window, whichever comes first."""
    if not reminders_quiet(moment, settings, zone):
        return moment
    end = defer_out_of_quiet_hours(moment, settings, zone)
    window = campaign_bounds(settings, zone)
    return window[0] if window is not None and moment < window[0] < end else end


def closes_at(placed_at: datetime, settings: FollowupSettings) -> datetime:
    return placed_at + settings.auto_close


def step_due_at(placed_at: datetime, step: int, settings: FollowupSettings) -> datetime:
    return placed_at + settings.step_offsets()[step - 1]


@dataclass(frozen=True)
class ReminderPlan:
    step: int
    due_at: datetime
    send_at: datetime  # due_at moved out of quiet hours (not in the campaign window)
    drop_reason: str | None  # set when the order closes before send_at


def plan_step(placed_at: datetime, step: int, settings: FollowupSettings, zone: str) -> ReminderPlan:
    due = step_due_at(placed_at, step, settings)
    send_at = defer_reminder(due, settings, zone)
    dropped = DROP_CLOSES_FIRST if send_at >= closes_at(placed_at, settings) else None
    return ReminderPlan(step=step, due_at=due, send_at=send_at, drop_reason=dropped)


def reminder_blocker(*, status: str, opted_out: bool) -> str | None:
    """Why no reminder is wanted any more (paid, cancelled, closed, opted out), or None if it still is."""
    if status != "unpaid":
        return f"order {status}"
    if opted_out:
        return "customer opted out"
    return None


def cap_reached(reminders_so_far: int, settings: FollowupSettings) -> bool:
    """`reminders_so_far` counts every reminder not cancelled, those sent by hand included."""
    return reminders_so_far >= settings.max_reminders


def due_step(placed_at: datetime, now: datetime, settings: FollowupSettings) -> int | None:
    """The latest step whose time has come (after a stopped scheduler, earlier missed steps are skipped)."""
    due = [n for n, offset in enumerate(settings.step_offsets(), start=1) if placed_at + offset <= now]
    return due[-1] if due else None


@dataclass(frozen=True)
class ReminderDecision:
    action: str  # "send" | "drop" (record why) | "wait" (quiet hours) | "none" (nothing due or wanted)
    step: int | None = None
    send_at: datetime | None = None
    reason: str | None = None


def decide_reminder(*, placed_at: datetime, now: datetime, status: str, opted_out: bool, reminders_so_far: int,
                    settings: FollowupSettings, zone: str) -> ReminderDecision:
    """What the unpaid sweep does for one order at `now`, given that the due step is not recorded yet."""
    blocker = reminder_blocker(status=status, opted_out=opted_out)
    close = closes_at(placed_at, settings)
    step = due_step(placed_at, now, settings)
    if blocker or step is None or now >= close:
        return ReminderDecision("none", step, reason=blocker)
    plan = plan_step(placed_at, step, settings, zone)
    if cap_reached(reminders_so_far, settings):
        return ReminderDecision("drop", step, reason=DROP_CAP)
    if plan.drop_reason:
        return ReminderDecision("drop", step, reason=plan.drop_reason)
    if reminders_quiet(now, settings, zone) or plan.send_at > now:
        send_at = defer_reminder(now, settings, zone)
        if send_at >= close:
            return ReminderDecision("drop", step, reason=DROP_CLOSES_FIRST)
        return ReminderDecision("wait", step, send_at=send_at)
    return ReminderDecision("send", step, send_at=plan.send_at)


@dataclass(frozen=True)
class PaidOrder:
    paid_at: datetime | None
    total: Decimal
    refunded: Decimal = Decimal("0.00")  # completed refunds
    status: str = "paid"

    @property
    def counts(self) -> bool:
        return self.paid_at is not None and self.status in PAID_STATUSES and self.refunded < self.total


def is_repeat_customer(orders: Iterable[PaidOrder], *, opted_out: bool, now: datetime, settings: FollowupSettings) -> bool:
    """At least 2 paid orders not fully refunded, the last within repeat_window_days, and not opted out."""
    counted = [order.paid_at for order in orders if order.counts]
    if opted_out or len(counted) < 2:
        return False
    return max(counted) >= now - timedelta(days=settings.repeat_window_days)


def greeting_send_at(send_day: date, send_time: time, zone: str) -> datetime:
    return wall_instant(send_day, send_time, zone)


def greeting_due(send_day: date, send_time: time, now: datetime, settings: FollowupSettings, zone: str) -> bool:
    """From the send time to the end of that local day (a stopped scheduler catches up the same day,
    never the day after), and never in quiet hours."""
    if now.astimezone(ZoneInfo(zone)).date() != send_day or now < greeting_send_at(send_day, send_time, zone):
        return False
    return not in_quiet_hours(now, settings, zone)


def gap_bound(send_day: date, settings: FollowupSettings, zone: str) -> datetime:
    """A greeting or promotion scheduled at or after this instant blocks one on `send_day`."""
    return wall_instant(send_day - timedelta(days=settings.greeting_gap_days - 1), time(0), zone)


def gap_allows(previous: datetime | None, send_day: date, settings: FollowupSettings, zone: str) -> bool:
    """At most one greeting or promotion per customer in any greeting_gap_days local days."""
    return previous is None or previous < gap_bound(send_day, settings, zone)
