"""The order payload (API JSON or a CSV group): declared once as JSON Schema (ORDER_BODY), checked into an
OrderInput or Invalid with dotted field paths. The same declaration describes PUT /api/v1/orders/{order_no}.

Pure: no database, no clock. Everything is checked before anything is written, so a bad payload changes nothing.
String limits match the model columns. The structure is the schema's; the sums and the paid time are rules here.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..apischema.check import check
from ..apischema.parsers import code_problem, text_problem  # noqa: F401 - text_problem: imported from here elsewhere
from ..apischema.shapes import array, choice, money, obj, text, time, whole
from ..countries import DOMESTIC, country_problem
from ..currency import DEFAULT as DEFAULT_CURRENCY
from ..currency import amount_problem, currency_problem, in_currency
from ..errors import Invalid
from .domain import STATUSES, LineItem, expected_total

MAX_ITEMS = 500
MAX_QUANTITY = 100_000
ORDER_NO_MAX = 64
CUSTOMER_LIMITS = {"external_id": 100, "name": 100, "phone": 40, "email": 200}
ADDRESS_LIMITS = {"recipient": 100, "phone": 40, "province": 50, "city": 50, "district": 50, "detail": 300,
                  "address_line2": 300, "postal_code": 20}
ADDRESS_REQUIRED = ("recipient", "city", "detail")
DOMESTIC_REQUIRED = ("province",)  # abroad, many countries have no state or region
ITEM_LIMITS = {"sku": 64, "title": 200}
PAID_STATUSES = ("paid", "shipped", "completed")


def _texts(limits: dict, required: tuple) -> dict:
    return {name: text(limit, required=True) if name in required else text(limit, nullable=True, default="")
            for name, limit in limits.items()}


CUSTOMER = obj(_texts(CUSTOMER_LIMITS, ("external_id",)), required=("external_id",),
               description=_l("The buyer, by the platform's id; created or updated."))
ITEM = obj({**_texts(ITEM_LIMITS, tuple(ITEM_LIMITS)),
            "quantity": whole(1, MAX_QUANTITY, **{"x-message": f"must be a whole number from 1 to {MAX_QUANTITY}"}),
            "unit_price": money()}, required=("sku", "title", "quantity", "unit_price"))
ORDER_BODY = obj({
    "status": choice(STATUSES, **{"x-message": f"must be one of {', '.join(STATUSES)}"},
                     description=_l("Moves forward only: unpaid → paid → shipped → completed; unpaid → cancelled | closed.")),
    "placed_at": time(),
    "paid_at": time(nullable=True, description=_l("Required when paid, shipped or completed; null while unpaid.")),
    "customer": CUSTOMER,
    "shipping_address": obj({
        **_texts(ADDRESS_LIMITS, ADDRESS_REQUIRED),
        "country": text(2, nullable=True, default=DOMESTIC, description=_l(
            "ISO 3166-1 alpha-2, CN when absent. Abroad: province is the state or region (optional), detail and "
            "address_line2 the address lines, district unused.")),
    }, required=ADDRESS_REQUIRED),
    "items": array(ITEM, 1, MAX_ITEMS, **{"x-messages": dict.fromkeys(("minItems", "maxItems"),
                                                                      f"must hold 1 to {MAX_ITEMS} items")}),
    "shipping_fee": money(nullable=True, default="0.00"),
    "discount": money(nullable=True, default="0.00"),
    "total": money(description=_l("Must equal the items + shipping fee − discount.")),
    "currency": text(3, nullable=True, default=DEFAULT_CURRENCY, description=_l(
        "ISO 4217, CNY when absent. Every amount has at most the currency's decimals: none for JPY, 2 for USD, "
        "3 for KWD.")),
}, required=("status", "placed_at", "customer", "shipping_address", "items", "total"))
ORDER_NO = {"type": "string", "minLength": 1, "maxLength": ORDER_NO_MAX, "pattern": r"^[^\s/]([^/]*[^\s/])?$",
            "x-parse": "code", "examples": ["T100"]}


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
    currency: str = DEFAULT_CURRENCY


def order_no_problem(order_no) -> str | None:
    problem = code_problem(order_no, ORDER_NO_MAX)
    if problem is None and "/" in order_no:  # it is a path segment of the order's page and API URL
        return "must not contain /"
    return problem


def _paid_at_problem(raw: dict, status: str | None) -> str | None:
    if raw.get("paid_at") is None and status in PAID_STATUSES:
        return f"is required when the status is {status}"
    if raw.get("paid_at") is not None and status == "unpaid":
        return "must be null while the order is unpaid"
    return None


def _amount_paths(values: dict) -> dict:
    """Every amount of the order by its field path (those that could be read)."""
    items = values.get("items")
    found = {f"items.{index}.unit_price": item["unit_price"] for index, item in enumerate(items if isinstance(items, list) else ())
             if isinstance(item, dict) and isinstance(item.get("unit_price"), Decimal)}
    found.update({name: values[name] for name in ("shipping_fee", "discount", "total") if isinstance(values.get(name), Decimal)})
    return found


def _in_currency(values: dict, fields: dict) -> dict:
    """The currency's own rules: a currency orders are taken in, and amounts exact in it (JPY has no decimals).
    Amounts that fit are given exactly the currency's decimals."""
    currency = values.get("currency")
    if "currency" in fields:
        return {}
    if problem := currency_problem(currency):
        return {"currency": problem}
    problems = {path: problem for path, amount in _amount_paths(values).items()
                if path not in fields and (problem := amount_problem(amount, currency))}
    if not problems and not fields:
        for item in values["items"]:
            item["unit_price"] = in_currency(item["unit_price"], currency)
        for name in ("shipping_fee", "discount", "total"):
            values[name] = in_currency(values[name], currency)
    return problems


