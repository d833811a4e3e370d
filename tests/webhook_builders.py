"""Webhook deliveries as the platforms send them: the stored example bytes, signed, with the platform's headers."""
import json
from pathlib import Path

from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.models import Customer, Order, OrderItem, Refund
from shopcs.webhooks.models import WebhookDelivery
from shopcs.webhooks.verification import signature

FIXTURES = Path(__file__).parent / "fixtures"
SHOPIFY_SECRET = "shpss_test_secret"
WOOCOMMERCE_SECRET = "wc_test_secret"
SECRETS = {"SHOPCS_SHOPIFY_WEBHOOK_SECRET": SHOPIFY_SECRET, "SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET": WOOCOMMERCE_SECRET}


def fixture_bytes(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / f"{name}.json").read_bytes()


def edited(platform: str, name: str, **changes) -> bytes:
    data = json.loads(fixture_bytes(platform, name))
    data.update(changes)
    return json.dumps(data).encode()


def post_shopify(client, topic: str, body: bytes, webhook_id: str, secret: str = SHOPIFY_SECRET, sign: bool = True):
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Webhook-Id": webhook_id,
               "X-Shopify-Shop-Domain": "jsmith.myshopify.com", "X-Shopify-API-Version": "2025-01"}
    if sign:
        headers["X-Shopify-Hmac-Sha256"] = signature(secret, body)
    return client.post("/webhooks/shopify", data=body, headers=headers)


def post_woocommerce(client, topic: str, body: bytes, delivery_id: str, secret: str = WOOCOMMERCE_SECRET,
                     sign: bool = True):
    resource, _, event = topic.partition(".")
    headers = {"Content-Type": "application/json", "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
               "X-WC-Webhook-Event": event, "X-WC-Webhook-Delivery-ID": delivery_id, "X-WC-Webhook-ID": "12",
               "X-WC-Webhook-Source": "https://example.com/"}
    if sign:
        headers["X-WC-Webhook-Signature"] = signature(secret, body)
    return client.post("/webhooks/woocommerce", data=body, headers=headers)


def counts() -> dict:
    """Rows per table the webhooks write: equal before and after means nothing was written."""
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Order, OrderItem, Customer, Refund, AuditEntry, WebhookDelivery)}


def with_refusal(before: dict) -> dict:
    """counts() after a signed delivery was refused (422): its webhook_deliveries row and nothing else."""
    return {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}


def refusals() -> list[tuple]:
    """The refused deliveries: (source, delivery_id, topic, reason)."""
    db.session.rollback()
    return [tuple(r) for r in db.session.execute(select(
        WebhookDelivery.source, WebhookDelivery.delivery_id, WebhookDelivery.topic, WebhookDelivery.reason)
        .where(WebhookDelivery.outcome == "refused").order_by(WebhookDelivery.id))]


def snapshot(order_no: str) -> tuple | None:
    db.session.rollback()
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    return None if order is None else (order.status, order.paid_at, order.updated_at, order.total)


def order(order_no: str) -> Order:
    db.session.rollback()
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def deliveries() -> list[tuple]:
    db.session.rollback()
    return [tuple(r) for r in db.session.execute(select(
        WebhookDelivery.source, WebhookDelivery.delivery_id, WebhookDelivery.outcome).order_by(WebhookDelivery.id))]
