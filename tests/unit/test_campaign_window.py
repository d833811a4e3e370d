"""The campaign window (11.11 00:00–02:00): inside it the quiet hours do not hold back payment reminders. Pure rules
and the settings' checks, no database."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from shopcs.errors import Invalid
from shopcs.followup import rules
from shopcs.followup.settings import parse_values
from shopcs.followup.values import FollowupSettings

UTC = timezone.utc
SH = "Asia/Shanghai"
S = FollowupSettings()  # quiet hours 22:00–08:00
SINGLES_DAY = replace(S, campaign_start=datetime(2026, 11, 11, 0, 0), campaign_end=datetime(2026, 11, 11, 2, 0))


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


def test_no_campaign_by_default_and_the_quiet_hours_hold():
    assert rules.campaign_bounds(S, SH) is None
    assert rules.reminders_quiet(sh(2026, 11, 11, 0, 30), S, SH)
    assert rules.defer_reminder(sh(2026, 11, 11, 0, 30), S, SH) == sh(2026, 11, 11, 8, 0)


def test_the_window_is_shop_time_start_included_end_excluded():
    assert rules.campaign_bounds(SINGLES_DAY, SH) == (sh(2026, 11, 11, 0, 0), sh(2026, 11, 11, 2, 0))
    assert not rules.in_campaign(sh(2026, 11, 10, 23, 59), SINGLES_DAY, SH)
    assert rules.in_campaign(sh(2026, 11, 11, 0, 0), SINGLES_DAY, SH)
    assert rules.in_campaign(sh(2026, 11, 11, 1, 59), SINGLES_DAY, SH)
    assert not rules.in_campaign(sh(2026, 11, 11, 2, 0), SINGLES_DAY, SH)


def test_inside_the_window_a_reminder_goes_at_once_though_it_is_night():
    moment = sh(2026, 11, 11, 0, 30)
    assert rules.in_quiet_hours(moment, SINGLES_DAY, SH) and not rules.reminders_quiet(moment, SINGLES_DAY, SH)
    assert rules.defer_reminder(moment, SINGLES_DAY, SH) == moment


def test_a_reminder_due_just_before_the_window_waits_for_its_start_not_for_the_morning():
    assert rules.defer_reminder(sh(2026, 11, 10, 23, 30), SINGLES_DAY, SH) == sh(2026, 11, 11, 0, 0)


def test_after_the_window_the_quiet_hours_hold_again():
    assert rules.defer_reminder(sh(2026, 11, 11, 2, 30), SINGLES_DAY, SH) == sh(2026, 11, 11, 8, 0)


def test_a_window_outside_the_quiet_hours_changes_nothing_at_night():
    afternoon = replace(S, campaign_start=datetime(2026, 11, 11, 14, 0), campaign_end=datetime(2026, 11, 11, 16, 0))
    assert rules.defer_reminder(sh(2026, 11, 10, 23, 0), afternoon, SH) == sh(2026, 11, 11, 8, 0)


def test_the_sweep_decision_sends_in_the_window_and_waits_outside_it():
    placed = sh(2026, 11, 11, 0, 5)  # first reminder due 00:35
    inside = rules.decide_reminder(placed_at=placed, now=sh(2026, 11, 11, 0, 35), status="unpaid", opted_out=False,
                                   reminders_so_far=0, settings=SINGLES_DAY, zone=SH)
    assert inside.action == "send" and inside.send_at == sh(2026, 11, 11, 0, 35)
    late = rules.decide_reminder(placed_at=sh(2026, 11, 11, 1, 45), now=sh(2026, 11, 11, 2, 15), status="unpaid",
                                 opted_out=False, reminders_so_far=0, settings=SINGLES_DAY, zone=SH)
    assert late.action == "wait" and late.send_at == sh(2026, 11, 11, 8, 0)


def test_greetings_keep_the_quiet_hours_in_the_window():
    assert not rules.greeting_due(datetime(2026, 11, 11).date(), datetime(2026, 11, 11, 0, 0).time(),
                                  sh(2026, 11, 11, 0, 30), SINGLES_DAY, SH)


def test_the_settings_take_the_window_from_the_form_and_clear_it_when_both_are_empty():
    parsed = parse_values({"campaign_start": "2026-11-11T00:00", "campaign_end": "2026-11-11 02:00"}, S)
    assert (parsed.campaign_start, parsed.campaign_end) == (datetime(2026, 11, 11, 0, 0), datetime(2026, 11, 11, 2, 0))
    cleared = parse_values({"campaign_start": "", "campaign_end": None}, parsed)
    assert cleared.campaign_start is None and cleared.campaign_end is None


@pytest.mark.parametrize("start, end, field", [
    ("2026-11-11T00:00", "", "campaign_end"),  # one without the other
    ("", "2026-11-11T02:00", "campaign_end"),
    ("2026-11-11T02:00", "2026-11-11T02:00", "campaign_end"),  # ends when it starts
    ("2026-11-11T00:00", "2026-11-13T00:01", "campaign_end"),  # longer than 48 hours
    ("11.11 midnight", "2026-11-11T02:00", "campaign_start"),
    ("2026-11-11T00:00+08:00", "2026-11-11T02:00", "campaign_start"),  # shop time has no zone of its own
])
def test_a_bad_window_names_the_field(start, end, field):
    with pytest.raises(Invalid) as caught:
        parse_values({"campaign_start": start, "campaign_end": end}, S)
    assert field in caught.value.fields
