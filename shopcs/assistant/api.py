"""The assistant's API, for any integration: POST /api/v1/assistant/classify (a buyer's text sorted into a case
category) and GET /api/v1/cases/<id>/suggestions (the reply templates that fit a case's latest buyer message, filled).
One blueprint under /api/v1, so that the case route sits with the case routes while its code stays here."""
from flask import Blueprint, g, jsonify
from flask_babel import lazy_gettext as _l

from ..api_support import error_response, token_required
from ..apischema.operations import ASSISTANT, describe
from ..apischema.requests import body_values
from ..apischema.shapes import obj, out_obj, text
from ..cases.queries import get_case
from ..cases.rules import BODY_MAX
from ..errors import ServiceError
from ..extensions import db
from ..web import template_language
from .classify import CATEGORIES, Suggestion
from .drafts import case_drafts
from .service import suggest

bp = Blueprint("assistant_api", __name__, url_prefix="/api/v1")

CLASSIFY_BODY = obj({"text": text(BODY_MAX, required=True, description=_l("The buyer's message."))}, required=("text",))
_CATEGORY = {"type": "string", "enum": list(CATEGORIES)}
_CONFIDENCE = {"type": "number", "minimum": 0, "maximum": 1, "description": _l("The model's probability, 0 to 1.")}
GUESS_OUT = out_obj({"category": _CATEGORY, "confidence": _CONFIDENCE})
CLASSIFY_OUT = out_obj({"category": _CATEGORY, "confidence": _CONFIDENCE,
                        "alternatives": {"type": "array", "items": GUESS_OUT}})
CASE_ID = {"case_id": {"type": "integer", "minimum": 0, "examples": [1]}}
SUGGESTIONS_OUT = out_obj({
    "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None],
                 "description": _l("The assistant's category for the buyer's latest message; null when it is empty.")},
    "confidence": {**_CONFIDENCE, "type": ["number", "null"]},
    "replies": {"type": "array", "maxItems": 3, "items": out_obj({
        "template": {"type": "string", "description": _l("The reply template's key.")},
        "text": {"type": "string", "description": _l("The template filled with the case's values, as plain text.")}})},
})


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def suggestion_json(suggestion: Suggestion) -> dict:
    return {"category": suggestion.category, "confidence": suggestion.confidence,
            "alternatives": [{"category": g.category, "confidence": g.confidence} for g in suggestion.alternatives]}


@bp.post("/assistant/classify")
@describe(tag=ASSISTANT, summary=_l("Sort a buyer's message"), body=CLASSIFY_BODY, responses={200: CLASSIFY_OUT},
          errors=(400, 401, 413, 422),
          description=_l("The case category the message is most likely about (tracking, payment, claim, after_sales, "
                         "pre_sale, complaint), with its confidence and the other categories, most likely first. "
                         "Sorted here, offline, by a model trained on the shop's data."))
@token_required
def classify():
    data = body_values(CLASSIFY_BODY, message=_l("The request has invalid fields."))
    return jsonify(suggestion_json(suggest(data["text"])))


@bp.get("/cases/<int:case_id>/suggestions")
@describe(tag=ASSISTANT, summary=_l("Suggest replies for a case"), responses={200: SUGGESTIONS_OUT}, errors=(401, 404),
          path_schemas=CASE_ID,
          description=_l("The assistant's category for the buyer's latest message, with its confidence, and up to three "
                         "reply templates that fit it, filled with the case's order values (tracking number, ship date, "
                         "refund, the buyer's name), best first. A template is offered only when every value it uses "
                         "is known; it is in the buyer's language when the message shows it, else in the request's."))
@token_required
def case_suggestions(case_id):
    drafts = case_drafts(get_case(case_id), g.actor, template_language())
    return jsonify(category=drafts.category, confidence=drafts.confidence,
                   replies=[{"template": row["template"], "text": row["text"]} for row in drafts.replies])