def _address_problems(data: dict, values: dict, fields: dict) -> dict:
    """The country, and the province a Chinese address needs (abroad it is the state or region, often none)."""
    address = values.get("shipping_address")
    if not isinstance(address, dict) or "shipping_address.country" in fields:
        return {}
    country = address.get("country")
    if problem := country_problem(country):
        return {"shipping_address.country": problem}
    if country == DOMESTIC:
        return {f"shipping_address.{name}": "is required" for name in DOMESTIC_REQUIRED
                if not address.get(name) and f"shipping_address.{name}" not in fields}
    return {}


def _total_problem(values: dict, fields: dict) -> str | None:
    if any(path.split(".")[0] in ("items", "shipping_fee", "discount", "total", "currency") for path in fields):
        return None
    expected = expected_total(_line_items(values["items"]), values["shipping_fee"], values["discount"])
    return None if expected == values["total"] else f"must equal items + shipping fee − discount = {expected}"


def _line_items(items: list[dict]) -> list[LineItem]:
    return [LineItem(sku=i["sku"], title=i["title"], quantity=i["quantity"], unit_price=i["unit_price"]) for i in items]


def _rule_problems(data: dict, values: dict, fields: dict) -> dict:
    """The rules JSON Schema does not say: the order number, the paid time against the status, the sum."""
    status = values["status"] if "status" not in fields else None
    found = {"order_no": order_no_problem(values["order_no"]), "paid_at": _paid_at_problem(data, status),
             **_address_problems(data, values, fields), **_in_currency(values, fields)}
    found["total"] = found.get("total") or _total_problem(values, {**fields, **{p: v for p, v in found.items() if v}})
    return {path: problem for path, problem in found.items() if problem}


def validate_order(order_no, data) -> OrderInput:
    """The payload as an OrderInput, or Invalid listing every problem found (not just the first)."""
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", {"": "must be an object"})
    values, fields = check(ORDER_BODY, data)
    values["order_no"] = order_no
    for path, problem in _rule_problems(data, values, fields).items():
        fields.setdefault(path, problem)
    if fields:
        raise Invalid("The order has invalid fields.", fields)
    return OrderInput(order_no=order_no, status=values["status"], placed_at=values["placed_at"],
                      paid_at=values["paid_at"], customer=values["customer"], address=values["shipping_address"],
                      items=_line_items(values["items"]), shipping_fee=values["shipping_fee"],
                      discount=values["discount"], total=values["total"], currency=values["currency"])
