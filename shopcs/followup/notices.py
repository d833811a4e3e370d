"""The buyer's shipping notice, queued in the outbox once per shipment. The orders' shipment writers are handed
`shipping_notices(channel)` (orders.handling.ShippingNotice) by their callers: the orders sit below the follow-up."""
from datetime import datetime
from functools import partial

from ..notify.outbox import enqueue
from ..orders.handling import ShippingNotice
from ..orders.models import Order, Shipment
from ..orders.shipping import CARRIERS
from .settings import load_settings
from .texts import shipping_notice


def shipping_notices(outbox_channel: str) -> ShippingNotice:
    """What a shipment writer is handed: the buyer's notice, queued on the shop's channel (`outbox_channel`)."""
    return partial(queue_shipping_notice, outbox_channel=outbox_channel)


def queue_shipping_notice(order: Order, shipment: Shipment, now: datetime, *, outbox_channel: str) -> None:
    """The buyer's notice, once per shipment; a carrier we do not know is named as the platform named it."""
    if shipment.carrier == "OTHER" and shipment.carrier_name:
        names = (shipment.carrier_name, shipment.carrier_name)
    else:
        names = (CARRIERS[shipment.carrier].name_zh, CARRIERS[shipment.carrier].name_en)
    settings = load_settings()
    body = shipping_notice(buyer_name=order.customer.name, order_no=order.order_no, shipped_on=shipment.shipped_on,
                           carrier=names, tracking_no=shipment.tracking_no,
                           locale=settings.locale, shop_name=settings.shop_name_for(settings.locale))
    enqueue(kind="shipping_notice", dedupe_key=f"shipping_notice:{shipment.id}", body=body, now=now,
            customer_id=order.customer_id, order_id=order.id, channel=outbox_channel)
