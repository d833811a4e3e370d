"""The widget's "we are away, back at …": the chat channel's business hours, in the shop's zone."""
from datetime import datetime, time, timezone

import pytest

from shopcs.cases.sla import EVERY_DAY, MIDNIGHT, MONDAY_TO_FRIDAY, BusinessHours
from shopcs.conversations.hours import Availability, availability

SHANGHAI = "Asia/Shanghai"
UTC = timezone.utc
ONLINE = BusinessHours(EVERY_DAY, time(8), MIDNIGHT)  # the default chat hours: 08:00–24:00 daily


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_inside_the_hours_the_team_is_open_and_promises_no_time():
    assert availability(ONLINE, at("2026-12-07T10:00:00+08:00"), SHANGHAI) == Availability(True)


def test_before_opening_the_team_is_back_at_todays_opening():
    result = availability(ONLINE, at("2026-12-07T03:00:00+08:00"), SHANGHAI)
    assert result == Availability(False, at("2026-12-07T08:00:00+08:00"))


def test_at_the_closing_minute_it_is_closed_until_the_next_opening():
    office = BusinessHours(EVERY_DAY, time(9), time(18))
    result = availability(office, at("2026-12-07T18:00:00+08:00"), SHANGHAI)
    assert result == Availability(False, at("2026-12-08T09:00:00+08:00"))


def test_a_friday_evening_is_answered_on_monday_when_weekends_are_closed():
    office = BusinessHours(MONDAY_TO_FRIDAY, time(9), time(18))
    result = availability(office, at("2026-12-11T20:00:00+08:00"), SHANGHAI)  # a Friday
    assert result == Availability(False, at("2026-12-14T09:00:00+08:00"))


def test_a_public_holiday_is_closed_when_the_hours_say_so():
    office = BusinessHours(EVERY_DAY, time(9), time(18), public_holidays_off=True)
    result = availability(office, at("2026-10-01T10:00:00+08:00"), SHANGHAI)  # National Day
    assert result.open_now is False and result.back_at > at("2026-10-01T10:00:00+08:00")


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        availability(ONLINE, datetime(2026, 12, 7, 10), SHANGHAI)
