"""Signed deliveries that cannot be applied (422) are recorded as refused, with their reason and nothing else;
the platform's retry of the same delivery id is then applied and the row becomes its accepted outcome.
Unsigned deliveries are never recorded. On both databases."""
import pytest
from sqlalchemy import select

from shopcs.errors import Invalid
from shopcs.extensions import db
from shopcs.webhooks.deliveries import Delivery, record_refusal, refusal_reason
from shopcs.webhooks.models import REASON_LENGTH, WebhookDelivery

from ..builders import NOW
from ..webhook_builders import (
    SECRETS,
    counts,
    deliveries,
    edited,
    fixture_bytes,
    order,
    post_shopify,
    post_woocommerce,
    refusals,
    with_refusal,
)


@pytest.fixture
def app_config():
    return dict(SECRETS)


def _row(source: str, delivery_id: str) -> WebhookDelivery:
    db.session.rollback()
    return db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.source == source,
                                                            WebhookDelivery.delivery_id == delivery_id)).one()


def test_a_signed_shopify_delivery_that_cannot_be_applied_is_recorded_as_refused_with_its_reason(client):
    before = counts()

    response = post_shopify(client, "orders/cancelled", edited("shopify", "orders_cancelled_usd", currency="XAU"), "wh-usd")

    assert response.status_code == 422
    assert counts() == with_refusal(before)  # the refusal, and no order, customer, audit entry
    assert refusals() == [("shopify", "wh-usd", "orders/cancelled",
                           "The order has invalid fields. currency: XAU is not a currency orders are accepted in")]
    row = _row("shopify", "wh-usd")
    assert (row.object_id, row.order_no, row.received_at is not None) == (None, None, True)


def test_the_retry_of_a_refused_delivery_is_applied_and_its_row_becomes_the_accepted_outcome(client):
    bad = edited("shopify", "orders_paid", financial_status="on_a_boat")
    assert post_shopify(client, "orders/paid", bad, "wh-1").status_code == 422
    again = post_shopify(client, "orders/paid", bad, "wh-1")  # still refused: the same row, brought up to date
    assert again.status_code == 422 and len(refusals()) == 1 and "financial_status" in refusals()[0][3]

    fixed = post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-1")

    assert fixed.status_code == 200 and fixed.get_json() == {"outcome": "created"}
    assert order("SHOPIFY-1234").status == "paid"
    assert deliveries() == [("shopify", "wh-1", "created")] and refusals() == []
    row = _row("shopify", "wh-1")
    assert (row.reason, row.order_no, row.object_id) == (None, "SHOPIFY-1234", "820982911946154508")
    replay = post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-1")
    assert replay.get_json() == {"outcome": "duplicate"}  # accepted now: seen, as before


def test_a_refund_refused_before_its_order_arrived_is_taken_when_shopify_retries(client):
    assert post_shopify(client, "refunds/create", fixture_bytes("shopify", "refunds_create"), "wh-r1").status_code == 422
    assert [r[:3] for r in refusals()] == [("shopify", "wh-r1", "refunds/create")]
    assert "order_id" in refusals()[0][3]

    post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-1")
    retried = post_shopify(client, "refunds/create", fixture_bytes("shopify", "refunds_create"), "wh-r1")

    assert retried.get_json() == {"outcome": "refunded"}
    assert deliveries() == [("shopify", "wh-r1", "refunded"), ("shopify", "wh-1", "created")]
    assert [r.status for r in order("SHOPIFY-1234").refunds] == ["completed"]


def test_a_refused_woocommerce_delivery_is_recorded_and_its_retry_applied(client):
    assert post_woocommerce(client, "order.created", edited("woocommerce", "order_created_usd", currency="BTC"),
                            "d-1").status_code == 422
    assert [r[:3] for r in refusals()] == [("woocommerce", "d-1", "order.created")]

    fixed = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created"), "d-1")

    assert fixed.get_json() == {"outcome": "created"} and deliveries() == [("woocommerce", "d-1", "created")]


@pytest.mark.parametrize("secret, sign", [("not-the-secret", True), (None, False)])
def test_an_unsigned_or_wrongly_signed_delivery_is_not_recorded(client, secret, sign):
    before = counts()
    body = fixture_bytes("shopify", "orders_cancelled_usd")

    response = post_shopify(client, "orders/cancelled", body, "wh-x", **({"secret": secret} if secret else {}), sign=sign)
    woo = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created_usd"), "d-x",
                           **({"secret": secret} if secret else {}), sign=sign)

    assert (response.status_code, woo.status_code) == (401, 401)
    assert counts() == before and refusals() == []


def test_a_conflict_is_not_a_refusal_it_leaves_no_row_as_before(client):
    post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_create"), "wh-1")
    before = counts()
    response = post_shopify(client, "refunds/create", fixture_bytes("shopify", "refunds_create"), "wh-r1")
    assert response.status_code == 409 and counts() == before


def test_a_refusal_never_overwrites_a_delivery_a_concurrent_retry_accepted(app):
    delivery = Delivery(source="shopify", delivery_id="wh-1", topic="orders/paid")
    db.session.add(WebhookDelivery(source="shopify", delivery_id="wh-1", topic="orders/paid", received_at=NOW,
                                   outcome="created", order_no="SHOPIFY-1"))
    db.session.commit()

    record_refusal(delivery, NOW, "late refusal")

    assert deliveries() == [("shopify", "wh-1", "created")] and refusals() == []


def test_the_reason_is_the_validation_messages_shortened_to_fit_the_row():
    reason = refusal_reason(Invalid("The order has invalid fields.", {"items.0.sku": "is required", "": "x" * 900}))
    assert reason.startswith("The order has invalid fields. items.0.sku: is required; xxx")
    assert len(reason) == REASON_LENGTH and reason.endswith("…")
