"""POST /webhooks/shopify and /webhooks/woocommerce: signed machine-to-machine calls (CSRF-exempt).

The signature is checked on the raw body before anything is parsed; no secret configured means refused.
Errors use the API's body: {"error": {"code", "message", "fields"}}. A signed delivery whose payload cannot be
applied (422) is recorded as refused with its reason; unsigned ones are not recorded (anyone can send them).
"""
import json
import re
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..api_support import error_response
from ..app_config import approval_limits, outbox_channel, shop_zone
from ..errors import Invalid, ServiceError
from ..extensions import db
from ..followup.notices import shipping_notices
from ..followup.settings import load_settings
from ..timeutil import utcnow
from .deliveries import Delivery, record_refusal, refusal_reason
from .receive import ShipmentSettings, shopify_delivery, woocommerce_delivery
from .shopify import FULFILLMENT_TOPICS
from .verification import is_signed

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
_WOO_PING = re.compile(rb"webhook_id=\d+")


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _refusal(setting: str, signature_header: str):
    secret = current_app.config.get(setting) or ""
    if not secret:
        return error_response(503, "not_configured", f"This webhook is switched off: set {setting} to its secret.")
    if not is_signed(secret, request.get_data(cache=True), request.headers.get(signature_header)):
        return error_response(401, "unauthorized", f"The {signature_header} signature does not match the body.")
    return None


def _delivery(source: str, id_header: str, topic_header: str) -> Delivery:
    delivery_id, topic = request.headers.get(id_header, "").strip(), request.headers.get(topic_header, "").strip()
    if not delivery_id or len(delivery_id) > 100 or len(topic) > 100:
        raise ServiceError(f"{id_header} (at most 100 characters) is required.", {id_header: "is required"})
    return Delivery(source=source, delivery_id=delivery_id, topic=topic)


def _payload() -> dict:
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError) as exc:
        raise ServiceError("The body must be JSON.") from exc
    if not isinstance(data, dict):
        raise ServiceError("The body must be a JSON object.", {"": "must be an object"})
    return data


def _applied(delivery: Delivery, apply: Callable[[datetime], str]):
    """The outcome of `apply(now)` as the answer. A payload it refuses (Invalid) is recorded as refused before the
    422 goes out; should that record fail, the 422 still does (the platform retries either way)."""
    now = utcnow()
    try:
        return jsonify(outcome=apply(now))
    except Invalid as exc:
        db.session.rollback()
        try:
            record_refusal(delivery, now, refusal_reason(exc))
        except SQLAlchemyError:
            db.session.rollback()
            current_app.logger.exception("Could not record the refused %s delivery %s", delivery.source, delivery.delivery_id)
        raise


@bp.post("/shopify")
def shopify():
    refusal = _refusal("SHOPCS_SHOPIFY_WEBHOOK_SECRET", "X-Shopify-Hmac-Sha256")
    if refusal is not None:
        return refusal
    delivery = _delivery("shopify", "X-Shopify-Webhook-Id", "X-Shopify-Topic")
    limits, payload = approval_limits(), _payload()
    return _applied(delivery, lambda now: shopify_delivery(delivery, payload, now, limits, _shipment_settings(delivery.topic)))


def _shipment_settings(topic: str) -> ShipmentSettings:
    """Read only for the fulfilment topics: the other deliveries need no settings row."""
    notify = shipping_notices(outbox_channel()) if topic in FULFILLMENT_TOPICS and load_settings().notify_platform_shipments else None
    return ShipmentSettings(zone=shop_zone(), notify=notify)


@bp.post("/woocommerce")
def woocommerce():
    if "X-WC-Webhook-Signature" not in request.headers and _WOO_PING.fullmatch(request.get_data(cache=True)):
        return jsonify(outcome="ping")  # sent unsigned when a webhook is created: answered, nothing written
    refusal = _refusal("SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET", "X-WC-Webhook-Signature")
    if refusal is not None:
        return refusal
    delivery = _delivery("woocommerce", "X-WC-Webhook-Delivery-ID", "X-WC-Webhook-Topic")
    payload = _payload()
    return _applied(delivery, lambda now: woocommerce_delivery(delivery, payload, now, shop_zone()))
