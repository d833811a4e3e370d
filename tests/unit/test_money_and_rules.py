from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcs.currency import amount_str
from shopcs.money import MoneyError, from_stored, parse_money, to_stored
from shopcs.orders.address import DEFAULT_EXCLUSIONS, carrier_reaches, carriers_not_reaching, province_key
from shopcs.orders.domain import LineItem, can_move, expected_total, paid_after_local_close
from shopcs.orders.shipping import tracking_error
from shopcs.phone import mask_phone, normalize_phone, phone_search_key, search_digits
from shopcs.timeutil import TimeError, parse_aware


@pytest.mark.parametrize("value,expected", [("12.5", D("12.50")), ("0", D("0.00")), (12, D("12.00")), ("99.99", D("99.99")),
                                            ("1.234", D("1.234"))])
def test_money_accepts_strings_and_integers_with_at_most_three_decimals(value, expected):
    parsed = parse_money(value)
    assert parsed == expected and str(parsed) == str(expected)


@pytest.mark.parametrize("value", [12.5, "1.0005", "-1.00", -3, "NaN", "1e3", "", " ", None, True, "¥12", [], "12,50", "１２"])
def test_money_refuses_floats_negatives_exponents_and_junk(value):
    with pytest.raises(MoneyError):
        parse_money(value)


@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_money_round_trips_through_the_stored_thousandths_exactly(stored):
    amount = from_stored(stored)
    assert to_stored(amount) == stored
    assert -amount.as_tuple().exponent == (2 if stored % 10 == 0 else 3)  # two decimals, three only when needed


def test_a_cny_amount_is_stored_as_it_was_in_fen_times_ten_and_reads_back_with_two_decimals():
    assert to_stored(D("1234.56")) == 1234560 and str(from_stored(1234560)) == "1234.56"
    assert amount_str(D("99"), "CNY") == "99.00" and amount_str(D("1200.00"), "JPY") == "1200"


def test_a_naive_time_is_refused_and_an_offset_is_converted_to_utc():
    assert parse_aware("2026-03-04T10:00:00+08:00").isoformat() == "2026-03-04T02:00:00+00:00"
    with pytest.raises(TimeError):
        parse_aware("2026-03-04T10:00:00")


@pytest.mark.parametrize("current,new,ok", [
    ("unpaid", "paid", True), ("paid", "shipped", True), ("shipped", "completed", True), ("unpaid", "shipped", True),
    ("unpaid", "cancelled", True), ("unpaid", "closed", True), ("paid", "closed", True), ("shipped", "closed", True),
    ("paid", "paid", True), ("paid", "unpaid", False), ("completed", "shipped", False), ("paid", "cancelled", False),
    ("cancelled", "paid", False), ("closed", "paid", False), ("completed", "closed", False),
])
def test_order_status_only_moves_forward(current, new, ok):
    assert can_move(current, new) is ok


@pytest.mark.parametrize("current,new,ok", [
    ("closed", "paid", True), ("closed", "shipped", True), ("closed", "completed", True), ("closed", "closed", True),
    ("closed", "unpaid", False), ("closed", "cancelled", False), ("cancelled", "paid", False), ("paid", "unpaid", False),
])
def test_an_order_shopcs_closed_itself_takes_the_platforms_paid_or_later(current, new, ok):
    assert can_move(current, new, closed_here=True) is ok
    assert paid_after_local_close(current, new, closed_here=True) is (ok and current != new)
    assert paid_after_local_close(current, new, closed_here=False) is False


def test_the_expected_total_is_items_plus_shipping_minus_discount():
    items = [LineItem("A", "a", 2, D("10.00")), LineItem("B", "b", 1, D("5.50"))]
    assert expected_total(items, D("8.00"), D("3.50")) == D("30.00")


@pytest.mark.parametrize("carrier,number", [
    ("SF", "SF1234567890123"), ("SF", "123456789012"), ("ZTO", "773012345678901"), ("YTO", "YT1234567890123"),
    ("STO", "7730123456789"), ("YUNDA", "4312345678901"), ("JD", "JDVA12345678901"), ("EMS", "EA123456785CN"),
    ("EMS", "1234567890123"), ("OTHER", "ABC-123456"), ("SF", " sf1234567890123 "),
])
def test_good_tracking_numbers_pass_their_carrier_format(carrier, number):
    assert tracking_error(carrier, number) is None


@pytest.mark.parametrize("carrier,number", [
    ("SF", "SF123"), ("YTO", "1234567890123"), ("JD", "SF1234567890123"), ("EMS", "EA123456784CN"),
    ("ZTO", "ZTO12345"), ("SF", ""), ("NOPE", "123456789012"),
])
def test_bad_tracking_numbers_get_a_message(carrier, number):
    assert tracking_error(carrier, number)


def test_economy_couriers_do_not_reach_the_remote_west_by_default():
    assert not carrier_reaches("新疆维吾尔自治区", DEFAULT_EXCLUSIONS["ZTO"])
    assert carrier_reaches("浙江省", DEFAULT_EXCLUSIONS["ZTO"])
    assert carriers_not_reaching("西藏", DEFAULT_EXCLUSIONS, "CN") == ["STO", "YTO", "YUNDA", "ZTO"]
    assert province_key("广西壮族自治区") == "广西"


def test_phones_are_normalised_flagged_and_masked():
    assert normalize_phone("+86 138 1234 5678") == ("13812345678", True)
    assert normalize_phone("12345") == ("12345", False)
    assert mask_phone("13812345678") == "138****5678"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_plain_mainland_mobile_searches_as_itself_as_parsing_it_would_give(number):
    stored, valid = normalize_phone(number)
    assert phone_search_key(number) == (stored if valid else search_digits(number)) == number


@pytest.mark.parametrize("term, key", [("+86 138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
                                       ("010 6552 9988", "01065529988"), ("12345678", "12345678")])
def test_other_phone_terms_search_as_their_normalised_number_or_their_digits(term, key):
    assert phone_search_key(term) == key
