"""Shopify's REST webhook JSON (orders/*, refunds/create) as the order API's payload and refund facts. Pure.

Order numbers are SHOPIFY-<order_number> and buyers shopify-<customer id>, so that they never meet the
numbers of another platform. See tests/fixtures/shopify/README.md for the published examples.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .mapping import address_lines, amount, joined, obj, object_id, positive, rows, tax_line, text, time_or_none, unmappable, whole

ORDER_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
REFUND_TOPIC = "refunds/create"
_PAID = ("paid", "partially_refunded")
_UNPAID = ("pending", "authorized", "partially_paid", "expired")


def shopify_status(financial_status, fulfillment_status, cancelled_at, delivered: bool = False) -> str:
    """Ours from Shopify's money state, cancellation and fulfilment. Unknown money states raise Invalid.

    A paid order that is cancelled or fully refunded is closed (ours never goes paid → cancelled);
    "authorized" is not yet captured, so unpaid; a partly fulfilled order is still paid, not shipped;
    fulfilled is shipped, and completed only once every shipment reports delivered.
    """
    if financial_status == "refunded":
        return "closed"
    if cancelled_at:
        return "closed" if financial_status in _PAID else "cancelled"
    if financial_status == "voided":
        return "cancelled"
    if financial_status in _PAID:
        if fulfillment_status == "fulfilled":
            return "completed" if delivered else "shipped"
        return "paid"
    if financial_status in _UNPAID:
        return "unpaid"
    raise unmappable("Shopify", {"financial_status": f"unknown value {financial_status!r}"})


def order_no(order: dict) -> str:
    number = whole(order.get("order_number"))
    if number is None:
        raise unmappable("Shopify", {"order_number": "is required (a whole number)"})
    return f"SHOPIFY-{number}"


def _delivered(order: dict) -> bool:
    shipments = [obj(f) for f in rows(order.get("fulfillments"))]
    return bool(shipments) and all(f.get("shipment_status") == "delivered" for f in shipments)


def _customer(order: dict) -> dict:
    customer = obj(order.get("customer"))
    if isinstance(customer.get("id"), int):
        external_id = f"shopify-{customer['id']}"
    else:  # a guest checkout: the order is all we know of the buyer
        external_id = f"shopify-guest-{text(order.get('id'))}"
    return {"external_id": external_id, "name": joined(customer.get("first_name"), customer.get("last_name")),
            "phone": text(customer.get("phone") or order.get("phone")),
            "email": text(customer.get("email") or order.get("email"))}


def _address(order: dict) -> dict | None:
    """Shopify's address object as it comes: country_code, province (the state or region), city, zip and two lines."""
    address = obj(order.get("shipping_address"))
    if not address:
        return None
    return {"recipient": text(address.get("name")) or joined(address.get("first_name"), address.get("last_name")),
            "phone": text(address.get("phone")), **address_lines(
                address.get("country_code"), address.get("province"), address.get("city"), address.get("address1"),
                address.get("address2"), address.get("zip"))}


def _item(line: dict) -> dict:
    sku = text(line.get("sku"))
    if not sku:  # Shopify allows products without a SKU; the variant (or the line) still names them
        sku = f"shopify-variant-{line['variant_id']}" if line.get("variant_id") else f"shopify-line-{text(line.get('id'))}"
    return {"sku": sku, "title": text(line.get("name") or line.get("title")), "quantity": line.get("quantity"),
            "unit_price": line.get("price")}


def _shipping_fee(order: dict):
    total = obj(obj(order.get("total_shipping_price_set")).get("shop_money")).get("amount")
    if total is not None:
        return total
    fees = [amount(obj(line).get("price")) for line in rows(order.get("shipping_lines"))]
    return None if None in fees else str(sum(fees, Decimal("0.00")))


