"""Report windows: parsing, shop-local day bounds, and rates rounded half-even."""
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from shopcs.windows import MAX_DAYS, Window, WindowError, parse_day, parse_window, rate


def test_a_window_is_whole_shop_local_days_both_ends_included():
    window = parse_window("2026-03-01", "2026-03-31")
    assert window.days == 31
    assert window.utc_bounds("Asia/Shanghai") == (datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 31, 16, tzinfo=UTC))
    assert window.widened_for_rolling().start == date(2026, 1, 31)


def test_the_bounds_follow_daylight_saving_in_a_zone_that_has_it():
    start, end = Window(date(2026, 3, 8), date(2026, 3, 8)).utc_bounds("America/New_York")  # clocks go forward
    assert (end - start).total_seconds() == 23 * 3600


@pytest.mark.parametrize(("start", "end", "fields"), [
    (None, "2026-03-01", {"start"}),
    ("2026-3-1", "2026-03-01", {"start"}),
    ("2026-02-30", "yesterday", {"start", "end"}),
    ("2026-03-02", "2026-03-01", {"end"}),
])
def test_bad_dates_name_every_bad_parameter(start, end, fields):
    with pytest.raises(WindowError) as error:
        parse_window(start, end)
    assert set(error.value.fields) == fields


def test_three_years_is_the_longest_window():
    assert parse_window("2024-01-01", "2026-12-31").days == MAX_DAYS
    with pytest.raises(WindowError, match="at most"):
        parse_window("2023-12-31", "2026-12-31")


def test_rates_have_four_places_rounded_half_even_and_none_without_a_denominator():
    assert rate(2, 3) == D("0.6667") and rate(1, 8) == D("0.1250") and rate(0, 5) == D("0.0000")
    assert rate(D("0.00005"), 1) == D("0.0000") and rate(D("0.00015"), 1) == D("0.0002")  # half-even
    assert rate(3, 0) is None and rate(D("1.00"), D("0.00")) is None


@pytest.mark.parametrize(("start", "end", "field"), [("0001-01-01", "0001-01-06", "start"), ("9999-12-25", "9999-12-31", "end")])
def test_days_at_the_ends_of_the_calendar_are_refused_not_overflowed(start, end, field):
    """Found by the API fuzz: year 1 in Asia/Shanghai has no UTC midnight, 9999-12-31 has no day after (was a 500)."""
    with pytest.raises(WindowError) as error:
        parse_window(start, end)
    assert field in error.value.fields
    parse_window("1900-01-01", "1900-01-02").widened_for_rolling().utc_bounds("Asia/Shanghai")
    parse_window("9998-12-30", "9998-12-31").utc_bounds("Asia/Shanghai")


@pytest.mark.parametrize(("text", "problem"), [("2026-03-04", None), ("1900-01-01", None), ("9998-12-31", None),
                                               ("9999-12-31", "must be from 1900-01-01 to 9998-12-31"),
                                               ("0001-01-01", "must be from 1900-01-01 to 9998-12-31"),
                                               ("2026-02-30", "must be a date as YYYY-MM-DD"),
                                               ("２０２６-03-04", "must be a date as YYYY-MM-DD"),
                                               ("20260304", "must be a date as YYYY-MM-DD")])
def test_one_bounded_parser_reads_a_pages_day(text, problem):
    day, found = parse_day(text)
    assert found == problem and (day is None) == (problem is not None)
