"""Money in an order's own currency: the decimals from Babel's currency data, amounts checked against them and shown in
the reader's language (issue 19's rules; no database)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcs.countries import country_name, country_problem, is_abroad
from shopcs.currency import (
    CurrencyError,
    amount_problem,
    amount_str,
    currency_problem,
    format_amount,
    in_currency,
    minor_digits,
    parse_amount,
)


def test_each_currency_has_its_own_decimals():
    assert [minor_digits(code) for code in ("CNY", "USD", "EUR", "GBP", "AUD", "JPY", "KRW", "KWD", "BHD")] == \
        [2, 2, 2, 2, 2, 0, 0, 3, 3]


@pytest.mark.parametrize("code", ["cny", "US", "USDX", "", None, 840, "ZZZ", "XAU", "XXX", "XTS", "CLF"])
def test_a_code_that_is_not_a_currency_orders_are_paid_in_is_refused(code):
    assert currency_problem(code) is not None
    with pytest.raises(CurrencyError):
        minor_digits(code)


@pytest.mark.parametrize(("value", "currency", "amount"), [
    ("1234.50", "CNY", Decimal("1234.50")), ("3.5", "USD", Decimal("3.50")), (59, "AUD", Decimal("59.00")),
    ("1200", "JPY", Decimal("1200")), ("1.234", "KWD", Decimal("1.234")), (Decimal("7.1"), "KWD", Decimal("7.100")),
    (" 12.00 ", "EUR", Decimal("12.00")), ("705.00", "JPY", Decimal("705")), ("1.10", "KWD", Decimal("1.100")),
])
def test_an_amount_takes_exactly_its_currencys_decimals(value, currency, amount):
    parsed = parse_amount(value, currency)
    assert parsed == amount and parsed.as_tuple().exponent == -minor_digits(currency)


@pytest.mark.parametrize(("value", "currency", "says"), [
    ("1200.5", "JPY", "JPY has no decimals"), ("1.005", "USD", "USD has at most 2 decimals"),
    ("1.0001", "KWD", "KWD has at most 3 decimals"), ("-1", "USD", "must not be negative"),
    ("1e3", "USD", "USD"), ("NaN", "CNY", "CNY"), (1.5, "USD", "USD"), (True, "USD", "USD"), (None, "JPY", "JPY"),
    ("10000000000", "CNY", "too large"), ("12.50", "XAU", "XAU"),
])
def test_a_bad_amount_is_refused_naming_its_currency_or_its_fault(value, currency, says):
    with pytest.raises(CurrencyError) as caught:
        parse_amount(value, currency)
    assert says in str(caught.value)


@pytest.mark.parametrize(("amount", "currency", "locale", "shown"), [
    ("1234.50", "CNY", "zh_CN", "¥1,234.50"), ("1234.50", "USD", "zh_CN", "US$1,234.50"),
    ("1234.50", "USD", "en", "$1,234.50"), ("59.45", "AUD", "en", "A$59.45"), ("1234", "JPY", "en", "¥1,234"),
    ("1.234", "KWD", "en", "KWD1.234"),
])
def test_an_amount_is_shown_in_the_readers_language_with_its_currencys_decimals(amount, currency, locale, shown):
    assert format_amount(parse_amount(amount, currency), currency, locale).replace("\xa0", "") == shown


@given(st.sampled_from(["CNY", "USD", "JPY", "KWD"]), st.integers(min_value=0, max_value=10**12))
def test_every_amount_in_minor_units_reads_back_exactly(currency, minor):
    digits = minor_digits(currency)
    text = str(Decimal(minor).scaleb(-digits))
    if Decimal(text) >= 10**10:
        with pytest.raises(CurrencyError):
            parse_amount(text, currency)
    else:
        assert parse_amount(text, currency).scaleb(digits) == minor


@pytest.mark.parametrize(("amount", "currency", "problem"), [
    ("705.00", "JPY", None), ("705.5", "JPY", "JPY has no decimals"), ("12.340", "USD", None),
    ("12.345", "USD", "USD has at most 2 decimals"), ("1.234", "KWD", None), ("0", "CNY", None),
])
def test_an_amount_is_exact_in_its_currency_when_its_extra_decimals_are_zeros(amount, currency, problem):
    """Platforms write JPY amounts with two zero decimals ("705.00"): exact in yen, so taken."""
    assert amount_problem(Decimal(amount), currency) == problem


def test_the_apis_form_has_the_currencys_own_decimals():
    assert [amount_str(Decimal("1200.00"), "JPY"), amount_str(Decimal("3.5"), "USD"), amount_str(Decimal("1.2"), "KWD")] == \
        ["1200", "3.50", "1.200"]
    assert in_currency(Decimal("12.500"), "CNY").as_tuple().exponent == -2


@pytest.mark.parametrize("code", ["CN", "US", "JP", "AU", "GB", "DE", "HK", "TW", "SG"])
def test_a_country_code_of_iso_3166_is_taken(code):
    assert country_problem(code) is None


@pytest.mark.parametrize(("code", "says"), [("us", "capitals"), ("USA", "capitals"), ("", "capitals"), (None, "capitals"),
                                            ("XX", "XX is not a country code"), ("EU", "EU is not a country code"),
                                            ("ZZ", "ZZ is not a country code")])
def test_anything_else_is_refused_saying_why(code, says):
    assert says in country_problem(code)


def test_a_country_is_named_in_the_readers_language_and_only_china_is_at_home():
    assert (country_name("US", "zh_CN"), country_name("US", "en"), country_name("JP", "zh_CN")) == ("美国", "United States", "日本")
    assert (is_abroad("CN"), is_abroad(None), is_abroad("US")) == (False, False, True)
