"""The buyer's shipping notice, queued in the outbox once per shipment. The orders' shipment writers are handed
`queue_shipping_notice` (orders.handling.ShippingNotice) by their callers: the orders sit below the follow-up."""
from datetime import datetime

from ..notify.outbox import enqueue
from ..orders.models import Order, Shipment
from ..orders.shipping import CARRIERS
from .settings import load_settings
from .texts import shipping_notice


def queue_shipping_notice(order: Order, shipment: Shipment, now: datetime) -> None:
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
            customer_id=order.customer_id, order_id=order.id)
