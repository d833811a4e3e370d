"""The team report's pure parts: weeks and months of shop days, the period's input, the median and the p90."""
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from shopcs.reports.amounts import Amounts
from shopcs.reports.team.report import month_window, p90_microseconds, parse_period, week_window
from shopcs.reports.team.worklog import DayFigures, Item, assemble
from shopcs.reports.unpaid_recovery import median_microseconds
from shopcs.windows import Window, WindowError

S = 1_000_000
TODAY = date(2026, 3, 4)  # a Wednesday


def test_a_week_runs_from_monday_to_sunday_whatever_day_is_given():
    assert week_window(date(2026, 3, 4)) == Window(date(2026, 3, 2), date(2026, 3, 8))
    assert week_window(date(2026, 3, 2)) == week_window(date(2026, 3, 8)) == Window(date(2026, 3, 2), date(2026, 3, 8))
    assert week_window(date(2026, 12, 31)) == Window(date(2026, 12, 28), date(2027, 1, 3))  # across a year


def test_a_month_runs_from_its_first_to_its_last_day_leap_years_included():
    assert month_window(date(2026, 3, 17)) == Window(date(2026, 3, 1), date(2026, 3, 31))
    assert month_window(date(2024, 2, 10)) == Window(date(2024, 2, 1), date(2024, 2, 29))
    assert month_window(date(2026, 2, 28)).days == 28


def test_the_period_defaults_to_this_week_and_bad_input_names_the_parameter():
    assert parse_period(None, None, TODAY) == week_window(TODAY)
    assert parse_period("month", "2026-02-14", TODAY) == month_window(date(2026, 2, 14))
    for period, day, bad in (("year", "2026-03-01", "period"), ("week", "2026-02-30", "day"), ("week", "03/01/2026", "day"),
                             ("month", "2026-3-1", "day")):
        with pytest.raises(WindowError) as refused:
            parse_period(period, day, TODAY)
        assert set(refused.value.fields) == {bad}


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert median_microseconds([4 * S, 1 * S, 3 * S, 2 * S]) == 2  # 2.5 → 2, half to even
    assert median_microseconds([10 * S, 20 * S, 40 * S, 30 * S]) == 25
    assert median_microseconds([7 * S]) == 7 and median_microseconds([]) is None


def test_p90_is_the_nearest_rank_the_ninth_of_ten_values():
    assert p90_microseconds([v * S for v in (10, 1, 9, 2, 8, 3, 7, 4, 6, 5)]) == 9
    assert p90_microseconds([v * S for v in range(1, 12)]) == 10  # ⌈9.9⌉ = 10th of 11
    assert p90_microseconds([5 * S]) == 5 and p90_microseconds([]) is None
    assert p90_microseconds([1_500_000, 2_500_000]) == 2  # the 2nd: 2.5 s → 2 (half to even)


def test_assembling_a_day_counts_a_refund_once_with_its_last_amount_and_first_replies_only():
    at = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)
    events = [(1, "reply", 7, at, None, at.replace(minute=0), at.replace(minute=5), "O1", True),
              (2, "reply", 7, at.replace(minute=10), None, at, at, "O1", False),
              (3, "status", 7, at, {"status": {"before": "open", "after": "resolved"}}, at, at, None, False),
              (4, "status", 7, at, {"status": {"before": "open", "after": "waiting"}}, at, at, None, False)]
    audits = [(1, "refund.requested", at, "O1", {"refund_id": 3, "amount": "80.00"}, "CNY"),
              (2, "refund.approved", at.replace(minute=1), "O1", {"refund_id": 3, "amount": "60.00"}, "CNY"),
              (3, "refund.requested", at, "O2", {"refund_id": 4, "amount": "5.50"}, "CNY")]
    figures = assemble("amy", TODAY, events, audits)
    assert figures.count("replies") == 2 and figures.count("answered") == 1 and figures.count("resolved") == 1
    assert figures.count("refunds") == 2 and figures.refund_amount == Amounts.of({"CNY": D("65.50")})
    assert figures.as_json()["refund_amount"] == [{"currency": "CNY", "amount": "65.50"}]
    assert figures.items["answered"][0] == Item(at, 7, "O1", "reply", 0, 0, True)
    assert DayFigures.from_json(figures.as_json()) == figures


def test_a_days_refund_amount_is_per_currency_never_summed_across_currencies():
    at = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)
    audits = [(1, "refund.requested", at, "O1", {"refund_id": 3, "amount": "80.00"}, "CNY"),
              (2, "refund.approved", at, "O2", {"refund_id": 4, "amount": "12.50"}, "USD"),
              (3, "refund.approved", at, "O3", {"refund_id": 5, "amount": "1200"}, "JPY"),
              (4, "refund.requested", at, "O4", {"refund_id": 6, "amount": "7.50"}, "USD")]
    figures = assemble("amy", TODAY, [], audits)
    assert figures.count("refunds") == 4
    assert figures.refund_amount.pairs == (("CNY", D("80.00")), ("JPY", D("1200")), ("USD", D("20.00")))
    assert figures.as_json()["refund_amount"] == [{"currency": "CNY", "amount": "80.00"}, {"currency": "JPY", "amount": "1200"},
                                                  {"currency": "USD", "amount": "20.00"}]
    assert DayFigures.from_json(figures.as_json()) == figures


def test_a_snapshot_submitted_before_currencies_reads_its_refunds_in_the_shops_currency():
    at = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)
    old = {"username": "amy", "day": "2026-03-04", "refund_amount": "50.00",
           "items": {"refunds": [{"at": at.isoformat(), "case_id": None, "order_no": "O1", "detail": "refund.approved",
                                  "seconds": None, "microseconds": None, "met": None, "refund_id": 3, "amount": "50.00"}]}}
    figures = DayFigures.from_json(old)
    assert figures.refund_amount == Amounts.of({"CNY": D("50.00")}) and figures.items["refunds"][0].currency == "CNY"