def order_payload(order: dict, known_paid_at: datetime | None = None) -> dict:
    """The order API's payload for an order webhook. The payment time is the update time of the first
    delivery that shows the order paid (Shopify's order JSON has none); once stored it is kept."""
    status = shopify_status(order.get("financial_status"), order.get("fulfillment_status"), order.get("cancelled_at"),
                            _delivered(order))
    items = [_item(obj(line)) for line in rows(order.get("line_items"))] or None
    if items and not order.get("taxes_included") and positive(order.get("total_tax")):
        items.append(tax_line(order.get("total_tax")))
    paid = order.get("financial_status") in (*_PAID, "refunded") and status != "cancelled"
    return {
        "status": status, "placed_at": order.get("created_at"),
        "paid_at": (known_paid_at.isoformat() if known_paid_at else order.get("updated_at")) if paid else None,
        "customer": _customer(order), "shipping_address": _address(order), "items": items,
        "shipping_fee": _shipping_fee(order), "discount": order.get("total_discounts"),
        "total": order.get("total_price"), "currency": order.get("currency"),
    }


def updated_at(order: dict) -> datetime | None:
    """Shopify's own time of this version of the order (ISO with offset): a replayed older one is stale."""
    return time_or_none(order.get("updated_at"))


@dataclass(frozen=True)
class ShopifyRefund:
    refund_id: str
    order_id: str
    amount: Decimal
    currency: str | None  # of its transactions; None when they do not say (the order's currency is then assumed)
    note: str
    created_at: datetime | None
    processed_at: datetime | None


def refund_facts(refund: dict) -> ShopifyRefund:
    """The money a refunds/create moved: its successful refund transactions, all in one currency. Invalid when
    unreadable; whether the currency is the order's is the delivery's check (deliveries.apply_refund)."""
    fields, total, currencies = {}, Decimal("0.00"), []
    for index, raw in enumerate(rows(refund.get("transactions"))):
        transaction = obj(raw)
        if transaction.get("kind") != "refund" or transaction.get("status") != "success":
            continue
        value, currency = amount(transaction.get("amount")), transaction.get("currency")
        if value is None:
            fields[f"transactions.{index}.amount"] = "must be an amount with at most three decimals"
        elif currencies and currency not in (None, currencies[0]):
            fields[f"transactions.{index}.currency"] = f"must be {currencies[0]}, like the refund's other transactions"
        else:
            total += value
            if currency is not None and not currencies:
                currencies.append(currency)
    refund_id, order_id = object_id(refund), whole(refund.get("order_id"))
    if refund_id is None:
        fields["id"] = "is required"
    if order_id is None:
        fields["order_id"] = "is required"
    if fields:
        raise unmappable("Shopify", fields)
    return ShopifyRefund(refund_id=refund_id, order_id=str(order_id), amount=total,
                         currency=currencies[0] if currencies else None, note=text(refund.get("note")),
                         created_at=time_or_none(refund.get("created_at")), processed_at=time_or_none(refund.get("processed_at")))


FULFILLMENT_TOPICS = ("fulfillments/create", "fulfillments/update")
_FAILED = ("cancelled", "error", "failure")  # a fulfilment in these states shipped nothing


@dataclass(frozen=True)
class ShopifyFulfillment:
    fulfillment_id: str
    order_id: str  # Shopify's order id
    order_name: str  # the order's number from the fulfilment's name ("#1234.1" → "1234"), "" when unreadable
    failed: bool
    tracking_company: str
    tracking_numbers: tuple[str, ...]
    shipment_status: str | None
    created_at: datetime | None


def fulfillment_facts(fulfillment: dict) -> ShopifyFulfillment:
    """What a fulfillments/* delivery says: which order, which parcel. Invalid without the ids."""
    fulfillment_id, order_id = object_id(fulfillment), whole(fulfillment.get("order_id"))
    fields = {name: "is required" for name, value in (("id", fulfillment_id), ("order_id", order_id)) if value is None}
    if fields:
        raise unmappable("Shopify", fields)
    numbers = [text(n) for n in rows(fulfillment.get("tracking_numbers")) if text(n)]
    first = text(fulfillment.get("tracking_number"))
    if first and first not in numbers:
        numbers.insert(0, first)
    name = text(fulfillment.get("name")).lstrip("#").rpartition(".")[0]
    return ShopifyFulfillment(
        fulfillment_id=fulfillment_id, order_id=str(order_id), order_name=name if name.isascii() and name.isdigit() else "",
        failed=fulfillment.get("status") in _FAILED, tracking_company=text(fulfillment.get("tracking_company")),
        tracking_numbers=tuple(numbers), shipment_status=text(fulfillment.get("shipment_status")) or None,
        created_at=time_or_none(fulfillment.get("created_at")))
