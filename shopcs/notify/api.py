"""/api/v1/outbox: what the shop has sent, is sending and gave up on, for the platform and for monitoring."""
from flask import Blueprint, jsonify, request
from sqlalchemy import func, select

from ..api_support import error_response, page_args, token_required, validation_error
from ..errors import ServiceError
from ..extensions import db
from ..orders.models import Customer, Order
from ..orders.serializers import iso
from .models import OUTBOX_STATUSES, OutboxMessage
from .outbox import KINDS

bp = Blueprint("notify_api", __name__, url_prefix="/api/v1")
MAX_PAGE = 1_000_000
MAX_FILTER = 100


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def message_json(message: OutboxMessage, order_no: str | None, customer: str | None) -> dict:
    return {
        "id": message.id, "kind": message.kind, "order_no": order_no, "customer": customer, "channel": message.channel,
        "status": message.status, "scheduled_for": iso(message.scheduled_for), "sent_at": iso(message.sent_at),
        "body": message.body, "attempts": message.attempts, "last_error": message.last_error,
        "next_attempt_at": iso(message.next_attempt_at), "cancel_reason": message.cancel_reason,
    }


def _filters() -> dict:
    args, fields = request.args, {}
    if args.get("kind") and args["kind"] not in KINDS:
        fields["kind"] = f"must be one of {', '.join(KINDS)}"
    if args.get("status") and args["status"] not in OUTBOX_STATUSES:
        fields["status"] = f"must be one of {', '.join(OUTBOX_STATUSES)}"
    for name in ("order_no", "customer"):
        if len(args.get(name, "")) > MAX_FILTER:
            fields[name] = f"must be at most {MAX_FILTER} characters"
    if fields:
        raise validation_error(fields)
    return {name: args.get(name) or None for name in ("order_no", "customer", "kind", "status")}


def list_messages(order_no=None, customer=None, kind=None, status=None, page: int = 1, per_page: int = 50):
    m = OutboxMessage
    query = (select(m, Order.order_no, Customer.external_id)
             .outerjoin(Order, Order.id == m.order_id).outerjoin(Customer, Customer.id == m.customer_id))
    if order_no:
        query = query.where(Order.order_no == order_no)
    if customer:
        query = query.where(Customer.external_id == customer)
    if kind:
        query = query.where(m.kind == kind)
    if status:
        query = query.where(m.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(m.scheduled_for, m.id).limit(per_page).offset((page - 1) * per_page))
    return [tuple(row) for row in rows], total


@bp.get("/outbox")
@token_required
def index_outbox():
    page, per_page = page_args()
    if page > MAX_PAGE:
        raise validation_error({"page": f"must be at most {MAX_PAGE}"})
    rows, total = list_messages(**_filters(), page=page, per_page=per_page)
    return jsonify(messages=[message_json(*row) for row in rows], page=page, per_page=per_page, total=total)
