"""Orders and refunds as the API shows them: money as strings with the currency's decimals, times as aware UTC ISO strings."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ..apischema.shapes import out_int, out_money, out_obj, out_text, out_time
from ..currency import amount_str
from ..timeutil import UTC
from .domain import STATUSES
from .models import Order, Refund, Shipment
from .refund_service import refunded_total
from .refunds import REASONS, STATES
from .shipping import CARRIERS, FLAGS, SOURCES


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def refund_json(refund: Refund, order_no: str, currency: str) -> dict:
    return {
        "id": refund.id, "order_no": order_no, "amount": amount_str(refund.amount, currency), "currency": currency,
        "reason": refund.reason,
        "with_return": refund.with_return, "status": refund.status, "note": refund.note,
        "requested_at": iso(refund.requested_at), "approved_at": iso(refund.approved_at),
        "rejected_at": iso(refund.rejected_at), "completed_at": iso(refund.completed_at),
    }


def shipment_json(shipment: Shipment) -> dict:
    return {
        "id": shipment.id, "carrier": shipment.carrier, "carrier_name": shipment.carrier_name,
        "tracking_no": shipment.tracking_no, "shipped_on": iso(shipment.shipped_on), "shipped_at": iso(shipment.shipped_at),
        "source": shipment.source, "shipment_status": shipment.shipment_status, "flagged": shipment.flagged,
        "flag_reasons": [code for code in (shipment.flag_reason or "").split(",") if code],
        "created_at": iso(shipment.created_at),
    }


def order_json(order: Order) -> dict:
    customer, currency = order.customer, order.currency
    return {
        "order_no": order.order_no,
        "status": order.status,
        "placed_at": iso(order.placed_at),
        "paid_at": iso(order.paid_at),
        "customer": {"external_id": customer.external_id, "name": customer.name, "phone": customer.phone,
                     "email": customer.email},
        "shipping_address": {"recipient": order.recipient, "phone": order.phone, "country": order.country,
                             "province": order.province, "city": order.city, "district": order.district,
                             "detail": order.detail, "address_line2": order.address_line2,
                             "postal_code": order.postal_code},
        "phone_valid": order.phone_valid,
        "items": [{"sku": i.sku, "title": i.title, "quantity": i.quantity, "unit_price": amount_str(i.unit_price, currency)}
                  for i in order.items],
        "items_total": amount_str(order.items_total, currency),
        "shipping_fee": amount_str(order.shipping_fee, currency),
        "discount": amount_str(order.discount, currency),
        "total": amount_str(order.total, currency),
        "currency": currency,
        "refunded_total": amount_str(refunded_total(order), currency),
        "address_confirmed_at": iso(order.address_confirmed_at),
        "promised_ship_date": iso(order.promised_ship_date),
        "shipments": [shipment_json(s) for s in order.shipments],
        "refunds": [refund_json(r, order.order_no, currency) for r in order.refunds],
        "created_at": iso(order.created_at),
        "updated_at": iso(order.updated_at),
    }


# What the functions above write, for the API description (a test checks real answers against these).
REFUND_OUT = out_obj({
    "id": out_int(), "order_no": out_text(), "amount": out_money(), "currency": out_text(),
    "reason": {"type": "string", "enum": list(REASONS)},
    "with_return": {"type": "boolean"},
    "status": {"type": "string", "enum": list(STATES)},
    "note": out_text(), "requested_at": out_time(nullable=False), "approved_at": out_time(), "rejected_at": out_time(),
    "completed_at": out_time(),
})
SHIPMENT_OUT = out_obj({
    "id": out_int(), "carrier": {"type": "string", "enum": list(CARRIERS)},
    "carrier_name": out_text(nullable=True, description=_l("The carrier as the platform named it (null from the ship form).")),
    "tracking_no": out_text(), "shipped_on": {"type": "string", "format": "date"},
    "shipped_at": out_time(description=_l("The platform's ship time (null from the ship form).")),
    "source": {"type": "string", "enum": list(SOURCES)}, "shipment_status": out_text(nullable=True),
    "flagged": {"type": "boolean"},
    "flag_reasons": {"type": "array", "items": {"type": "string", "enum": list(FLAGS)},
                     "description": _l("Why the shipment needs a look; empty once an agent cleared it.")},
    "created_at": out_time(nullable=False),
})
ORDER_OUT = out_obj({
    "order_no": out_text(), "status": {"type": "string", "enum": list(STATUSES)},
    "placed_at": out_time(nullable=False), "paid_at": out_time(),
    "customer": out_obj({name: out_text() for name in ("external_id", "name", "phone", "email")}),
    "shipping_address": out_obj({name: out_text() for name in ("recipient", "phone", "country", "province", "city",
                                                                "district", "detail", "address_line2", "postal_code")}),
    "phone_valid": {"type": "boolean"},
    "items": {"type": "array", "items": out_obj({"sku": out_text(), "title": out_text(), "quantity": out_int(),
                                                 "unit_price": out_money()})},
    "items_total": out_money(), "shipping_fee": out_money(), "discount": out_money(), "total": out_money(),
    "currency": out_text(), "refunded_total": out_money(), "address_confirmed_at": out_time(),
    "promised_ship_date": {"type": ["string", "null"], "format": "date"},
    "shipments": {"type": "array", "items": SHIPMENT_OUT},
    "refunds": {"type": "array", "items": REFUND_OUT},
    "created_at": out_time(nullable=False), "updated_at": out_time(nullable=False),
})
