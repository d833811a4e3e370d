"""/api/v1/cases: a chat or email integration opens cases; anyone with a token reads one with its timeline."""
from flask import Blueprint, current_app, g, jsonify, url_for
from flask_babel import lazy_gettext as _l

from ..api_support import error_response, token_required
from ..apischema.operations import CASES, describe, paging, param
from ..apischema.requests import body_values, param_values, query_args
from ..apischema.shapes import choice, obj, text, time
from ..app_config import outbox_channel, shop_zone
from ..assistant.reading import read_message
from ..errors import ServiceError
from ..extensions import db
from ..notify.mail_headers import mail_domain
from ..orders.schemas import CUSTOMER, ORDER_NO
from ..timeutil import utcnow
from .creation import create_case
from .inputs import CaseInput
from .queries import get_case, list_cases
from .rules import BODY_MAX, CATEGORIES, CHANNELS, SEVERITIES, STATUSES, SUBJECT_MAX
from .serializers import CASE_OUT, CASE_SUMMARY_OUT, EVENT_OUT, case_json, event_json
from .work import reply

bp = Blueprint("cases_api", __name__, url_prefix="/api/v1")
CASE_ID = {"case_id": {"type": "integer", "minimum": 0, "examples": [1]}}
LIST_PARAMS = (
    param("channel", "query", choice(CHANNELS), _l("Only cases on this channel.")),
    param("status", "query", choice(STATUSES), _l("Only cases in this status.")),
    param("updated_since", "query", time(), _l("Only cases changed at or after this time (ISO 8601 with an offset).")),
    *paging(),
)
CASE_PAGE = {"type": "object", "required": ["cases", "page", "per_page", "total"],
             "properties": {"cases": {"type": "array", "items": CASE_SUMMARY_OUT}, "page": {"type": "integer"},
                            "per_page": {"type": "integer"}, "total": {"type": "integer"}}}
REPLY_BODY = obj({"body": text(BODY_MAX, required=True)}, required=("body",))

# POST /api/v1/cases: the structure the API checks first; case_problems() then judges the values as for agents.
CASE_BODY = obj({
    "category": choice(CATEGORIES), "channel": choice(CHANNELS),
    "severity": choice(SEVERITIES, nullable=True, default="normal"),
    "subject": text(SUBJECT_MAX, required=True), "body": text(BODY_MAX, required=True),
    "received_at": time(nullable=True, description=_l("When the customer wrote; now if absent. Not in the future.")),
    "order_no": {**ORDER_NO, "type": ["string", "null"], "description": _l("The order the case is about, if any.")},
    "customer": {**CUSTOMER, "type": ["object", "null"], "description": _l("The customer, when there is no order_no.")},
}, required=("category", "channel", "subject", "body"))


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _case_input() -> CaseInput:
    """The body's structure is checked here; the service judges the values (a time in the future, an unknown order)."""
    data = body_values(CASE_BODY, message=_l("The case has invalid fields."))
    return CaseInput(category=data["category"], channel=data["channel"], subject=data["subject"], body=data["body"],
                     received_at=data["received_at"], severity=data["severity"] or "normal",
                     order_no=data["order_no"], customer=data["customer"], reading=read_message(data["body"]))


@bp.post("/cases")
@describe(tag=CASES, summary=_l("Open a case"), body=CASE_BODY, responses={201: CASE_OUT}, errors=(400, 401, 404, 409, 413, 422),
          description=_l("A customer's message from a chat or email integration. Answers 201 with the case and its "
                         "Location; an unknown order_no is 404."))
@token_required
def post_case():
    now = utcnow()
    case = create_case(_case_input(), g.actor, now, shop_zone(), outbox_channel=outbox_channel())
    response = jsonify(case_json(get_case(case.id), now))
    response.status_code = 201
    response.headers["Location"] = url_for(".show_case", case_id=case.id)
    return response


@bp.get("/cases")
@describe(tag=CASES, summary=_l("List cases by update time"), parameters=LIST_PARAMS, responses={200: CASE_PAGE},
          errors=(401, 422), description=_l("Each case as one case reads, without its timeline."))
@token_required
def index_cases():
    values = param_values(LIST_PARAMS, query_args())
    now = utcnow()
    cases, total = list_cases(values["channel"], values["status"], values["updated_since"], values["page"],
                              values["per_page"])
    return jsonify(cases=[case_json(case, now, with_events=False) for case in cases], page=values["page"],
                   per_page=values["per_page"], total=total)


@bp.post("/cases/<int:case_id>/replies")
@describe(tag=CASES, summary=_l("Reply to the buyer"), body=REPLY_BODY, responses={201: EVENT_OUT},
          errors=(400, 401, 404, 413, 422), path_schemas=CASE_ID,
          description=_l("A reply by the integration (a bot, say), sent to the buyer through the case's channel as an "
                         "agent's is."))
@token_required
def post_reply(case_id):
    data = body_values(REPLY_BODY, message=_l("The reply has invalid fields."))
    event = reply(case_id, data["body"], g.actor, utcnow(), send=True,
                  mail_domain=mail_domain(current_app.config["SHOPCS_SMTP_FROM"]), outbox_channel=outbox_channel())
    return jsonify(event_json(event)), 201


@bp.get("/cases/<int:case_id>")
@describe(tag=CASES, summary=_l("Read a case with its timeline"), responses={200: CASE_OUT}, errors=(401, 404),
          path_schemas=CASE_ID)
@token_required
def show_case(case_id):
    return jsonify(case_json(get_case(case_id), utcnow()))
