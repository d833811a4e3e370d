"""POST /webhooks/woocommerce with WooCommerce's REST API v3 order examples (tests/fixtures/woocommerce)."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shopcs.orders.details import timeline

from ..webhook_builders import SECRETS, counts, deliveries, edited, fixture_bytes, order, post_woocommerce, snapshot, with_refusal

ORDER_NO = "WOO-727"
FIXTURES = {"order_created": "order.created", "order_updated_completed": "order.updated",
            "order_updated_pending": "order.updated", "order_723_completed": "order.created"}


@pytest.fixture
def app_config():
    return dict(SECRETS)


def send(client, name, delivery_id, topic=None, body=None):
    return post_woocommerce(client, topic or FIXTURES[name], body or fixture_bytes("woocommerce", name), delivery_id)


def test_order_created_makes_a_paid_order_with_the_tax_as_a_line(client):
    response = send(client, "order_created", "d-1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order(ORDER_NO)
    assert (found.status, found.total, found.shipping_fee, found.discount) == (
        "paid", Decimal("29.35"), Decimal("10.00"), Decimal("0.00"))
    assert found.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=timezone.utc)  # date_created_gmt is UTC
    assert found.paid_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=timezone.utc)
    assert [(i.sku, i.title, i.quantity, i.unit_price) for i in found.items] == [
        ("woocommerce-product-93", "Woo Single #1", 2, Decimal("3.00")),
        ("Bar3", "Ship Your Idea – Color: Black, Size: M Test", 1, Decimal("12.00")),
        ("TAX", "Tax", 1, Decimal("1.35"))]
    assert (found.customer.external_id, found.customer.email) == ("woocommerce-guest-727", "john.doe@example.com")
    assert (found.recipient, found.province, found.city, found.detail) == ("John Doe", "CA", "San Francisco", "969 Market")
    assert [(e.actor, e.action) for e in timeline(found, "Asia/Shanghai") if e.actor] == [("webhook:WooCommerce webhook", "order.created")]


def test_the_ping_sent_when_a_webhook_is_created_is_answered_without_writing(client):
    before = counts()

    response = client.post("/webhooks/woocommerce", data="webhook_id=12",
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200 and response.get_json() == {"outcome": "ping"}
    assert counts() == before


def test_only_the_exact_ping_body_passes_unsigned(client):
    before = counts()
    unsigned_order = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created"), "d-1",
                                      sign=False)
    ping_with_more = client.post("/webhooks/woocommerce", data="webhook_id=12&status=completed",
                                 content_type="application/x-www-form-urlencoded")
    assert unsigned_order.status_code == 401 and ping_with_more.status_code == 401
    assert counts() == before


@pytest.mark.parametrize("name", list(FIXTURES))
def test_a_replayed_delivery_is_answered_and_changes_nothing(client, name):
    first = send(client, name, "d-same")
    before, state = counts(), snapshot(ORDER_NO)

    again = send(client, name, "d-same")

    assert first.status_code == 200 and again.get_json() == {"outcome": "duplicate"}
    assert counts() == before and snapshot(ORDER_NO) == state


@pytest.mark.parametrize("name", list(FIXTURES))
def test_a_wrong_signature_is_401_and_writes_nothing(client, name):
    before = counts()
    body = fixture_bytes("woocommerce", name)

    wrong = post_woocommerce(client, FIXTURES[name], body, "d-1", secret="not-the-secret")
    missing = post_woocommerce(client, FIXTURES[name], body, "d-2", sign=False)

    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert wrong.get_json()["error"]["code"] == "unauthorized"
    assert counts() == before


def test_without_a_configured_secret_every_delivery_is_refused(app, client):
    app.config["SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET"] = ""
    before = counts()

    response = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created"), "d-1", secret="")

    assert response.status_code == 503
    assert "SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET" in response.get_json()["error"]["message"]
    assert counts() == before


def test_completed_moves_the_order_on_and_a_late_pending_is_stale(client):
    send(client, "order_created", "d-1")
    assert send(client, "order_updated_completed", "d-2").get_json() == {"outcome": "updated"}
    state = snapshot(ORDER_NO)

    late = send(client, "order_updated_pending", "d-0")

    assert late.status_code == 200 and late.get_json() == {"outcome": "stale"}
    assert snapshot(ORDER_NO) == state and state[0] == "completed"
    assert deliveries() == [("woocommerce", "d-1", "created"), ("woocommerce", "d-2", "updated"),
                            ("woocommerce", "d-0", "stale")]


def test_a_completed_order_without_date_paid_is_paid_when_it_was_completed(client):
    send(client, "order_723_completed", "d-1")

    found = order("WOO-723")
    assert (found.status, found.total, found.customer.external_id) == ("completed", Decimal("39.00"), "woocommerce-26")
    assert found.paid_at == datetime(2017, 3, 21, 19, 54, 51, tzinfo=timezone.utc)


@pytest.mark.parametrize("status, ours", [("on-hold", "unpaid"), ("cancelled", "closed"), ("refunded", "closed")])
def test_statuses_after_a_pending_order(client, status, ours):
    send(client, "order_updated_pending", "d-1", topic="order.created")
    body = edited("woocommerce", "order_created", status=status)

    assert send(client, "order_created", "d-2", topic="order.updated", body=body).status_code == 200
    assert order(ORDER_NO).status == ours


def test_the_published_example_in_dollars_is_taken_in_dollars_with_its_address_abroad(client):
    response = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created_usd"), "d-1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order("WOO-727")
    assert (found.currency, found.total, found.shipping_fee) == ("USD", Decimal("29.35"), Decimal("10.00"))
    assert (found.country, found.province, found.city, found.detail, found.postal_code) == (
        "US", "CA", "San Francisco", "969 Market", "94103")


def test_an_order_in_a_currency_orders_are_not_taken_in_is_422_and_writes_only_its_refusal(client):
    before = counts()

    response = post_woocommerce(client, "order.created", edited("woocommerce", "order_created_usd", currency="BTC"), "d-1")

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"currency": "BTC is not a currency orders are accepted in"}
    assert counts() == with_refusal(before)


@pytest.mark.parametrize("changes, field", [({"status": "trash"}, "status"), ({"total": "30.00"}, "total"),
                                            ({"date_created_gmt": None}, "placed_at")])
def test_an_unmappable_order_is_422_and_writes_only_its_refusal(client, changes, field):
    before = counts()

    response = send(client, "order_created", "d-1", body=edited("woocommerce", "order_created", **changes))

    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert counts() == with_refusal(before)


def test_order_deleted_is_recorded_and_removes_nothing(client):
    send(client, "order_created", "d-1")
    before, state = counts(), snapshot(ORDER_NO)

    response = send(client, "order_created", "d-2", topic="order.deleted", body=b'{"id": 727}')

    assert response.get_json() == {"outcome": "ignored"} and snapshot(ORDER_NO) == state
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}


def test_the_webhooks_work_with_csrf_protection_on(csrf_app, app_config):
    csrf_app.config.update(app_config)
    client = csrf_app.test_client()

    response = send(client, "order_created", "d-1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    assert client.post("/logout").status_code == 400  # the rest of the app still wants its CSRF token
