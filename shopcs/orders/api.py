"""/api/v1/ order and refund endpoints for the shop's platform. Each declares its input and answers
(@describe); the same declarations check the requests and make the API description."""

from contextlib import contextmanager

from flask import Blueprint, g, jsonify
from flask_babel import lazy_gettext as _l

from ..api_support import error_response, token_required
from ..apischema.operations import ORDERS, REFUNDS, describe, paging, param
from ..apischema.requests import body_values, json_object, param_values, query_args
from ..apischema.shapes import choice, time
from ..app_config import approval_limits, outbox_channel, shop_zone
from ..errors import ServiceError
from ..extensions import db
from ..followup.notices import shipping_notices
from ..followup.settings import load_settings
from ..timeutil import utcnow
from . import refund_service
from .api_queries import check_refund_id, get_order, list_orders, refund_order
from .domain import STATUSES
from .ingest import ingest_order
from .refund_schemas import APPROVE_BODY, COMPLETE_BODY, IDEMPOTENCY_KEY, REFUND_BODY, REJECT_BODY
from .schemas import ORDER_BODY, ORDER_NO, validate_order
from .serializers import ORDER_OUT, REFUND_OUT, SHIPMENT_OUT, order_json, refund_json, shipment_json
from .shipment_intake import PlatformShipment, take_shipment
from .shipment_schemas import SHIPMENT_BODY

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")
LIST_PARAMS = (
    param("status", "query", choice(STATUSES), _l("Only orders in this status.")),
    param("updated_since", "query", time(), _l("Only orders changed at or after this time (ISO 8601 with an offset).")),
    *paging(),
)
ORDER_PAGE = {"type": "object", "required": ["orders", "page", "per_page", "total"],
              "properties": {"orders": {"type": "array", "items": ORDER_OUT}, "page": {"type": "integer"},
                             "per_page": {"type": "integer"}, "total": {"type": "integer"}}}
REFUND_ID = {"type": "integer", "minimum": 0, "examples": [1]}


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.put("/orders/<order_no>")
@describe(tag=ORDERS, summary=_l("Create or update an order"), body=ORDER_BODY, responses={200: ORDER_OUT, 201: ORDER_OUT},
          description=_l("Sends the whole order: 201 when new, 200 when it replaced the stored one. The status only moves "
                         "forward (409 otherwise), except that an order ShopCS closed itself, unpaid too long, takes the "
                         "platform's later paid, shipped or completed."),
          errors=(400, 401, 409, 413, 422), path_schemas={"order_no": ORDER_NO})
@token_required
def put_order(order_no):
    data = validate_order(order_no, json_object())
    with _kept_after_commit():
        order, created = ingest_order(data, g.actor, utcnow(), shop_zone())
    return jsonify(order_json(order)), 201 if created else 200


@contextmanager
def _kept_after_commit():
    """The order answers as the service wrote and committed it, not read back: reading it again after the commit cost
    4 statements and a pool checkout, about a quarter of the request's CPU (bench/README.md, issue 20). Only a stored
    order's shipments and refunds are read (a new one has none)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = True


@bp.get("/orders/<order_no>")
@describe(tag=ORDERS, summary=_l("Read an order"), responses={200: ORDER_OUT}, errors=(401, 404),
          path_schemas={"order_no": ORDER_NO})
@token_required
def show_order(order_no):
    return jsonify(order_json(get_order(order_no)))


@bp.get("/orders")
@describe(tag=ORDERS, summary=_l("List orders by update time"), parameters=LIST_PARAMS, responses={200: ORDER_PAGE},
          errors=(401, 422))
@token_required
def index_orders():
    values = param_values(LIST_PARAMS, query_args())
    orders, total = list_orders(values["status"], values["updated_since"], values["page"], values["per_page"])
    return jsonify(orders=[order_json(o) for o in orders], page=values["page"], per_page=values["per_page"], total=total)


@bp.post("/orders/<order_no>/refunds")
@describe(tag=REFUNDS, summary=_l("Request a refund"), body=REFUND_BODY, parameters=(IDEMPOTENCY_KEY,),
          responses={200: REFUND_OUT, 201: REFUND_OUT}, errors=(400, 401, 404, 409, 413, 422),
          description=_l("201 for a new request; 200 with the first refund when the same Idempotency-Key, or the "
                         "same open request, comes again."), path_schemas={"order_no": ORDER_NO})
@token_required
def create_refund(order_no):
    currency = get_order(order_no).currency
    data = body_values(REFUND_BODY)
    key = param_values((IDEMPOTENCY_KEY,))["Idempotency-Key"]
    req = refund_service.RefundRequest(amount=data["amount"], reason=data["reason"], with_return=data["with_return"],
                                       note=data["note"], idempotency_key=key, requested_at=data["requested_at"])
    refund, created = refund_service.request_refund(order_no, req, g.actor, utcnow())
    return jsonify(refund_json(refund, order_no, currency)), 201 if created else 200


@bp.post("/orders/<order_no>/shipments")
@describe(tag=ORDERS, summary=_l("Report a shipment"), body=SHIPMENT_BODY, responses={200: SHIPMENT_OUT, 201: SHIPMENT_OUT},
          errors=(400, 401, 404, 409, 413, 422), path_schemas={"order_no": ORDER_NO},
          description=_l("A parcel the platform or the ERP shipped: 201 when new (the order becomes shipped), 200 with the "
                         "stored shipment when the same carrier and number come again. A cancelled order, or one the "
                         "platform closed, is 409; an unpaid one becomes paid and shipped. The buyer's shipping notice is "
                         "sent only when the follow-up settings say so."))
@token_required
def create_shipment(order_no):
    get_order(order_no)
    data = body_values(SHIPMENT_BODY)
    shipment, outcome = take_shipment(
        order_no, PlatformShipment(carrier=data["carrier"], tracking_no=data["tracking_no"], shipped_at=data["shipped_at"],
                                   source="api"),
        g.actor, utcnow(), shop_zone(),
        shipping_notices(outbox_channel()) if load_settings().notify_platform_shipments else None)
    return jsonify(shipment_json(shipment)), 201 if outcome == "created" else 200


def _refund_answer(refund):
    return jsonify(refund_json(refund, *refund_order(refund)))


def _decision(summary, body, description=""):
    return describe(tag=REFUNDS, summary=summary, body=body, body_required=False, responses={200: REFUND_OUT},
                    errors=(400, 401, 404, 409, 413, 422), description=description,
                    path_schemas={"refund_id": REFUND_ID})


@bp.post("/refunds/<int:refund_id>/approve")
@_decision(_l("Approve a refund"), APPROVE_BODY, _l("A token may approve any amount: the platform already decided."))
@token_required
def approve_refund(refund_id):
    body_values(APPROVE_BODY, optional=True)
    return _refund_answer(refund_service.approve_refund(check_refund_id(refund_id), g.actor, utcnow(), approval_limits()))


@bp.post("/refunds/<int:refund_id>/reject")
@_decision(_l("Reject a refund"), REJECT_BODY)
@token_required
def reject_refund(refund_id):
    note = body_values(REJECT_BODY, optional=True)["note"]
    return _refund_answer(refund_service.reject_refund(check_refund_id(refund_id), g.actor, utcnow(), note))


@bp.post("/refunds/<int:refund_id>/complete")
@_decision(_l("Mark a refund as paid back"), COMPLETE_BODY)
@token_required
def complete_refund(refund_id):
    completed_at = body_values(COMPLETE_BODY, optional=True)["completed_at"]
    return _refund_answer(refund_service.complete_refund(check_refund_id(refund_id), g.actor, utcnow(), completed_at))
