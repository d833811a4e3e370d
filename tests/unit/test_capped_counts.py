"""A count that stops at its cap: exact below it, "999+" at it, and never a promise it cannot keep."""
import pytest

from shopcs.capped_counts import COUNT_CAP, at_least, is_capped, shown_count


@pytest.mark.parametrize("counted, shown", [(0, "0"), (1, "1"), (998, "998"), (999, "999")])
def test_a_count_below_the_cap_is_shown_exactly(counted, shown):
    assert shown_count(counted) == shown and not is_capped(counted) and at_least(counted) == counted


def test_a_count_that_reached_the_cap_reads_999_plus_and_promises_only_more_than_999():
    assert COUNT_CAP == 1000
    assert shown_count(1000) == "999+" and is_capped(1000) and at_least(1000) == 999


def test_another_cap_is_read_the_same_way():
    assert [shown_count(n, cap=100) for n in (99, 100)] == ["99", "99+"]
    assert at_least(1100, cap=1100) == 1099 and not is_capped(1099, cap=1100)
