"""The refund-rate alert rules and their settings, on plain values."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from shopcs.errors import Invalid
from shopcs.reports.alert_rules import AlertSettings, evaluate, judged_windows, parse_alert_settings
from shopcs.windows import rate

DAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Figures:
    paid_orders: int
    refunded_orders: int

    @property
    def rate(self):
        return rate(self.refunded_orders, self.paid_orders)


def rules(last_30, last_7, settings=None):
    settings = settings or AlertSettings()
    return [(a.rule, a.rate, a.limit) for a in evaluate(DAY, Figures(*last_30), Figures(*last_7), settings)]


def test_the_judged_windows_are_the_30_and_7_whole_days_ending_yesterday():
    last_30, last_7 = judged_windows(date(2026, 11, 25))
    assert (last_30.start, last_30.end, last_30.days) == (date(2026, 10, 26), DAY, 30)
    assert (last_7.start, last_7.end, last_7.days) == (date(2026, 11, 18), DAY, 7)


def test_the_threshold_fires_only_strictly_above_it():
    assert rules((1000, 50), (100, 5)) == []  # exactly 5.00%
    assert rules((1000, 51), (100, 5)) == [("threshold", D("0.0510"), D("0.05"))]


def test_nothing_fires_without_paid_orders():
    assert rules((0, 0), (0, 0)) == [] and rules((0, 3), (0, 1)) == []


def test_a_spike_is_the_last_7_days_above_the_multiple_of_the_30_day_rate():
    assert rules((1000, 20), (200, 6)) == []  # 3.00% vs 1.5 × 2.00% = 3.00%: not above
    assert rules((1000, 20), (200, 7)) == [("spike", D("0.0350"), D("0.0300"))]


def test_a_spike_needs_enough_orders_in_the_7_days():
    assert rules((1000, 20), (99, 10)) == []
    assert rules((1000, 20), (99, 10), AlertSettings(spike_min_orders=50)) == [("spike", D("0.1010"), D("0.0300"))]


def test_both_rules_can_fire_at_once():
    assert [rule for rule, *_ in rules((1000, 80), (300, 60))] == ["threshold", "spike"]


def test_settings_from_a_form_take_the_threshold_in_percent():
    settings = parse_alert_settings({"threshold_percent": "3.5", "spike_factor": "2", "spike_min_orders": "40",
                                     "channel": "email", "email": "ops@example.com"})
    assert settings == AlertSettings(D("0.035"), D("2"), 40, "email", "ops@example.com")
    assert parse_alert_settings(settings.as_json()) == settings  # stored as JSON and read back


@pytest.mark.parametrize("values, field", [
    ({"threshold_percent": "0"}, "threshold_percent"), ({"threshold_percent": "101"}, "threshold_percent"),
    ({"threshold_percent": "abc"}, "threshold_percent"), ({"threshold_percent": "NaN"}, "threshold_percent"),
    ({"spike_factor": "0.9"}, "spike_factor"), ({"spike_min_orders": "0"}, "spike_min_orders"),
    ({"spike_min_orders": "1.5"}, "spike_min_orders"), ({"channel": "sms"}, "channel"),
    ({"channel": "email"}, "email"), ({"email": "not an address"}, "email"),
])
def test_bad_settings_name_the_field(values, field):
    with pytest.raises(Invalid) as caught:
        parse_alert_settings(values)
    assert field in caught.value.fields
