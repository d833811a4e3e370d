"""Validate an order payload (API JSON or a CSV group) into an OrderInput, or Invalid with dotted field paths.

Pure: no database, no clock. Everything is checked before anything is written, so a bad payload
changes nothing. String limits match the model columns.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..errors import Invalid
from ..money import MoneyError, parse_money
from ..timeutil import TimeError, parse_aware
from .domain import STATUSES, LineItem, expected_total

MAX_ITEMS = 500
MAX_QUANTITY = 100_000
CURRENCIES = ("CNY",)
CUSTOMER_LIMITS = {"external_id": 100, "name": 100, "phone": 40, "email": 200}
ADDRESS_LIMITS = {"recipient": 100, "phone": 40, "province": 50, "city": 50, "district": 50, "detail": 300,
                  "postal_code": 20}
ADDRESS_REQUIRED = ("recipient", "province", "city", "detail")
ITEM_LIMITS = {"sku": 64, "title": 200}
PAID_STATUSES = ("paid", "shipped", "completed")


@dataclass(frozen=True)
class OrderInput:
    order_no: str
    status: str
    placed_at: datetime
    paid_at: datetime | None
    customer: dict
    address: dict
    items: list[LineItem]
    shipping_fee: Decimal
    discount: Decimal
    total: Decimal
    currency: str = "CNY"


@dataclass
class _Errors:
    fields: dict = field(default_factory=dict)

    def add(self, path: str, reason: str) -> None:
        self.fields.setdefault(path, reason)


def text_problem(value, limit: int, required: bool = False) -> str | None:
    """Why this value is not an acceptable text, or None. Stored verbatim apart from outer spaces."""
    if value is None:
        return "is required" if required else None
    if not isinstance(value, str):
        return "must be a string"
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text"
    if required and not value.strip():
        return "is required"
    if len(value.strip()) > limit:
        return f"must be at most {limit} characters"
    return None


def order_no_problem(order_no) -> str | None:
    problem = text_problem(order_no, 64, required=True)
    if problem is None and order_no != order_no.strip():
        return "must not start or end with spaces"
    return problem


def _text(errors: _Errors, source: dict, name: str, limit: int, path: str, required: bool = False) -> str:
    value = source.get(name)
    problem = text_problem(value, limit, required)
    if problem:
        errors.add(path, problem)
        return ""
    return (value or "").strip()


def _money(errors: _Errors, value, path: str, default: str | None = None) -> Decimal | None:
    if value is None and default is not None:
        return Decimal(default)
    try:
        return parse_money(value)
    except MoneyError as exc:
        errors.add(path, "is required" if value is None else str(exc))
        return None


def _time(errors: _Errors, value, path: str) -> datetime | None:
    try:
        return parse_aware(value)
    except TimeError as exc:
        errors.add(path, "is required" if value is None else str(exc))
    except OverflowError:
        errors.add(path, "is out of range")
    return None


def _object(errors: _Errors, data: dict, name: str, limits: dict, required: tuple) -> dict:
    value = data.get(name)
    if not isinstance(value, dict):
        errors.add(name, "is required" if value is None else "must be an object")
        return {}
    return {key: _text(errors, value, key, limit, f"{name}.{key}", key in required) for key, limit in limits.items()}


def _items(errors: _Errors, value) -> list[LineItem] | None:
    if not isinstance(value, list):
        errors.add("items", "is required" if value is None else "must be a list")
        return None
    if not 1 <= len(value) <= MAX_ITEMS:
        errors.add("items", f"must hold 1 to {MAX_ITEMS} items")
        return None
    items, ok = [], True
    for index, raw in enumerate(value):
        path = f"items.{index}"
        if not isinstance(raw, dict):
            errors.add(path, "must be an object")
            ok = False
            continue
        before = len(errors.fields)
        sku = _text(errors, raw, "sku", ITEM_LIMITS["sku"], f"{path}.sku", required=True)
        title = _text(errors, raw, "title", ITEM_LIMITS["title"], f"{path}.title", required=True)
        quantity = raw.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            errors.add(f"{path}.quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
        price = _money(errors, raw.get("unit_price"), f"{path}.unit_price")
        if len(errors.fields) > before:
            ok = False
            continue
        items.append(LineItem(sku=sku, title=title, quantity=quantity, unit_price=price))
    return items if ok else None


def _paid_at(errors: _Errors, data: dict, status: str | None) -> datetime | None:
    raw = data.get("paid_at")
    if raw is None:
        if status in PAID_STATUSES:
            errors.add("paid_at", f"is required when the status is {status}")
        return None
    if status == "unpaid":
        errors.add("paid_at", "must be null while the order is unpaid")
        return None
    return _time(errors, raw, "paid_at")


def validate_order(order_no, data) -> OrderInput:
    """The payload as an OrderInput, or Invalid listing every problem found (not just the first)."""
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", {"": "must be an object"})
    errors = _Errors()
    problem = order_no_problem(order_no)
    if problem:
        errors.add("order_no", problem)
    status = data.get("status")
    if not isinstance(status, str) or status not in STATUSES:
        errors.add("status", f"must be one of {', '.join(STATUSES)}")
        status = None
    placed_at = _time(errors, data.get("placed_at"), "placed_at")
    paid_at = _paid_at(errors, data, status)
    customer = _object(errors, data, "customer", CUSTOMER_LIMITS, ("external_id",))
    address = _object(errors, data, "shipping_address", ADDRESS_LIMITS, ADDRESS_REQUIRED)
    items = _items(errors, data.get("items"))
    shipping_fee = _money(errors, data.get("shipping_fee"), "shipping_fee", default="0.00")
    discount = _money(errors, data.get("discount"), "discount", default="0.00")
    total = _money(errors, data.get("total"), "total")
    currency = data.get("currency", "CNY")
    if currency is None:
        currency = "CNY"
    if currency not in CURRENCIES:
        errors.add("currency", "only CNY is accepted")
    if None not in (items, shipping_fee, discount, total):
        expected = expected_total(items, shipping_fee, discount)
        if expected != total:
            errors.add("total", f"must equal items + shipping fee − discount = {expected:.2f}")
    if errors.fields:
        raise Invalid("The order has invalid fields.", errors.fields)
    return OrderInput(order_no=order_no, status=status, placed_at=placed_at, paid_at=paid_at,
                      customer=customer, address=address, items=items, shipping_fee=shipping_fee,
                      discount=discount, total=total, currency=currency)
