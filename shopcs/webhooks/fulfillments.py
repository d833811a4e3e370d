"""Shopify's fulfilments as shipments: once per fulfilment, through the same intake as the shipments API.

A fulfilment with a tracking number becomes a shipment (its update, a new number or shipment status, changes that
shipment); one without a number is noted; a cancelled one flags the shipment it made. Like a refund, the shipment
commits first and the delivery row after it: a retry after a failure in between finds the shipment unchanged.
"""
from datetime import datetime

from sqlalchemy import select

from ..actor import Actor
from ..errors import Conflict, Invalid
from ..extensions import db
from ..orders.handling import ShippingNotice
from ..orders.models import Order
from ..orders.shipment_intake import PlatformShipment, flag_shipment, take_shipment
from ..orders.shipping import CANCELLED, SEVERAL_NUMBERS
from .deliveries import Delivery, _accepted, _claim, _earlier, order_no_for
from .shopify import ShopifyFulfillment

SOURCE = "shopify"
OUTCOMES = {"created": "shipped", "updated": "shipment_updated", "unchanged": "ignored"}


def _order_no(facts: ShopifyFulfillment) -> str:
    """The order an earlier order delivery named with this Shopify id, else the one the fulfilment's name gives."""
    order_no = order_no_for(SOURCE, facts.order_id)
    if order_no is None and facts.order_name:
        by_name = f"SHOPIFY-{facts.order_name}"
        order_no = db.session.scalar(select(Order.order_no).where(Order.order_no == by_name))
    if order_no is None:
        raise Invalid("No order with this id has reached ShopCS yet; the fulfilment can be taken once it has.",
                      {"order_id": "no order with this id has been received"})
    return order_no


def _apply(facts: ShopifyFulfillment, order_no: str, actor: Actor, now: datetime, zone: str,
           notify: ShippingNotice | None) -> str:
    if facts.failed:
        return "shipment_updated" if flag_shipment(SOURCE, facts.fulfillment_id, CANCELLED, actor, now) else "ignored"
    if not facts.tracking_numbers:
        return "ignored"
    data = PlatformShipment(carrier=facts.tracking_company or "Other", tracking_no=facts.tracking_numbers[0],
                            shipped_at=facts.created_at or now, source=SOURCE, external_id=facts.fulfillment_id,
                            shipment_status=facts.shipment_status,
                            extra_flags=(SEVERAL_NUMBERS,) if len(facts.tracking_numbers) > 1 else ())
    try:
        _shipment, outcome = take_shipment(order_no, data, actor, now, zone, notify)
    except Conflict as exc:  # a cancelled order, a number of another order: refused with the reason, listed
        raise Invalid(str(exc.message), exc.fields) from exc
    return OUTCOMES[outcome]


def apply_fulfillment(delivery: Delivery, facts: ShopifyFulfillment, actor: Actor, now: datetime, zone: str,
                      notify: ShippingNotice | None) -> str:
    earlier = _earlier(delivery)
    if _accepted(earlier):
        return "duplicate"
    order_no = _order_no(facts)
    outcome = _apply(facts, order_no, actor, now, zone, notify)
    if not _claim(delivery, now, outcome, earlier, facts.order_id, order_no):
        return "duplicate"
    db.session.commit()
    return outcome
