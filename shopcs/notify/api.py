"""/api/v1/outbox: what the shop has sent, is sending and gave up on, for the platform and for monitoring."""
from flask import Blueprint, jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..api_support import error_response, token_required
from ..apischema.operations import OUTBOX, describe, paging, param
from ..apischema.requests import param_values
from ..apischema.shapes import choice, out_int, out_obj, out_text, out_time, text
from ..errors import ServiceError
from ..extensions import db
from ..orders.models import Customer, Order
from ..orders.serializers import iso
from .models import OUTBOX_STATUSES, OutboxMessage
from .outbox import KINDS

bp = Blueprint("notify_api", __name__, url_prefix="/api/v1")
MAX_FILTER = 100
FILTERS = (
    param("order_no", "query", text(MAX_FILTER), _l("Only messages about this order.")),
    param("customer", "query", text(MAX_FILTER), _l("Only messages to this customer (external_id).")),
    param("kind", "query", choice(KINDS), _l("Only messages of this kind.")),
    param("status", "query", choice(OUTBOX_STATUSES), _l("Only messages in this status.")),
    *paging(),
)
MESSAGE_OUT = out_obj({
    "id": out_int(), "kind": {"type": "string", "enum": list(KINDS)}, "order_no": out_text(nullable=True),
    "customer": out_text(nullable=True), "channel": out_text(), "status": {"type": "string", "enum": list(OUTBOX_STATUSES)},
    "scheduled_for": out_time(nullable=False), "sent_at": out_time(), "body": out_text(), "attempts": out_int(),
    "last_error": out_text(nullable=True), "next_attempt_at": out_time(), "cancel_reason": out_text(nullable=True),
})
MESSAGE_PAGE = out_obj({"messages": {"type": "array", "items": MESSAGE_OUT}, "page": out_int(), "per_page": out_int(),
                        "total": out_int()})


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
@describe(tag=OUTBOX, summary=_l("List sent, pending and failed messages"), parameters=FILTERS,
          responses={200: MESSAGE_PAGE}, errors=(401, 422), description=_l("In schedule order, oldest first."))
@token_required
def index_outbox():
    values = param_values(FILTERS)
    filters = {name: values[name] or None for name in ("order_no", "customer", "kind", "status")}
    rows, total = list_messages(**filters, page=values["page"], per_page=values["per_page"])
    return jsonify(messages=[message_json(*row) for row in rows], page=values["page"], per_page=values["per_page"],
                   total=total)
