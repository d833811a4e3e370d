"""Money as the house keeps it: Decimal in Python, integer thousandths in the database, never float.

A thousandth holds every currency an order may be in (currency.py: CNY and USD have 2 decimals, JPY 0, KWD 3), so one
column type serves all of them and CNY figures stay exactly what they were in fen. Which decimals an amount may have
is its currency's rule (currency.py); here is the shape every amount shares, whatever its currency.
"""
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
STORED_UNIT = Decimal("0.001")  # the database's integer unit for every currency
STORED_PER_UNIT = 1000
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,3})?$"  # also the API description's pattern for money in requests
_MONEY_TEXT = re.compile(MONEY_PATTERN)


class MoneyError(ValueError):
    """The value is not an amount of money we accept."""


def tidy(amount: Decimal) -> Decimal:
    """Two decimals, or three when the third is needed (a KWD amount): the form amounts have before their currency's
    own decimals are applied (currency.in_currency), and the form read back from the database."""
    cents = amount.quantize(CENT)
    return cents if cents == amount else amount.quantize(STORED_UNIT)


def parse_money(value) -> Decimal:
    """Accept a string or int with at most three decimals; refuse floats, NaN, exponents and negatives. Whether the
    decimals suit the currency (none for JPY, two for CNY) is currency.amount_problem's question."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("must be an amount such as \"12.50\"")
    if isinstance(value, int):
        if value < 0:
            raise MoneyError("must not be negative")
        if value >= 10**10:
            raise MoneyError("is too large")
        return Decimal(value).quantize(CENT)
    if isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise MoneyError("must be a string with at most three decimals, such as \"12.50\"")
    text = value.strip()
    if text.startswith("-"):
        raise MoneyError("must not be negative")
    if not _MONEY_TEXT.match(text):
        raise MoneyError("must be a number with at most three decimals, such as \"12.50\"")
    try:
        return tidy(Decimal(text))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise MoneyError("is not a number") from exc


def to_stored(amount: Decimal) -> int:
    """The database's integer: thousandths of the currency's unit (¥12.50 → 12500, ¥1,200 → 1200000)."""
    return int((Decimal(amount) * STORED_PER_UNIT).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_stored(stored: int) -> Decimal:
    return tidy(Decimal(stored) / STORED_PER_UNIT)
