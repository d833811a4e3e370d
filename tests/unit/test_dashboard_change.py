from decimal import Decimal as D

from shopcs.reports.dashboard import Change


def test_a_rise_is_good_news_only_for_a_rate_where_higher_is_better():
    assert Change(D("0.05"), D("0.03"), higher_is_better=False).verdict == "bad"
    assert Change(D("0.03"), D("0.05"), higher_is_better=False).verdict == "good"
    assert Change(D("0.50"), D("0.40"), higher_is_better=True).verdict == "good"
    assert Change(D("0.40"), D("0.50"), higher_is_better=True).verdict == "bad"


def test_no_change_or_nothing_to_compare_with_has_no_verdict():
    assert Change(D("0.05"), D("0.05"), higher_is_better=True).verdict is None
    assert Change(D("0.05"), None, higher_is_better=True).verdict is None and Change(None, D("0.05"), True).points is None
