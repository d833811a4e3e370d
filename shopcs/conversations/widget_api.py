"""The storefront chat widget: GET /widget.js, and its public API under /widget/v1/ (no login, no cookie, no CSRF
token: the signed conversation token in the Authorization header is the only key). Rules in widget_service.py,
CORS and limits in widget_http.py."""
import os

from flask import Blueprint, current_app, jsonify, request, send_from_directory
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from ..api_support import error_response, json_body
from ..app_config import outbox_channel, shop_zone
from ..cases.settings import load_sla_settings
from ..errors import ServiceError
from ..extensions import db
from ..timeutil import utcnow
from . import widget_http, widget_service
from .hours import availability

bp = Blueprint("widget_api", __name__, url_prefix="/widget/v1")
script_bp = Blueprint("widget_script", __name__)
bp.before_request(widget_http.guard)
bp.after_request(widget_http.cors_headers)

STARTS_PER_ADDRESS = "10/minute"
MESSAGES_PER_CONVERSATION = "20/minute"
IDENTIFY_TRIES = "5/hour"
FAILED_STATUS_TRIES = "10 per 10 minutes"  # order numbers and digits guessed: per conversation and per address
SCRIPT_MAX_AGE = 3600  # an hour in the shops' visitors' caches; the ETag makes a later check cheap


@script_bp.get("/widget.js")
def script():
    static = current_app.static_folder or os.path.join(os.path.dirname(current_app.root_path), "static")
    response = send_from_directory(static, "widget.js", max_age=SCRIPT_MAX_AGE)
    response.cache_control.public = True
    return response


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _hours(now) -> dict:
    """Whether the chat team is there (the chat channel's business hours); when not, when it is back."""
    hours = load_sla_settings().targets["chat"].hours
    result = availability(hours, now, shop_zone())
    return {"open_now": result.open_now, "back_at": result.back_at.isoformat() if result.back_at else None}


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _conversation_key() -> str:
    """The key the limits count a conversation by ("-" for no valid token: that request is a 401, never counted)."""
    token = _bearer()
    return (widget_service.token_key(token, current_app.config["SECRET_KEY"], utcnow()) if token else None) or "-"


def _conversation():
    token = _bearer()
    found = widget_service.find_conversation(token, current_app.config["SECRET_KEY"], utcnow()) if token else None
    if found is None:
        return None, error_response(401, "unauthorized", _l("This conversation is not known. Please start a new one."))
    return found, None


@bp.post("/conversations")
def start():
    if request.get_data():  # the widget sends its language; nothing else is read, but it must be JSON
        json_body()
    if wait := widget_http.spend(STARTS_PER_ADDRESS, "start", get_remote_address()):
        return widget_http.too_many(wait)
    now = utcnow()
    conversation = widget_service.start_conversation(now)
    token = widget_service.issue_token(conversation.key, current_app.config["SECRET_KEY"])
    return jsonify(conversation_token=token, **_hours(now)), 201


@bp.post("/messages")
def post_message():
    conversation, refused = _conversation()
    if refused:
        return refused
    data = json_body()
    if wait := widget_http.spend(MESSAGES_PER_CONVERSATION, "message", conversation.key):
        return widget_http.too_many(wait)
    now = utcnow()
    received, event = widget_service.post_message(conversation, data.get("body"), data.get("client_id"), now,
                                                   shop_zone(), outbox_channel=outbox_channel())
    return jsonify(id=event.id, created_at=event.occurred_at.isoformat(), **_hours(now)), 200 if received.duplicate else 201


@bp.get("/messages")
def messages():
    conversation, refused = _conversation()
    if refused:
        return refused
    after = request.args.get("after", "0")
    if not (after.isdigit() and len(after) <= 18):
        return error_response(422, "validation_error", _l("The request has invalid fields."), {"after": "must be a whole number"})
    return jsonify(messages=widget_service.messages_after(conversation, int(after), utcnow()))


@bp.post("/identify")
def identify():
    conversation, refused = _conversation()
    if refused:
        return refused
    data = json_body()
    if wait := widget_http.spend(IDENTIFY_TRIES, "identify", conversation.key):
        return widget_http.too_many(wait)
    linked = widget_service.identify(conversation, data.get("order_no"), data.get("phone_last4"), utcnow())
    return jsonify(linked=linked)


@bp.get("/order-status")
@widget_http.failures_limited(FAILED_STATUS_TRIES, _conversation_key)
def order_status():
    """"Where is my order?": status, promised ship date and parcels of the order whose phone ends with the digits."""
    conversation, refused = _conversation()
    if refused:
        return refused
    found = widget_service.order_status(request.args.get("order_no"), request.args.get("phone_last4"), str(get_locale()))
    if found is None:  # a wrong pair and an unknown order: the same answer
        return error_response(404, "not_found", _l("No order matches this order number and these digits."))
    return jsonify(found)
