"""Money in several currencies as the reports give it: per currency, never summed across, the shop's currency first."""
from decimal import Decimal as D

from shopcs.reports.amounts import NO_MONEY, Amounts, amount_rates, rates_json


def test_amounts_are_summed_per_currency_only_and_listed_with_the_shops_currency_first():
    money = Amounts.of([("USD", D("10.00")), ("CNY", D("1.50")), ("AUD", D("3.00")), ("USD", D("2.50")), ("CNY", D("1.00"))])
    assert money.pairs == (("CNY", D("2.50")), ("AUD", D("3.00")), ("USD", D("12.50")))
    assert money + Amounts.of({"JPY": D("1200")}) == Amounts.of({"AUD": D("3"), "CNY": D("2.5"), "JPY": D("1200"), "USD": D("12.5")})
    assert money.get("USD") == D("12.50") and money.get("EUR") == D("0") and money.sort_key() == D("2.50")


def test_stored_sums_become_money_and_a_currency_without_money_is_left_out():
    assert Amounts.from_stored([("USD", 59450), ("CNY", 1234500), ("JPY", 0), ("EUR", None)]).pairs == (
        ("CNY", D("1234.50")), ("USD", D("59.45")))
    assert Amounts.from_stored([]) == NO_MONEY and not NO_MONEY


def test_each_amount_is_given_with_its_currencys_decimals_and_no_money_as_zero_in_the_shops_currency():
    assert Amounts.of({"JPY": D("1200.00"), "USD": D("3.5"), "KWD": D("1.234")}).as_json() == [
        {"currency": "JPY", "amount": "1200"}, {"currency": "KWD", "amount": "1.234"}, {"currency": "USD", "amount": "3.50"}]
    assert NO_MONEY.as_json() == [{"currency": "CNY", "amount": "0.00"}]
    assert NO_MONEY.shown() == (("CNY", D("0.00")),)


def test_an_amount_rate_is_per_currency_and_none_where_nothing_was_paid_in_it():
    paid = Amounts.of({"CNY": D("700.00"), "USD": D("200.00")})
    refunded = Amounts.of({"CNY": D("100.00"), "EUR": D("5.00")})
    assert amount_rates(refunded, paid) == (("CNY", D("0.1429")), ("EUR", None), ("USD", D("0.0000")))
    assert rates_json(amount_rates(NO_MONEY, NO_MONEY)) == [{"currency": "CNY", "rate": None}]
