"""First-response due times in business hours (nights, weekends, China's holidays and make-up days, DST) and the clock."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from shopcs.cases.sla import (
    EVERY_DAY,
    BusinessHours,
    SlaSettings,
    Target,
    clock,
    first_response_due,
    is_breached,
    is_make_up_workday,
    is_public_holiday,
    parse_sla_settings,
)
from shopcs.errors import Invalid

UTC = timezone.utc
SH = "Asia/Shanghai"
BERLIN = "Europe/Berlin"
S = SlaSettings.default()
US = timedelta(microseconds=1)


def sh(*args) -> datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return datetime(*args, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


def berlin(*args, fold=0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(BERLIN), fold=fold).astimezone(UTC)


def due(received, channel, settings=S, zone=SH):
    return first_response_due(received, channel, settings, zone)


def only(channel_target: Target) -> SlaSettings:
    return SlaSettings({"chat": channel_target})


def test_the_defaults_are_those_of_the_issue():
    chat, phone, email, platform = (S.targets[c] for c in ("chat", "phone", "email", "platform"))
    assert (chat.minutes, phone.minutes, email.minutes, platform.minutes) == (5, 3, 240, 5)
    assert chat.hours == platform.hours == BusinessHours(EVERY_DAY, time(8), time(0), False)
    assert phone.hours == BusinessHours(EVERY_DAY, time(9), time(21), False)
    assert email.hours == BusinessHours(frozenset({0, 1, 2, 3, 4}), time(9), time(18), True)
    assert S.amber_share == D("0.4") and SlaSettings() == S


def test_a_chat_in_business_hours_is_due_five_minutes_later_to_the_microsecond():
    assert due(sh(2026, 3, 4, 10, 0, 0, 1), "chat") == sh(2026, 3, 4, 10, 5, 0, 1)


def test_a_chat_in_the_night_is_due_five_minutes_after_opening():
    assert due(sh(2026, 3, 4, 2, 0), "chat") == sh(2026, 3, 4, 8, 5)
    assert due(sh(2026, 3, 5, 0, 0), "chat") == sh(2026, 3, 5, 8, 5)  # midnight: yesterday's closing time


def test_a_chat_just_before_midnight_carries_the_rest_to_the_next_morning():
    assert due(sh(2026, 3, 4, 23, 58), "chat") == sh(2026, 3, 5, 8, 3)
    assert due(sh(2026, 3, 4, 23, 59, 59, 999999), "chat") == sh(2026, 3, 5, 8, 4, 59, 999999)


def test_a_case_received_exactly_at_opening_starts_at_once():
    assert due(sh(2026, 3, 4, 8, 0), "chat") == sh(2026, 3, 4, 8, 5)
    assert due(sh(2026, 3, 4, 7, 59, 59, 999999), "chat") == sh(2026, 3, 4, 8, 5)


def test_a_call_exactly_at_closing_waits_for_the_next_opening():
    assert due(sh(2026, 3, 4, 21, 0), "phone") == sh(2026, 3, 5, 9, 3)
    assert due(sh(2026, 3, 4, 20, 59, 59, 999999), "phone") == sh(2026, 3, 5, 9, 2, 59, 999999)
    assert due(sh(2026, 3, 4, 20, 58, 30), "phone") == sh(2026, 3, 5, 9, 1, 30)


def test_an_email_that_uses_up_the_day_exactly_is_due_at_closing_not_the_next_morning():
    assert due(sh(2026, 3, 6, 14, 0), "email") == sh(2026, 3, 6, 18, 0)


def test_an_email_on_friday_afternoon_is_due_on_monday():
    assert due(sh(2026, 3, 6, 17, 0), "email") == sh(2026, 3, 9, 12, 0)
    assert due(sh(2026, 3, 7, 11, 0), "email") == sh(2026, 3, 9, 13, 0)  # received on Saturday


@pytest.mark.parametrize("received, due_at", [
    (sh(2026, 9, 30, 17, 0), sh(2026, 10, 8, 12, 0)),  # National Day 10-01..10-07
    (sh(2026, 10, 3, 10, 0), sh(2026, 10, 8, 13, 0)),  # received during the holiday
    (sh(2026, 4, 30, 17, 0), sh(2026, 5, 6, 12, 0)),  # Labour Day 05-01..05-05
    (sh(2026, 2, 13, 17, 0), sh(2026, 2, 14, 12, 0)),  # Saturday 02-14 is worked before Spring Festival
    (sh(2026, 2, 14, 17, 0), sh(2026, 2, 24, 12, 0)),  # ... which runs 02-15..02-23
])
def test_an_email_skips_chinas_public_holidays(received, due_at):
    assert due(received, "email") == due_at


def test_an_email_is_answered_on_a_make_up_working_weekend_day():
    assert due(sh(2026, 9, 18, 17, 0), "email") == sh(2026, 9, 20, 12, 0)  # Sunday 09-20 is worked
    assert due(sh(2026, 10, 9, 17, 0), "email") == sh(2026, 10, 10, 12, 0)  # Saturday 10-10 is worked


def test_the_library_knows_the_2026_national_day_and_its_make_up_days():
    assert [is_public_holiday(date(2026, 10, day)) for day in range(1, 9)] == [True] * 3 + [False] + [True] * 3 + [False]
    assert [d for d in (date(2026, 9, 20), date(2026, 10, 10), date(2026, 10, 11)) if is_make_up_workday(d)] == [
        date(2026, 9, 20), date(2026, 10, 10)]  # 10-04 is an ordinary Sunday inside the holiday


def test_without_holidays_off_a_holiday_is_an_ordinary_weekday():
    settings = only(Target(240, BusinessHours(frozenset(range(5)), time(9), time(18), False)))
    assert due(sh(2026, 9, 30, 17, 0), "chat", settings) == sh(2026, 10, 1, 12, 0)
    assert due(sh(2026, 9, 18, 17, 0), "chat", settings) == sh(2026, 9, 21, 12, 0)


def test_hours_are_counted_in_real_time_across_the_spring_dst_change():
    every_hour = only(Target(240, BusinessHours(EVERY_DAY, time(0), time(0))))
    assert due(berlin(2026, 3, 28, 23, 0), "chat", every_hour, BERLIN) == berlin(2026, 3, 29, 4, 0)  # 02:00–03:00 never was
    early = only(Target(240, BusinessHours(EVERY_DAY, time(1), time(5))))  # only 3 real hours on 03-29
    assert due(berlin(2026, 3, 28, 23, 0), "chat", early, BERLIN) == berlin(2026, 3, 30, 2, 0) == datetime(2026, 3, 30, 0, 0, tzinfo=UTC)


def test_hours_are_counted_in_real_time_across_the_autumn_dst_change():
    early = only(Target(240, BusinessHours(EVERY_DAY, time(1), time(5))))  # 5 real hours on 10-25
    assert due(berlin(2026, 10, 24, 23, 0), "chat", early, BERLIN) == berlin(2026, 10, 25, 4, 0) == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_an_opening_time_skipped_by_dst_opens_at_the_jump():
    hours = only(Target(5, BusinessHours(EVERY_DAY, time(2, 30), time(6))))
    assert due(berlin(2026, 3, 29, 0, 0), "chat", hours, BERLIN) == datetime(2026, 3, 29, 1, 5, tzinfo=UTC)  # 03:05 CEST


def test_the_due_time_is_aware_utc_whatever_zone_the_receipt_was_given_in():
    received = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo(SH))
    assert due(received, "chat") == sh(2026, 3, 4, 10, 5) and due(received, "chat").tzinfo == UTC


def test_impossible_hours_end_the_search_instead_of_looping():
    with pytest.raises(ValueError):
        due(sh(2026, 3, 4, 10, 0), "chat", only(Target(5, BusinessHours(frozenset(), time(9), time(18)))))
    with pytest.raises(ValueError):
        due(sh(2026, 3, 4, 10, 0), "chat", only(Target(10080, BusinessHours(frozenset({0}), time(9), time(9, 1)))))


def test_a_naive_time_or_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        due(datetime(2026, 3, 4, 10, 0), "chat")
    with pytest.raises(ValueError):
        due(sh(2026, 3, 4, 10, 0), "fax")


RECEIVED, DUE = sh(2026, 3, 4, 10, 0), sh(2026, 3, 4, 10, 5)


@pytest.mark.parametrize("now, level, remaining", [
    (sh(2026, 3, 4, 10, 0), "ok", timedelta(minutes=5)),
    (sh(2026, 3, 4, 10, 2, 59, 999999), "ok", timedelta(minutes=2, microseconds=1)),
    (sh(2026, 3, 4, 10, 3), "amber", timedelta(minutes=2)),  # exactly 40% left
    (sh(2026, 3, 4, 10, 5), "amber", timedelta(0)),
    (sh(2026, 3, 4, 10, 5, 0, 1), "red", -US),
    (sh(2026, 3, 4, 11, 0), "red", timedelta(minutes=-55)),
])
def test_an_unanswered_clock_turns_amber_then_red(now, level, remaining):
    assert clock(RECEIVED, DUE, None, now, S) == clock(RECEIVED, DUE, None, now) == (c := clock(RECEIVED, DUE, None, now, D("0.4")))
    assert (c.level, c.remaining) == (level, remaining)


def test_an_answered_clock_is_met_or_breached_with_its_margin():
    later = sh(2026, 3, 5, 9, 0)  # `now` no longer matters
    assert clock(RECEIVED, DUE, DUE, later, S).level == "met" and clock(RECEIVED, DUE, DUE, later).remaining == timedelta(0)
    assert clock(RECEIVED, DUE, sh(2026, 3, 4, 10, 1), later).remaining == timedelta(minutes=4)
    late = clock(RECEIVED, DUE, DUE + US, later)
    assert (late.level, late.remaining) == ("breached", -US)


def test_amber_uses_the_wall_time_between_receipt_and_due_time():
    received, due_at = sh(2026, 3, 6, 17, 0), sh(2026, 3, 9, 12, 0)  # Friday evening email, 67 wall hours
    assert clock(received, due_at, None, sh(2026, 3, 8, 9, 11, 59), S).level == "ok"
    assert clock(received, due_at, None, sh(2026, 3, 8, 9, 12), S).level == "amber"
    assert clock(received, due_at, None, sh(2026, 3, 8, 9, 12), amber_share=D("0.1")).level == "ok"


def test_breach_is_a_late_answer_or_no_answer_past_due():
    assert not is_breached(DUE, None, DUE) and is_breached(DUE, None, DUE + US)
    assert not is_breached(DUE, DUE, DUE + timedelta(days=1)) and is_breached(DUE, DUE + US, DUE)


def test_settings_round_trip_through_json():
    stored = S.as_json()
    assert stored["targets"]["chat"] == {"minutes": 5, "weekdays": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "00:00",
                                         "public_holidays_off": False}
    assert stored["amber_share"] == "0.4" and parse_sla_settings(stored) == S and parse_sla_settings({}) == S


def test_settings_from_a_flat_form_override_the_defaults():
    settings = parse_sla_settings({"chat.minutes": " 10 ", "email.weekdays": "0, 1,2,3,4,5", "email.closes": "24:00",
                                   "phone.opens": "00:00", "phone.closes": "00:00", "email.public_holidays_off": "off",
                                   "amber_percent": "25"})
    assert settings.targets["chat"].minutes == 10
    assert settings.targets["email"].hours == BusinessHours(frozenset(range(6)), time(9), time(0), False)
    assert settings.targets["phone"].hours == BusinessHours(EVERY_DAY, time(0), time(0), False)  # the whole day
    assert settings.amber_share == D("0.25") and settings.targets["platform"] == S.targets["platform"]


@pytest.mark.parametrize("values, field", [
    ({"chat.minutes": "0"}, "chat.minutes"), ({"chat.minutes": "10081"}, "chat.minutes"),
    ({"chat.minutes": "1.5"}, "chat.minutes"), ({"targets": {"chat": {"minutes": True}}}, "chat.minutes"),
    ({"email.opens": "9am"}, "email.opens"), ({"email.opens": "24:00"}, "email.opens"),
    ({"email.closes": "08:30"}, "email.closes"), ({"email.closes": "09:00"}, "email.closes"),
    ({"phone.weekdays": []}, "phone.weekdays"), ({"phone.weekdays": [7]}, "phone.weekdays"),
    ({"phone.weekdays": "mon"}, "phone.weekdays"), ({"email.public_holidays_off": "maybe"}, "email.public_holidays_off"),
    ({"amber_share": "1.5"}, "amber_share"), ({"amber_share": "NaN"}, "amber_share"), ({"amber_percent": "-1"}, "amber_percent"),
    ({"targets": {"sms": {}}}, "targets"), ({"targets": {"chat": "fast"}}, "chat"),
    ({"phone.weekdays": [0], "phone.opens": "09:00", "phone.closes": "09:30", "phone.minutes": "121"}, "phone.minutes"),
])
def test_bad_settings_name_the_field(values, field):
    with pytest.raises(Invalid) as caught:
        parse_sla_settings(values)
    assert field in caught.value.fields


def test_every_bad_field_is_named_at_once():
    with pytest.raises(Invalid) as caught:
        parse_sla_settings({"chat.minutes": "x", "email.opens": "x", "phone.closes": "x"})
    assert set(caught.value.fields) == {"chat.minutes", "email.opens", "phone.closes"}
