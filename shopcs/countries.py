"""Countries of a shipping address: ISO 3166-1 alpha-2 codes, named in the reader's language from Babel's data
(CLDR), never a table of ours. Pure: no Flask, no database."""
import re

from babel import Locale

DOMESTIC = "CN"
_CODE = re.compile(r"[A-Z]{2}")
# CLDR names these two-letter codes too, but they are not countries a parcel goes to
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
_KNOWN = frozenset(code for code in Locale("en").territories if _CODE.fullmatch(code)) - _NOT_COUNTRIES


def country_problem(code) -> str | None:
    """Why `code` is not a country an address may be in; None when it is."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return "must be an ISO 3166-1 alpha-2 country code in capitals, such as CN, US or JP"
    if code not in _KNOWN:
        return f"{code} is not a country code"
    return None


def is_abroad(code: str | None) -> bool:
    return (code or DOMESTIC) != DOMESTIC


def country_name(code: str, locale: str) -> str:
    """美国 / United States; an unknown code as it is."""
    return Locale.parse(locale).territories.get(code, code)
