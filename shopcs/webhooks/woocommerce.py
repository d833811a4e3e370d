"""WooCommerce's REST API v3 order JSON (the order.* webhooks) as the order API's payload. Pure.

Order numbers are WOO-<number> and buyers woocommerce-<customer_id> (guests: woocommerce-guest-<order id>).
WooCommerce's *_gmt times carry no offset but are UTC. See tests/fixtures/woocommerce/README.md.
"""
import html
from datetime import datetime

from ..money import CENT
from .mapping import address_lines, amount, joined, obj, positive, rows, tax_line, text, time_or_none, unmappable, whole

ORDER_TOPICS = ("order.created", "order.updated", "order.restored")
_UNPAID = ("pending", "on-hold", "failed", "checkout-draft")
_PAID_STATUSES = ("paid", "shipped", "completed")


def woocommerce_status(status, paid: bool) -> str:
    """Ours from WooCommerce's. A failed payment stays unpaid (the buyer may pay again); a cancelled order that
    was paid is closed; processing is paid, completed is completed (WooCommerce has no shipped state)."""
    if status in _UNPAID:
        return "unpaid"
    if status == "processing":
        return "paid"
    if status == "completed":
        return "completed"
    if status == "cancelled":
        return "closed" if paid else "cancelled"
    if status == "refunded":
        return "closed"
    raise unmappable("WooCommerce", {"status": f"unknown value {status!r}"})


def utc_text(value):
    """WooCommerce's naive GMT time with its offset written out; anything else is left for the validator."""
    if isinstance(value, str) and value and "+" not in value[10:] and not value.endswith("Z") and "-" not in value[10:]:
        return value + "+00:00"
    return value


def modified_at(order: dict) -> datetime | None:
    """WooCommerce's own time of this version of the order (date_modified_gmt): a replayed older one is stale."""
    return time_or_none(utc_text(order.get("date_modified_gmt")))


def order_no(order: dict) -> str:
    number = text(order.get("number")) or text(order.get("id"))
    if not number:
        raise unmappable("WooCommerce", {"number": "is required"})
    return f"WOO-{number}"


def _customer(order: dict) -> dict:
    billing, customer_id = obj(order.get("billing")), whole(order.get("customer_id"))
    if customer_id is not None and customer_id > 0:
        external_id = f"woocommerce-{customer_id}"
    else:
        external_id = f"woocommerce-guest-{text(order.get('id'))}"
    return {"external_id": external_id, "name": joined(billing.get("first_name"), billing.get("last_name")),
            "phone": text(billing.get("phone")), "email": text(billing.get("email"))}


def _address(order: dict) -> dict:
    """The shipping address; an order with none (virtual goods) is reached at the billing address."""
    billing, shipping = obj(order.get("billing")), obj(order.get("shipping"))
    address = shipping if text(shipping.get("address_1")) else billing
    return {"recipient": joined(address.get("first_name"), address.get("last_name")),
            "phone": text(address.get("phone") or billing.get("phone")), **address_lines(
                address.get("country"), address.get("state"), address.get("city"), address.get("address_1"),
                address.get("address_2"), address.get("postcode"))}


def _unit_price(line: dict):
    """WooCommerce gives the line's subtotal before coupons (its `price` is a float); the unit is that ÷ quantity."""
    subtotal, quantity = amount(line.get("subtotal")), whole(line.get("quantity"))
    if subtotal is None or quantity is None or quantity < 1:
        return line.get("subtotal")
    unit = subtotal / quantity
    return str(unit.quantize(CENT)) if unit == unit.quantize(CENT) else str(unit.normalize())


def _items(order: dict) -> list | None:
    items = []
    for line in (obj(raw) for raw in rows(order.get("line_items"))):
        sku = text(line.get("sku")) or f"woocommerce-product-{text(line.get('variation_id') or line.get('product_id'))}"
        items.append({"sku": sku, "title": html.unescape(text(line.get("name"))), "quantity": line.get("quantity"),
                      "unit_price": _unit_price(line)})
    for fee in (obj(raw) for raw in rows(order.get("fee_lines"))):
        items.append({"sku": f"woocommerce-fee-{text(fee.get('id'))}", "title": html.unescape(text(fee.get("name"))), "quantity": 1,
                      "unit_price": fee.get("total")})
    if items and positive(order.get("total_tax")):  # WooCommerce line totals never include tax
        items.append(tax_line(order.get("total_tax")))
    return items or None


def order_payload(order: dict) -> dict:
    paid_at = order.get("date_paid_gmt")
    status = woocommerce_status(order.get("status"), bool(paid_at))
    if status in _PAID_STATUSES or status == "closed":
        paid_at = paid_at or order.get("date_completed_gmt") or order.get("date_modified_gmt")
    else:
        paid_at = None
    return {
        "status": status, "placed_at": utc_text(order.get("date_created_gmt")), "paid_at": utc_text(paid_at),
        "customer": _customer(order), "shipping_address": _address(order), "items": _items(order),
        "shipping_fee": order.get("shipping_total"), "discount": order.get("discount_total"),
        "total": order.get("total"), "currency": order.get("currency"),
    }

