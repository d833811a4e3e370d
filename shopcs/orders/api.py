"""/api/v1/ order and refund endpoints for the shop's platform."""
import re

from flask import Blueprint, current_app, g, jsonify, request

from ..api_support import ApiError, error_response, json_body, page_args, token_required, validation_error
from ..errors import ServiceError
from ..extensions import db
from ..money import MoneyError, parse_money
from ..timeutil import TimeError, parse_aware, utcnow
from . import refund_service
from .api_queries import check_refund_id, get_order, list_orders, refund_order_no
from .domain import STATUSES
from .ingest import ingest_order
from .schemas import text_problem, validate_order
from .serializers import order_json, refund_json

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")
MAX_PAGE = 1_000_000


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _body(optional: bool = False) -> dict:
    if optional and not request.get_data(cache=True):
        return {}
    try:
        return json_body()
    except RecursionError as exc:
        raise ApiError(400, "bad_request", "The JSON is nested too deeply.") from exc


def _time(data: dict, name: str):
    if data.get(name) is None:
        return None
    try:
        return parse_aware(data[name])
    except (TimeError, OverflowError) as exc:
        raise validation_error({name: str(exc) if isinstance(exc, TimeError) else "is out of range"}) from exc


def _note(data: dict) -> str:
    problem = text_problem(data.get("note"), 2000)
    if problem:
        raise validation_error({"note": problem})
    return (data.get("note") or "").strip()


@bp.put("/orders/<order_no>")
@token_required
def put_order(order_no):
    order, created = ingest_order(validate_order(order_no, _body()), g.actor, utcnow())
    return jsonify(order_json(get_order(order.order_no))), 201 if created else 200


@bp.get("/orders/<order_no>")
@token_required
def show_order(order_no):
    return jsonify(order_json(get_order(order_no)))


@bp.get("/orders")
@token_required
def index_orders():
    page, per_page = page_args()
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise validation_error({"status": f"must be one of {', '.join(STATUSES)}"})
    if page > MAX_PAGE:
        raise validation_error({"page": f"must be at most {MAX_PAGE}"})
    since = request.args.get("updated_since", "")
    since = re.sub(r" (\d\d:?\d\d)$", r"+\1", since)  # an unencoded "+" in a query string arrives as a space
    orders, total = list_orders(status, _time({"updated_since": since or None}, "updated_since"), page, per_page)
    return jsonify(orders=[order_json(o) for o in orders], page=page, per_page=per_page, total=total)


def _refund_request(data: dict) -> refund_service.RefundRequest:
    fields = {}
    try:
        amount = parse_money(data.get("amount"))
    except MoneyError as exc:
        fields["amount"], amount = str(exc), None
    reason = data.get("reason")
    if not isinstance(reason, str):
        fields["reason"] = "must be a string"
    with_return = data.get("with_return", False)
    if not isinstance(with_return, bool):
        fields["with_return"] = "must be true or false"
    key = request.headers.get("Idempotency-Key")
    if key is not None and text_problem(key, 100, required=True):
        fields["Idempotency-Key"] = "must be 1 to 100 characters"
    if fields:
        raise validation_error(fields)
    return refund_service.RefundRequest(amount=amount, reason=reason, with_return=with_return, note=_note(data),
                                        idempotency_key=key.strip() if key else None,
                                        requested_at=_time(data, "requested_at"))


@bp.post("/orders/<order_no>/refunds")
@token_required
def create_refund(order_no):
    get_order(order_no)
    req = _refund_request(_body())
    refund, created = refund_service.request_refund(order_no, req, g.actor, utcnow())
    return jsonify(refund_json(refund, order_no)), 201 if created else 200


def _refund_answer(refund):
    return jsonify(refund_json(refund, refund_order_no(refund)))


@bp.post("/refunds/<int:refund_id>/approve")
@token_required
def approve_refund(refund_id):
    _body(optional=True)
    limit = current_app.config["SHOPCS_REFUND_APPROVAL_LIMIT"]
    return _refund_answer(refund_service.approve_refund(check_refund_id(refund_id), g.actor, utcnow(), limit))


@bp.post("/refunds/<int:refund_id>/reject")
@token_required
def reject_refund(refund_id):
    note = _note(_body(optional=True))
    return _refund_answer(refund_service.reject_refund(check_refund_id(refund_id), g.actor, utcnow(), note))


@bp.post("/refunds/<int:refund_id>/complete")
@token_required
def complete_refund(refund_id):
    completed_at = _time(_body(optional=True), "completed_at")
    return _refund_answer(refund_service.complete_refund(check_refund_id(refund_id), g.actor, utcnow(), completed_at))

