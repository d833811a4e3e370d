"""Which service a topic goes to. Unknown topics are answered 200 and write nothing: a platform may send
topics ShopCS does not subscribe to, and an error would only make it retry."""
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from ..actor import Actor
from ..orders.handling import ShippingNotice
from ..orders.refunds import ApprovalLimits
from . import shopify, woocommerce
from .deliveries import Delivery, PlatformRefund, apply_order, apply_refund, record
from .fulfillments import apply_fulfillment
from .mapping import object_id

SHOPIFY = Actor.webhook("Shopify")


@dataclass(frozen=True)
class ShipmentSettings:
    zone: str  # the shop's zone: a shipment's local ship date, the time in an order's note to shipping
    notify: ShippingNotice | None  # queues the buyer's notice of a shipment the platform reports; None: no notice
WOOCOMMERCE = Actor.webhook("WooCommerce")


def shopify_delivery(delivery: Delivery, payload: dict, now: datetime, limits: ApprovalLimits, shipping: ShipmentSettings) -> str:
    if delivery.topic in shopify.ORDER_TOPICS:
        return apply_order(delivery, shopify.order_no(payload), object_id(payload),
                           partial(shopify.order_payload, payload), SHOPIFY, now, shipping.zone, shopify.updated_at(payload))
    if delivery.topic == shopify.REFUND_TOPIC:
        facts = shopify.refund_facts(payload)
        refund = PlatformRefund(key=f"shopify-refund-{facts.refund_id}", object_id=facts.order_id, amount=facts.amount,
                                currency=facts.currency, note=f"Shopify refund {facts.refund_id}. {facts.note}".strip(),
                                requested_at=facts.created_at, completed_at=facts.processed_at)
        return apply_refund(delivery, refund, SHOPIFY, now, limits)
    if delivery.topic in shopify.FULFILLMENT_TOPICS:
        return apply_fulfillment(delivery, shopify.fulfillment_facts(payload), SHOPIFY, now, shipping.zone, shipping.notify)
    return "ignored"


def woocommerce_delivery(delivery: Delivery, payload: dict, now: datetime, zone: str) -> str:
    if delivery.topic in woocommerce.ORDER_TOPICS:
        return apply_order(delivery, woocommerce.order_no(payload), object_id(payload),
                           lambda _known_paid_at: woocommerce.order_payload(payload), WOOCOMMERCE, now, zone,
                           woocommerce.modified_at(payload))
    if delivery.topic == "order.deleted":  # ShopCS keeps its orders: the deletion is noted, nothing removed
        return record(delivery, now, "ignored")
    return "ignored"
