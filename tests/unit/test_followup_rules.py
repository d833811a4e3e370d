"""The pure follow-up rules: due times, quiet hours (across midnight and DST), drops, the cap, eligibility."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from shopcs.followup import rules
from shopcs.followup.values import FollowupSettings

UTC = timezone.utc
SH = "Asia/Shanghai"
S = FollowupSettings()


def sh(*args) -> datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return datetime(*args, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


def test_the_defaults_are_those_of_the_issue_with_taobaos_72_hours_before_an_unpaid_order_closes():
    assert (S.first_reminder_minutes, S.second_reminder_hours, S.max_reminders, S.auto_close_hours) == (30, 12, 2, 72)
    assert (S.quiet_start, S.quiet_end, S.greeting_send_time) == (time(22), time(8), time(10))
    assert (S.repeat_window_days, S.greeting_gap_days) == (365, 7)


def test_reminder_steps_fall_30_minutes_and_12_hours_after_placing():
    placed = sh(2026, 3, 4, 10, 0)
    assert rules.step_due_at(placed, 1, S) == sh(2026, 3, 4, 10, 30)
    assert rules.step_due_at(placed, 2, S) == sh(2026, 3, 4, 22, 0)
    assert rules.closes_at(placed, S) == sh(2026, 3, 7, 10, 0)


def test_a_cap_of_one_leaves_a_single_automatic_step():
    assert len(replace(S, max_reminders=1).step_offsets()) == 1
    assert replace(S, max_reminders=0).step_offsets() == []


@pytest.mark.parametrize("wall, quiet", [
    ((21, 59), False), ((22, 0), True), ((23, 30), True), ((0, 0), True), ((7, 59), True), ((8, 0), False), ((12, 0), False),
])
def test_quiet_hours_cross_midnight(wall, quiet):
    assert rules.in_quiet_hours(sh(2026, 3, 4, *wall), S, SH) is quiet


def test_quiet_hours_inside_one_day_and_no_quiet_hours_at_all():
    daytime = replace(S, quiet_start=time(12), quiet_end=time(14))
    assert rules.in_quiet_hours(sh(2026, 3, 4, 13, 0), daytime, SH)
    assert not rules.in_quiet_hours(sh(2026, 3, 4, 23, 0), daytime, SH)
    assert not rules.in_quiet_hours(sh(2026, 3, 4, 23, 0), replace(S, quiet_start=time(8), quiet_end=time(8)), SH)


def test_a_reminder_due_before_midnight_waits_until_eight_the_next_morning():
    assert rules.defer_out_of_quiet_hours(sh(2026, 3, 4, 23, 15), S, SH) == sh(2026, 3, 5, 8, 0)


def test_a_reminder_due_after_midnight_waits_until_eight_the_same_morning():
    assert rules.defer_out_of_quiet_hours(sh(2026, 3, 5, 2, 40), S, SH) == sh(2026, 3, 5, 8, 0)


def test_a_reminder_outside_quiet_hours_is_not_moved():
    assert rules.defer_out_of_quiet_hours(sh(2026, 3, 5, 8, 0), S, SH) == sh(2026, 3, 5, 8, 0)


def test_quiet_hours_inside_one_day_end_the_same_day():
    lunch = replace(S, quiet_start=time(12), quiet_end=time(14))
    assert rules.defer_out_of_quiet_hours(sh(2026, 3, 4, 12, 30), lunch, SH) == sh(2026, 3, 4, 14, 0)


def test_quiet_hours_end_at_local_eight_across_new_yorks_spring_forward():
    # 2026-03-08: clocks go from 02:00 EST to 03:00 EDT; 08:00 EDT is 12:00 UTC, not 13:00
    one_am_est = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)
    assert rules.defer_out_of_quiet_hours(one_am_est, S, "America/New_York") == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_quiet_hours_end_at_local_eight_across_new_yorks_fall_back():
    # 2026-11-01: 02:00 EDT becomes 01:00 EST; 08:00 EST is 13:00 UTC
    eleven_pm_edt = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    assert rules.defer_out_of_quiet_hours(eleven_pm_edt, S, "America/New_York") == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_quiet_hours_end_at_local_eight_across_berlins_changes():
    spring = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # 23:00 CET; 08:00 CEST next morning is 06:00 UTC
    autumn = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 23:00 CEST; 08:00 CET next morning is 07:00 UTC
    assert rules.defer_out_of_quiet_hours(spring, S, "Europe/Berlin") == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert rules.defer_out_of_quiet_hours(autumn, S, "Europe/Berlin") == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)


def test_a_quiet_end_skipped_by_the_spring_jump_ends_at_the_jump():
    ends_at_half_past_two = replace(S, quiet_start=time(22), quiet_end=time(2, 30))
    quarter_to_two_est = datetime(2026, 3, 8, 6, 45, tzinfo=UTC)
    assert rules.defer_out_of_quiet_hours(quarter_to_two_est, ends_at_half_past_two, "America/New_York") == \
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT, the first instant after 02:30 local


def test_a_quiet_end_in_the_repeated_autumn_hour_is_its_first_reading_then_its_second():
    ends_at_half_past_one = replace(S, quiet_start=time(22), quiet_end=time(1, 30))
    ny = "America/New_York"
    first_pass = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)  # 01:10 EDT
    second_pass = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST, an hour later
    assert rules.defer_out_of_quiet_hours(first_pass, ends_at_half_past_one, ny) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert rules.defer_out_of_quiet_hours(second_pass, ends_at_half_past_one, ny) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_no_deferred_time_is_ever_inside_quiet_hours_in_any_zone():
    for zone in (SH, "America/New_York", "Europe/Berlin"):
        start = datetime(2026, 3, 1, tzinfo=UTC)
        for minutes in range(0, 60 * 24 * 40, 17):  # every 17 minutes across both spring changes
            moment = start + timedelta(minutes=minutes)
            deferred = rules.defer_out_of_quiet_hours(moment, S, zone)
            assert deferred >= moment and not rules.in_quiet_hours(deferred, S, zone)
            assert deferred - moment <= timedelta(hours=11)


def test_a_step_deferred_past_the_close_is_dropped_with_its_reason():
    short = replace(S, auto_close_hours=14)
    plan = rules.plan_step(sh(2026, 3, 4, 12, 0), 2, short, SH)  # due 00:00, waits until 08:00, closes 02:00
    assert plan.send_at == sh(2026, 3, 5, 8, 0) and plan.drop_reason == rules.DROP_CLOSES_FIRST


def test_a_step_deferred_before_the_close_is_kept():
    plan = rules.plan_step(sh(2026, 3, 4, 12, 0), 2, S, SH)
    assert plan.due_at == sh(2026, 3, 5, 0, 0) and plan.send_at == sh(2026, 3, 5, 8, 0) and plan.drop_reason is None


def decide(placed, now, settings=S, status="unpaid", opted_out=False, so_far=0):
    return rules.decide_reminder(placed_at=placed, now=now, status=status, opted_out=opted_out,
                                 reminders_so_far=so_far, settings=settings, zone=SH)


def test_nothing_is_due_before_the_first_step():
    assert decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 10, 29)).action == "none"


def test_the_first_step_is_sent_at_its_due_time():
    decision = decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 10, 30))
    assert (decision.action, decision.step, decision.send_at) == ("send", 1, sh(2026, 3, 4, 10, 30))


def test_a_step_due_in_quiet_hours_waits_and_then_is_scheduled_at_the_quiet_end():
    placed = sh(2026, 3, 4, 21, 50)
    assert decide(placed, sh(2026, 3, 4, 22, 20)).action == "wait"
    decision = decide(placed, sh(2026, 3, 5, 8, 0))
    assert (decision.action, decision.step, decision.send_at) == ("send", 1, sh(2026, 3, 5, 8, 0))


def test_a_scheduler_back_late_in_quiet_hours_waits_for_the_morning():
    assert decide(sh(2026, 3, 4, 12, 0), sh(2026, 3, 4, 23, 0)).action == "wait"  # step 1 was due at 12:30


def test_a_stopped_scheduler_sends_only_the_latest_due_step():
    decision = decide(sh(2026, 3, 4, 9, 0), sh(2026, 3, 4, 21, 30))
    assert (decision.action, decision.step) == ("send", 2)


@pytest.mark.parametrize("status", ["paid", "cancelled", "closed", "shipped"])
def test_no_reminder_is_wanted_for_an_order_that_is_not_unpaid(status):
    decision = decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 10, 30), status=status)
    assert decision.action == "none" and decision.reason == f"order {status}"


def test_no_reminder_is_wanted_for_a_customer_who_opted_out():
    assert decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 10, 30), opted_out=True).reason == "customer opted out"


def test_no_reminder_after_the_order_closes():
    assert decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 7, 10, 0)).action == "none"


def test_reminders_sent_by_hand_count_toward_the_cap():
    assert not rules.cap_reached(1, S) and rules.cap_reached(2, S)
    decision = decide(sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 22, 0) + timedelta(hours=10), so_far=2)
    assert (decision.action, decision.reason) == ("drop", rules.DROP_CAP)


def test_a_step_that_can_only_go_out_after_the_close_is_dropped_in_quiet_hours():
    short = replace(S, auto_close_hours=14)
    decision = decide(sh(2026, 3, 4, 12, 0), sh(2026, 3, 5, 0, 0), settings=short)
    assert (decision.action, decision.step, decision.reason) == ("drop", 2, rules.DROP_CLOSES_FIRST)


NOW = sh(2026, 9, 25, 10, 0)


def paid(days_ago, total="100.00", refunded="0.00", status="completed"):
    return rules.PaidOrder(paid_at=NOW - timedelta(days=days_ago), total=Decimal(total), refunded=Decimal(refunded), status=status)


def test_two_paid_orders_the_last_within_a_year_make_a_repeat_customer():
    assert rules.is_repeat_customer([paid(500), paid(30)], opted_out=False, now=NOW, settings=S)


def test_one_paid_order_is_not_enough():
    assert not rules.is_repeat_customer([paid(30)], opted_out=False, now=NOW, settings=S)


def test_a_last_order_older_than_the_window_is_not_enough():
    assert not rules.is_repeat_customer([paid(500), paid(366)], opted_out=False, now=NOW, settings=S)
    assert rules.is_repeat_customer([paid(500), paid(366)], opted_out=False, now=NOW, settings=replace(S, repeat_window_days=400))


def test_fully_refunded_orders_do_not_count_but_partly_refunded_ones_do():
    assert not rules.is_repeat_customer([paid(60), paid(30, refunded="100.00")], opted_out=False, now=NOW, settings=S)
    assert rules.is_repeat_customer([paid(60), paid(30, refunded="40.00")], opted_out=False, now=NOW, settings=S)


def test_unpaid_cancelled_and_closed_orders_do_not_count():
    unpaid = rules.PaidOrder(paid_at=None, total=Decimal("10.00"), status="unpaid")
    assert not rules.is_repeat_customer([paid(60), unpaid, paid(30, status="closed")], opted_out=False, now=NOW, settings=S)


def test_a_customer_who_opted_out_is_never_a_repeat_customer_for_greetings():
    assert not rules.is_repeat_customer([paid(60), paid(30)], opted_out=True, now=NOW, settings=S)


def test_a_greeting_is_due_from_its_send_time_to_the_end_of_that_day_only():
    day = date(2026, 9, 25)
    assert not rules.greeting_due(day, time(10), sh(2026, 9, 25, 9, 59), S, SH)
    assert rules.greeting_due(day, time(10), sh(2026, 9, 25, 10, 0), S, SH)
    assert rules.greeting_due(day, time(10), sh(2026, 9, 25, 21, 59), S, SH)  # missed in the morning: later that day
    assert not rules.greeting_due(day, time(10), sh(2026, 9, 25, 22, 0), S, SH)  # but never in quiet hours
    assert not rules.greeting_due(day, time(10), sh(2026, 9, 26, 10, 0), S, SH)  # and never the day after


def test_the_greeting_send_time_is_local():
    assert rules.greeting_send_at(date(2026, 9, 25), time(10), SH) == datetime(2026, 9, 25, 2, 0, tzinfo=UTC)
    assert rules.greeting_send_at(date(2026, 7, 4), time(10), "America/New_York") == datetime(2026, 7, 4, 14, 0, tzinfo=UTC)


def test_a_greeting_within_seven_days_of_the_previous_one_is_held_back():
    national_day = date(2026, 10, 1)
    assert not rules.gap_allows(sh(2026, 9, 25, 10, 0), national_day, S, SH)  # mid-autumn, six days before
    assert rules.gap_allows(sh(2026, 9, 24, 10, 0), national_day, S, SH)  # seven days before
    assert rules.gap_allows(None, national_day, S, SH)
    assert rules.gap_allows(sh(2026, 10, 1, 9, 0), national_day, replace(S, greeting_gap_days=0), SH)
