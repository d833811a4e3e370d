"""An erased buyer's orders when the platform sends them again (shopcs.privacy erases; this keeps it erased).

The platform re-sends a whole order on every change (a Shopify orders/updated, an API PUT, a re-imported export), name,
phone and address included. For an order whose buyer was erased, ShopCS takes what the order is (status, money, items,
dates) and leaves who it was for erased: the buyer stays the erased customer and the address stays empty, so neither
the order nor its audit entry stores them again. A new order from the same buyer is new data the buyer gave again:
its external id no longer names the erased customer (that one's is a pseudonym), so it gets a customer of its own.
"""
from .models import Order

# the order's fields that say who and where the buyer is; the country stays, as the currency and the carriers do
PERSONAL_FIELDS = ("recipient", "phone", "province", "city", "district", "detail", "address_line2", "postal_code")


def is_erased(order: Order | None) -> bool:
    return order is not None and order.customer.erased_at is not None


def keep_erased(order: Order | None, values: dict) -> dict:
    """The order's new values (ingest's), with its buyer and its personal fields as they are when its buyer was
    erased; unchanged for any other order."""
    if not is_erased(order):
        return values
    kept = {name: getattr(order, name) for name in (*PERSONAL_FIELDS, "customer_id", "phone_valid")}
    return {**values, **kept}
