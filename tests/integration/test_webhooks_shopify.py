"""POST /webhooks/shopify with Shopify's published example payloads (tests/fixtures/shopify), on both databases."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shopcs.audit.services import entries_for_order
from shopcs.orders.details import timeline
from shopcs.webhooks.verification import signature

from ..webhook_builders import SECRETS, counts, deliveries, edited, fixture_bytes, order, post_shopify, snapshot, with_refusal

ORDER_NO = "SHOPIFY-1234"
TOPICS = {"orders_create": "orders/create", "orders_paid": "orders/paid", "orders_updated": "orders/updated",
          "orders_cancelled": "orders/cancelled"}


@pytest.fixture
def app_config():
    return dict(SECRETS)


def send(client, name, webhook_id, topic=None, body=None):
    return post_shopify(client, topic or TOPICS.get(name, "refunds/create"), body or fixture_bytes("shopify", name),
                        webhook_id)


def test_orders_create_makes_an_unpaid_order_from_the_published_example(client):
    response = send(client, "orders_create", "wh-1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order(ORDER_NO)
    assert (found.status, found.paid_at, found.total, found.shipping_fee, found.discount) == (
        "unpaid", None, Decimal("359.97"), Decimal("10.00"), Decimal("20.00"))
    assert found.placed_at == datetime(2022, 1, 1, 0, 0, tzinfo=timezone.utc)  # 2021-12-31T19:00:00-05:00
    assert [(i.sku, i.quantity, i.unit_price) for i in found.items] == [
        ("SKU2006-001", 1, Decimal("89.99")), ("SKU2006-020", 1, Decimal("159.99")), ("SKU2006-035", 1, Decimal("119.99"))]
    assert (found.customer.external_id, found.customer.name) == ("shopify-115310627314723954", "John Smith")
    assert (found.recipient, found.city, found.detail) == ("Steve Shipper", "Shippington", "123 Shipping Street")
    assert deliveries() == [("shopify", "wh-1", "created")]


def test_the_timeline_says_the_order_came_from_the_shopify_webhook(client):
    send(client, "orders_create", "wh-1")
    send(client, "orders_paid", "wh-2")

    found = order(ORDER_NO)
    assert {e.actor for e in entries_for_order(found.id)} == {"webhook:Shopify webhook"}
    assert [(e.actor, e.action) for e in timeline(found, "Asia/Shanghai") if e.actor] == [
        ("webhook:Shopify webhook", "order.created"), ("webhook:Shopify webhook", "order.status"),
        ("webhook:Shopify webhook", "order.updated")]


@pytest.mark.parametrize("name", list(TOPICS))
def test_a_replayed_delivery_is_answered_and_changes_nothing(client, name):
    first = send(client, name, "wh-same")
    before, state = counts(), snapshot(ORDER_NO)

    again = send(client, name, "wh-same")

    assert first.status_code == 200 and again.status_code == 200
    assert again.get_json() == {"outcome": "duplicate"}
    assert counts() == before and snapshot(ORDER_NO) == state


@pytest.mark.parametrize("name", [*TOPICS, "refunds_create"])
def test_a_wrong_signature_is_401_and_writes_nothing(client, name):
    body = fixture_bytes("shopify", name)
    before = counts()

    wrong_secret = post_shopify(client, TOPICS.get(name, "refunds/create"), body, "wh-1", secret="not-the-secret")
    missing = post_shopify(client, TOPICS.get(name, "refunds/create"), body, "wh-2", sign=False)

    assert [r.status_code for r in (wrong_secret, missing)] == [401, 401]
    assert wrong_secret.get_json()["error"]["code"] == "unauthorized"
    assert counts() == before


def test_a_tampered_body_is_refused_even_with_the_signature_of_the_original(client):
    body = fixture_bytes("shopify", "orders_paid")
    signed_original = post_shopify(client, "orders/paid", body, "wh-1")
    assert signed_original.status_code == 200
    before = counts()

    response = client.post("/webhooks/shopify", data=body.replace(b'"paid"', b'"refunded"'),
                           headers={"X-Shopify-Topic": "orders/paid", "X-Shopify-Webhook-Id": "wh-2",
                                    "X-Shopify-Hmac-Sha256": signature(SECRETS["SHOPCS_SHOPIFY_WEBHOOK_SECRET"], body)})

    assert response.status_code == 401 and counts() == before


def test_without_a_configured_secret_every_delivery_is_refused(app, client):
    app.config["SHOPCS_SHOPIFY_WEBHOOK_SECRET"] = ""
    before = counts()

    signed_with_empty = post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_create"), "wh-1", secret="")
    unsigned = post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_create"), "wh-2", sign=False)

    assert signed_with_empty.status_code == 503 and unsigned.status_code == 503
    assert "SHOPCS_SHOPIFY_WEBHOOK_SECRET" in signed_with_empty.get_json()["error"]["message"]
    assert counts() == before


def test_paid_then_fulfilled_moves_the_order_forward_and_keeps_the_first_payment_time(client):
    assert send(client, "orders_create", "wh-1").get_json() == {"outcome": "created"}
    assert send(client, "orders_paid", "wh-2").get_json() == {"outcome": "updated"}
    paid_at = order(ORDER_NO).paid_at
    assert send(client, "orders_updated", "wh-3").get_json() == {"outcome": "updated"}

    found = order(ORDER_NO)
    assert found.status == "shipped"
    assert paid_at == found.paid_at == datetime(2022, 1, 1, 0, 5, tzinfo=timezone.utc)  # orders/paid's updated_at


def test_a_late_orders_create_after_orders_paid_keeps_the_later_status(client):
    send(client, "orders_paid", "wh-2")
    before, state = counts(), snapshot(ORDER_NO)

    late = send(client, "orders_create", "wh-1")

    assert late.status_code == 200 and late.get_json() == {"outcome": "stale"}
    assert snapshot(ORDER_NO) == state and state[0] == "paid"
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}
    assert deliveries()[-1] == ("shopify", "wh-1", "stale")


def test_orders_cancelled_cancels_an_unpaid_order(client):
    send(client, "orders_create", "wh-1")

    assert send(client, "orders_cancelled", "wh-2").get_json() == {"outcome": "updated"}
    assert order(ORDER_NO).status == "cancelled"


def test_the_published_example_in_dollars_is_taken_in_dollars_with_its_address_abroad(client):
    response = send(client, "orders_cancelled_usd", "wh-1", topic="orders/cancelled")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order("SHOPIFY-1234")
    assert (found.status, found.currency, found.total, found.shipping_fee) == (
        "cancelled", "USD", Decimal("359.97"), Decimal("10.00"))
    assert (found.country, found.province, found.city, found.detail, found.address_line2, found.postal_code) == (
        "US", "Kentucky", "Shippington", "123 Shipping Street", "", "40003")


def test_an_order_in_a_currency_orders_are_not_taken_in_is_422_and_writes_only_its_refusal(client):
    before = counts()

    response = send(client, "orders_cancelled_usd", "wh-1", topic="orders/cancelled",
                    body=edited("shopify", "orders_cancelled_usd", currency="XAU"))

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
    assert response.get_json()["error"]["fields"] == {"currency": "XAU is not a currency orders are accepted in"}
    assert counts() == with_refusal(before)


@pytest.mark.parametrize("changes, field", [
    ({"financial_status": "on_a_boat"}, "financial_status"),
    ({"order_number": None}, "order_number"),
    ({"line_items": []}, "items"),
    ({"shipping_address": None}, "shipping_address"),
    ({"total_price": "1.00"}, "total"),
])
def test_an_unmappable_order_is_422_with_the_field_and_writes_only_its_refusal(client, changes, field):
    before = counts()

    response = send(client, "orders_paid", "wh-1", body=edited("shopify", "orders_paid", **changes))

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert counts() == with_refusal(before)


def test_a_body_that_is_not_json_is_400_and_writes_nothing(client):
    before = counts()
    response = send(client, "orders_paid", "wh-1", body=b"not json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert counts() == before


def test_a_delivery_without_its_webhook_id_is_400_and_writes_nothing(client):
    before = counts()
    response = send(client, "orders_paid", "")
    assert response.status_code == 400 and "X-Shopify-Webhook-Id" in response.get_json()["error"]["fields"]
    assert counts() == before


def test_an_unknown_topic_is_answered_200_and_writes_nothing(client):
    before = counts()
    response = send(client, "orders_paid", "wh-1", topic="products/update")
    assert response.status_code == 200 and response.get_json() == {"outcome": "ignored"}
    assert counts() == before


def test_refunds_create_completes_one_refund_through_the_refund_service(client):
    send(client, "orders_paid", "wh-1")

    response = send(client, "refunds_create", "wh-r1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "refunded"}
    found = order(ORDER_NO)
    [refund] = found.refunds
    assert (refund.amount, refund.reason, refund.status, refund.requested_by) == (
        Decimal("89.99"), "other", "completed", "webhook:Shopify webhook")
    assert refund.idempotency_key == "shopify-refund-890088186047892319"
    assert "Things were damaged" in refund.note
    assert refund.completed_at == datetime(2022, 1, 1, 0, 0, tzinfo=timezone.utc)
    assert found.status == "paid"  # 89.99 of 359.97: partly refunded
    actions = [e.action for e in entries_for_order(found.id)]
    assert actions[-3:] == ["refund.requested", "refund.approved", "refund.completed"]


def test_a_refund_is_taken_once_per_shopify_refund_id(client):
    send(client, "orders_paid", "wh-1")
    send(client, "refunds_create", "wh-r1")
    before = counts()

    replay = send(client, "refunds_create", "wh-r1")
    redelivered = send(client, "refunds_create", "wh-r2")  # the same refund under a new webhook id

    assert replay.get_json() == {"outcome": "duplicate"}
    assert redelivered.get_json() == {"outcome": "refunded"}
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}
    assert len(order(ORDER_NO).refunds) == 1


def test_a_refund_for_an_order_shopcs_has_not_received_is_422_and_writes_only_its_refusal(client):
    before = counts()

    response = send(client, "refunds_create", "wh-r1")

    assert response.status_code == 422
    assert "order_id" in response.get_json()["error"]["fields"]
    assert counts() == with_refusal(before)


def test_a_failed_write_leaves_no_delivery_row_so_the_platform_retry_is_applied(client):
    send(client, "orders_create", "wh-1")
    before = counts()

    refused = send(client, "refunds_create", "wh-r1")  # the order is unpaid here: the refund service refuses
    assert refused.status_code == 409 and counts() == before

    send(client, "orders_paid", "wh-2")
    retried = send(client, "refunds_create", "wh-r1")

    assert retried.status_code == 200 and retried.get_json() == {"outcome": "refunded"}
    assert [r.status for r in order(ORDER_NO).refunds] == ["completed"]


def test_a_full_refund_closes_the_order(client):
    send(client, "orders_paid", "wh-1")
    body = edited("shopify", "refunds_create", transactions=[
        {"id": 1, "kind": "refund", "status": "success", "amount": "359.97", "currency": "CNY"},
        {"id": 2, "kind": "refund", "status": "failure", "amount": "359.97", "currency": "CNY"}])

    assert send(client, "refunds_create", "wh-r1", body=body).get_json() == {"outcome": "refunded"}
    assert order(ORDER_NO).status == "closed"
