"""Money in an order's own currency. Which currencies are accepted, how many decimals each has, an amount checked
against its currency, and an amount shown in a reader's language. The decimals are Babel's currency data (CLDR), not a table of ours.

Amounts stay exact: Decimal here; in the database, integers of a thousandth hold every accepted currency (money.py; that
is why a currency with more than 3 decimals, such as CLF, is not accepted). Pure: no Flask, no database.
"""
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, is_currency

DEFAULT = "CNY"
STORED_DIGITS = 3  # KWD, BHD, OMR, TND, … have 3; JPY, KRW, VND 0; most 2
AMOUNT_MAX = Decimal(10) ** 10  # the same ceiling as money.parse_money's
_CODE = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"[0-9]{1,40}(\.[0-9]{1,40})?")
# ISO 4217's codes that are not money a shop is paid in: precious metals, test and "no currency" codes, fund units
_NOT_MONEY = frozenset({"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XTS", "XXX",
                        "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"})


class CurrencyError(ValueError):
    """The currency, or an amount in it, is not one we accept; the message names the currency."""


def currency_problem(code) -> str | None:
    """Why `code` is not a currency an order may be in; None when it is (an upper-case ISO 4217 code)."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return "must be an ISO 4217 currency code in capitals, such as CNY, USD or JPY"
    if code in _NOT_MONEY or not is_currency(code) or get_currency_precision(code) > STORED_DIGITS:
        return f"{code} is not a currency orders are accepted in"
    return None


def minor_digits(currency: str) -> int:
    """The currency's decimals: CNY 2, JPY 0, KWD 3. Raises CurrencyError for one not accepted."""
    if problem := currency_problem(currency):
        raise CurrencyError(problem)
    return get_currency_precision(currency)


def parse_amount(value, currency: str) -> Decimal:
    """A string or int amount, at most the currency's decimals, never negative, float, NaN or exponent; returned with
    exactly the currency's decimals (JPY "1200" → 1200, USD "3.5" → 3.50). CurrencyError says what is wrong."""
    digits = minor_digits(currency)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise CurrencyError(f"must be an amount in {currency} as a string, such as \"{_example(digits)}\"")
    text = (format(value, "f") if isinstance(value, Decimal) else str(value)).strip()
    if text.startswith("-"):
        raise CurrencyError("must not be negative")
    if not _AMOUNT.fullmatch(text):
        raise CurrencyError(f"must be an amount in {currency} such as \"{_example(digits)}\"")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise CurrencyError("is not a number") from exc
    if problem := amount_problem(amount, currency):
        raise CurrencyError(problem)
    if amount >= AMOUNT_MAX:
        raise CurrencyError("is too large")
    return in_currency(amount, currency)


def amount_problem(amount: Decimal, currency: str) -> str | None:
    """Why an amount is not exact in its currency: "1200.50" JPY is not, "1200.00" JPY is (platforms send JPY amounts
    with two zero decimals), "1.005" USD is not."""
    digits = minor_digits(currency)
    if amount == amount.quantize(Decimal(1).scaleb(-digits)):
        return None
    return f"{currency} has no decimals" if digits == 0 else f"{currency} has at most {digits} decimals"


def in_currency(amount: Decimal, currency: str) -> Decimal:
    """The amount with exactly its currency's decimals (1200 JPY → 1200, 3.5 USD → 3.50); exact amounts only."""
    return amount.quantize(Decimal(1).scaleb(-minor_digits(currency)))


def amount_str(amount: Decimal, currency: str) -> str:
    """The API's form: a string with the currency's decimals ("12.50" CNY, "1200" JPY, "1.234" KWD)."""
    return str(in_currency(Decimal(amount), currency))


def format_amount(amount: Decimal, currency: str, locale: str | Locale) -> str:
    """The amount as a reader of `locale` writes it, with the currency's own decimals: ¥1,234.50 (CNY, zh_CN),
    CN¥1,234.50 (CNY, en), US$1,234.50 (USD, zh_CN), $1,234.50 (USD, en), A$59.45 (AUD, en), ¥1,234 (JPY, en)."""
    return _formatted(Decimal(amount), currency, str(locale))


@lru_cache(maxsize=4096)
def _formatted(amount: Decimal, currency: str, locale: str) -> str:
    """Babel's number formatting costs ~0.1 ms an amount; a shop's prices repeat (a sweep of 5,000 reminders in the
    follow-up cost bench formats a few hundred distinct totals), so the text is kept per (amount, currency, locale)."""
    return format_currency(amount, currency, locale=_parsed(locale), currency_digits=True)


@lru_cache(maxsize=16)
def _parsed(locale: str | Locale) -> Locale:
    """Babel parses a locale name on every call (about 0.3 ms; 18 µs per amount with the parsed one): a page of
    amounts pays it once."""
    return Locale.parse(locale)


def _example(digits: int) -> str:
    return "12" if digits == 0 else "12.5" + "0" * (digits - 1)
