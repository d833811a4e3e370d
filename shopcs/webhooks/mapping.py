"""Helpers both platform mappings share: tolerant reads of platform JSON, names, the tax line. Pure.

A mapping builds the order API's payload dict and leaves judging it to orders.schemas.validate_order:
a wrong type here becomes a field error there, with the order API's field paths.
"""
from datetime import datetime
from decimal import Decimal

from ..countries import DOMESTIC
from ..errors import Invalid
from ..money import MoneyError, parse_money
from ..timeutil import TimeError, parse_aware

TAX_SKU = "TAX"  # the platforms add tax on top of the prices; ShopCS orders have no tax field, so it is a line


def text(value) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def joined(*parts) -> str:
    return " ".join(t for t in (text(p) for p in parts) if t)


def obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def rows(value) -> list:
    return value if isinstance(value, list) else []


def whole(value) -> int | None:
    """A JSON whole number (true and false are not), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def object_id(payload: dict) -> str | None:
    """The platform's id of the object a payload is about (an order, a refund), as text."""
    value = whole(payload.get("id"))
    return None if value is None else str(value)


def positive(value) -> bool:
    """Whether an amount is above zero; an unreadable one counts, so that the validator names it."""
    parsed = amount(value)
    return value is not None if parsed is None else parsed > 0


def tax_line(value) -> dict:
    return {"sku": TAX_SKU, "title": "Tax", "quantity": 1, "unit_price": value}


def address_lines(country, region, city, line1, line2, postal_code) -> dict:
    """A platform's address as ours. Abroad: the two lines, the state or region (a code such as "NY" or "NSW" as the
    platform gives it), the city and postal code as they come. In China (the country, or none given): the province,
    city and one street line, as a Chinese address is written. A country code the platform leaves empty is CN."""
    code = text(country).upper() or DOMESTIC
    if code == DOMESTIC:
        return {"country": code, "province": text(region), "city": text(city), "district": "",
                "detail": joined(line1, line2), "address_line2": "", "postal_code": text(postal_code)}
    return {"country": code, "province": text(region), "city": text(city), "district": "", "detail": text(line1),
            "address_line2": text(line2), "postal_code": text(postal_code)}


def unmappable(platform: str, fields: dict) -> Invalid:
    return Invalid(f"The {platform} payload cannot be mapped onto an order.", fields)


def amount(value) -> Decimal | None:
    """Decimal for arithmetic on a platform amount, or None when it is not one (the validator will say why)."""
    try:
        return parse_money(value)
    except MoneyError:
        return None


def time_or_none(value) -> datetime | None:
    """A platform time with an offset as aware UTC; None when missing or unreadable (it then decides nothing)."""
    try:
        return parse_aware(value) if value else None
    except (TimeError, OverflowError):
        return None
