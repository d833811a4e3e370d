"""A signed order delivery replayed under a new delivery id, or arriving late, must not roll the order back: the
platform's own update time (Shopify updated_at, WooCommerce date_modified_gmt) older than the one applied is stale
for every field. Through the real endpoints, signed, on both databases."""
import json
from datetime import datetime, timezone

import pytest

from shopcs.actor import Actor
from shopcs.errors import Conflict
from shopcs.orders.ingest import ingest_order
from shopcs.orders.models import Order
from shopcs.orders.schemas import validate_order
from shopcs.webhooks import shopify

from ..builders import NOW
from ..webhook_builders import SECRETS, counts, deliveries, fixture_bytes, order, post_shopify, post_woocommerce

SHOPIFY_NO, WOO_NO = "SHOPIFY-1234", "WOO-727"
SHOPIFY_LATER = "2022-01-01T09:00:00-05:00"  # the fixture orders_create says 2021-12-31T19:00:00-05:00
WOO_LATER = "2017-03-23T08:00:00"  # the fixture order_created says 2017-03-22T19:28:08 (GMT)


@pytest.fixture
def app_config():
    return dict(SECRETS)


def body(platform: str, name: str, **changes) -> bytes:
    data = json.loads(fixture_bytes(platform, name))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


def state(order_no: str) -> dict:
    """Everything the order and its buyer hold, but the lock counter (every write takes the lock)."""
    found = order(order_no)
    columns = {c.key: getattr(found, c.key) for c in Order.__table__.columns if c.key != "lock_version"}
    return {**columns, "items": [(i.sku, i.title, i.quantity, i.unit_price) for i in found.items],
            "customer": (found.customer.name, found.customer.phone, found.customer.email)}


def shopify_lines(first_quantity: int) -> list:
    lines = json.loads(fixture_bytes("shopify", "orders_create"))["line_items"]
    return [{**lines[0], "quantity": first_quantity}, *lines[1:]]


SHOPIFY_CHANGES = {
    "address": dict(shipping_address={"address1": "9 New Road", "city": "Newtown", "zip": "40010"}),
    "phone": dict(shipping_address={"phone": "13800138000"}),
    "items": dict(line_items=shopify_lines(2), total_price="449.96"),
    "buyer": dict(customer={"first_name": "Jon", "email": "jon.smith@example.com"}),
}


@pytest.mark.parametrize("change", list(SHOPIFY_CHANGES))
def test_a_replayed_older_shopify_order_is_stale_for_every_field(client, change):
    first = fixture_bytes("shopify", "orders_create")
    assert post_shopify(client, "orders/create", first, "wh-1").get_json() == {"outcome": "created"}
    created = state(SHOPIFY_NO)
    later = body("shopify", "orders_create", updated_at=SHOPIFY_LATER, **SHOPIFY_CHANGES[change])
    assert post_shopify(client, "orders/updated", later, "wh-2").get_json() == {"outcome": "updated"}
    updated, before = state(SHOPIFY_NO), counts()
    assert updated != created

    replay = post_shopify(client, "orders/updated", first, "wh-3")  # the captured first body, a new webhook id

    assert replay.status_code == 200 and replay.get_json() == {"outcome": "stale"}
    assert state(SHOPIFY_NO) == updated
    assert updated["platform_updated_at"] == datetime(2022, 1, 1, 14, 0, tzinfo=timezone.utc)
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}
    assert deliveries()[-1] == ("shopify", "wh-3", "stale")


def woo_lines(first_quantity: int, first_subtotal: str) -> list:
    lines = json.loads(fixture_bytes("woocommerce", "order_created"))["line_items"]
    return [{**lines[0], "quantity": first_quantity, "subtotal": first_subtotal, "total": first_subtotal}, *lines[1:]]


WOO_CHANGES = {
    "address": dict(shipping={"address_1": "1 Mission St", "postcode": "94105"}),
    "phone": dict(billing={"phone": "13800138000"}),
    "items": dict(line_items=woo_lines(3, "9.00"), total="32.35"),
    "buyer": dict(billing={"first_name": "Jane", "email": "jane.doe@example.com"}),
}


