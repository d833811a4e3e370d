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
from ..errors import Invalid
from .domain import STATUSES, LineItem, expected_total

MAX_ITEMS = 500
MAX_QUANTITY = 100_000
ORDER_NO_MAX = 64
CURRENCIES = ("CNY",)
CUSTOMER_LIMITS = {"external_id": 100, "name": 100, "phone": 40, "email": 200}
ADDRESS_LIMITS = {"recipient": 100, "phone": 40, "province": 50, "city": 50, "district": 50, "detail": 300,
                  "postal_code": 20}
ADDRESS_REQUIRED = ("recipient", "province", "city", "detail")
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
    "shipping_address": obj(_texts(ADDRESS_LIMITS, ADDRESS_REQUIRED), required=ADDRESS_REQUIRED),
    "items": array(ITEM, 1, MAX_ITEMS, **{"x-messages": dict.fromkeys(("minItems", "maxItems"),
                                                                      f"must hold 1 to {MAX_ITEMS} items")}),
    "shipping_fee": money(nullable=True, default="0.00"),
    "discount": money(nullable=True, default="0.00"),
    "total": money(description=_l("Must equal the items + shipping fee − discount.")),
    "currency": choice(CURRENCIES, nullable=True, default="CNY", **{"x-message": "only CNY is accepted"}),
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
    currency: str = "CNY"


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


def _total_problem(values: dict, fields: dict) -> str | None:
    if any(path.split(".")[0] in ("items", "shipping_fee", "discount", "total") for path in fields):
        return None
    expected = expected_total(_line_items(values["items"]), values["shipping_fee"], values["discount"])
    return None if expected == values["total"] else f"must equal items + shipping fee − discount = {expected:.2f}"


def _line_items(items: list[dict]) -> list[LineItem]:
    return [LineItem(sku=i["sku"], title=i["title"], quantity=i["quantity"], unit_price=i["unit_price"]) for i in items]


def _rule_problems(data: dict, values: dict, fields: dict) -> dict:
    """The rules JSON Schema does not say: the order number, the paid time against the status, the sum."""
    status = values["status"] if "status" not in fields else None
    found = {"order_no": order_no_problem(values["order_no"]), "paid_at": _paid_at_problem(data, status),
             "total": _total_problem(values, fields)}
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
