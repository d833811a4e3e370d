"""Money is CNY with two decimals: Decimal in Python, integer fen in the database, never float."""
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"  # also the API description's pattern for money in requests
_MONEY_TEXT = re.compile(MONEY_PATTERN)


class MoneyError(ValueError):
    """The value is not an amount of money we accept."""


def parse_money(value) -> Decimal:
    """Accept a string or int with at most two decimals; refuse floats, NaN, exponents and negatives."""
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
        raise MoneyError("must be a string with at most two decimals, such as \"12.50\"")
    text = value.strip()
    if text.startswith("-"):
        raise MoneyError("must not be negative")
    if not _MONEY_TEXT.match(text):
        raise MoneyError("must be a number with at most two decimals, such as \"12.50\"")
    try:
        return Decimal(text).quantize(CENT)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise MoneyError("is not a number") from exc


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def money_str(amount: Decimal) -> str:
    """The API's form: a string with exactly two decimals."""
    return str(Decimal(amount).quantize(CENT))


def format_cny(amount: Decimal) -> str:
    """The page's form: ¥1,234.50."""
    amount = Decimal(amount).quantize(CENT)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