@pytest.mark.parametrize("change", list(WOO_CHANGES))
def test_a_replayed_older_woocommerce_order_is_stale_for_every_field(client, change):
    first = fixture_bytes("woocommerce", "order_created")
    assert post_woocommerce(client, "order.created", first, "d-1").get_json() == {"outcome": "created"}
    created = state(WOO_NO)
    later = body("woocommerce", "order_created", date_modified_gmt=WOO_LATER, **WOO_CHANGES[change])
    assert post_woocommerce(client, "order.updated", later, "d-2").get_json() == {"outcome": "updated"}
    updated, before = state(WOO_NO), counts()
    assert updated != created

    replay = post_woocommerce(client, "order.updated", first, "d-3")

    assert replay.status_code == 200 and replay.get_json() == {"outcome": "stale"}
    assert state(WOO_NO) == updated
    assert updated["platform_updated_at"] == datetime(2017, 3, 23, 8, 0, tzinfo=timezone.utc)  # GMT, not local
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}
    assert deliveries()[-1] == ("woocommerce", "d-3", "stale")


def test_the_same_version_under_a_new_id_is_applied_and_changes_nothing(client):
    first = fixture_bytes("shopify", "orders_create")
    post_shopify(client, "orders/create", first, "wh-1")
    woo = fixture_bytes("woocommerce", "order_created")
    post_woocommerce(client, "order.created", woo, "d-1")
    before, states = counts(), (state(SHOPIFY_NO), state(WOO_NO))

    again = post_shopify(client, "orders/updated", first, "wh-2")
    woo_again = post_woocommerce(client, "order.updated", woo, "d-2")

    assert again.get_json() == woo_again.get_json() == {"outcome": "updated"}
    assert (state(SHOPIFY_NO), state(WOO_NO)) == states
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 2}  # no audit entry either


@pytest.mark.parametrize("missing", [None, "not a time"])
def test_a_delivery_without_a_readable_time_is_applied_as_before_and_keeps_the_stored_time(client, missing):
    first = fixture_bytes("shopify", "orders_create")
    post_shopify(client, "orders/create", first, "wh-1")
    later = body("shopify", "orders_create", updated_at=SHOPIFY_LATER, shipping_address={"address1": "9 New Road"})
    post_shopify(client, "orders/updated", later, "wh-2")
    timeless = body("shopify", "orders_create", updated_at=missing)

    response = post_shopify(client, "orders/updated", timeless, "wh-3")

    found = order(SHOPIFY_NO)
    assert response.get_json() == {"outcome": "updated"}
    assert found.detail == "123 Shipping Street"  # what the platform sent, as before this rule
    assert found.platform_updated_at == datetime(2022, 1, 1, 14, 0, tzinfo=timezone.utc)
    assert post_shopify(client, "orders/updated", first, "wh-4").get_json() == {"outcome": "stale"}


def test_an_order_first_received_without_a_time_takes_the_first_time_sent(client):
    post_shopify(client, "orders/create", body("shopify", "orders_create", updated_at=None), "wh-1")
    assert order(SHOPIFY_NO).platform_updated_at is None

    later = body("shopify", "orders_create", updated_at=SHOPIFY_LATER, shipping_address={"address1": "9 New Road"})
    assert post_shopify(client, "orders/updated", later, "wh-2").get_json() == {"outcome": "updated"}

    found = order(SHOPIFY_NO)
    assert (found.detail, found.platform_updated_at) == ("9 New Road", datetime(2022, 1, 1, 14, 0, tzinfo=timezone.utc))


def test_ingest_refuses_an_older_version_under_the_order_lock_and_writes_nothing(client):
    """The check apply_order makes before ingesting is made again under the lock: of two concurrent deliveries,
    the older one that passed the first check still changes nothing (409, the platform retries, then it is stale)."""
    later = body("shopify", "orders_create", updated_at=SHOPIFY_LATER, shipping_address={"address1": "9 New Road"})
    post_shopify(client, "orders/create", later, "wh-1")
    before, kept = counts(), state(SHOPIFY_NO)
    older = json.loads(fixture_bytes("shopify", "orders_create"))

    with pytest.raises(Conflict):
        ingest_order(validate_order(SHOPIFY_NO, shopify.order_payload(older)), Actor.webhook("Shopify"), NOW,
                     "Asia/Shanghai", shopify.updated_at(older))

    assert counts() == before and state(SHOPIFY_NO) == kept
