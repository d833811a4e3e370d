"""POST /api/v1/messages: a buyer's message from any chat system, a mail gateway or the platform's messages."""
from flask import Blueprint, g, jsonify
from flask_babel import lazy_gettext as _l

from ..api_support import error_response, token_required
from ..apischema.operations import CASES, describe
from ..apischema.requests import body_values
from ..apischema.shapes import choice, obj, out_int, out_obj, text, time
from ..app_config import outbox_channel, shop_zone
from ..assistant.classify import CATEGORIES
from ..assistant.reading import read_message
from ..cases.models import CaseEvent
from ..cases.rules import BODY_MAX, EXTERNAL_ID_MAX, SUBJECT_MAX
from ..errors import ServiceError
from ..extensions import db
from ..orders.schemas import CUSTOMER, ORDER_NO
from ..timeutil import utcnow
from .intake import CHANNELS, IncomingMessage, receive_message

bp = Blueprint("conversations_api", __name__, url_prefix="/api/v1")

MESSAGE_BODY = obj({
    "channel": choice(CHANNELS, **{"x-message": f"must be one of {', '.join(CHANNELS)}"}),
    "external_id": text(EXTERNAL_ID_MAX, required=True, description=_l(
        "The source's id of the message; the same channel and id again is the same message.")),
    "customer": {**CUSTOMER, "type": ["object", "null"], "description": _l("The buyer, unless order_no names an order.")},
    "order_no": {**ORDER_NO, "type": ["string", "null"], "description": _l("The order the buyer writes about, if known.")},
    "body": text(BODY_MAX, required=True),
    "subject": text(SUBJECT_MAX, nullable=True, description=_l("A new case's subject; the message's first line if absent.")),
    "received_at": time(nullable=True, description=_l("When the buyer wrote; now if absent. Not in the future.")),
}, required=("channel", "external_id", "body"))
RECEIVED_OUT = out_obj({"case_id": out_int(), "event_id": out_int(), "case_created": {"type": "boolean"},
                        "suggested_category": {"type": "string", "enum": list(CATEGORIES)},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1}})


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.post("/messages")
@describe(tag=CASES, summary=_l("Receive a buyer's message"), body=MESSAGE_BODY,
          responses={200: RECEIVED_OUT, 201: RECEIVED_OUT}, errors=(400, 401, 404, 413, 422),
          description=_l("Added to the buyer's latest case on the channel, unless it is closed or was resolved more "
                         "than 7 days ago (a resolved one reopens); otherwise a new case opens (case_created). 201 "
                         "when written; 200 with the same ids when this channel and external_id came before. "
                         "suggested_category and confidence: the assistant's reading of the message."))
@token_required
def post_message():
    data = body_values(MESSAGE_BODY, message=_l("The message has invalid fields."))
    message = IncomingMessage(channel=data["channel"], external_id=data["external_id"], body=data["body"],
                              customer=data["customer"], order_no=data["order_no"], subject=data["subject"],
                              received_at=data["received_at"])
    received = receive_message(message, g.actor, utcnow(), shop_zone(), outbox_channel=outbox_channel())
    # the assistant's reading as it was stored with the message (a retry gets the first one's)
    event = db.session.get(CaseEvent, received.event_id)
    reading = (event.data or {}).get("reading") or read_message(event.body).as_json()  # an event from before readings
    response = jsonify(case_id=received.case_id, event_id=received.event_id, case_created=received.case_created,
                       suggested_category=reading["category"], confidence=reading["confidence"])
    response.status_code = 200 if received.duplicate else 201
    return response
