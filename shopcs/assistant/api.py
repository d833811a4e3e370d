"""POST /api/v1/assistant/classify: the assistant's category for a buyer's text, for any integration."""
from flask import Blueprint, jsonify
from flask_babel import lazy_gettext as _l

from ..api_support import token_required
from ..apischema.operations import ASSISTANT, describe
from ..apischema.requests import body_values
from ..apischema.shapes import obj, out_obj, text
from ..cases.rules import BODY_MAX
from .classify import CATEGORIES, Suggestion
from .service import suggest

bp = Blueprint("assistant_api", __name__, url_prefix="/api/v1/assistant")

CLASSIFY_BODY = obj({"text": text(BODY_MAX, required=True, description=_l("The buyer's message."))}, required=("text",))
_CATEGORY = {"type": "string", "enum": list(CATEGORIES)}
_CONFIDENCE = {"type": "number", "minimum": 0, "maximum": 1, "description": _l("The model's probability, 0 to 1.")}
GUESS_OUT = out_obj({"category": _CATEGORY, "confidence": _CONFIDENCE})
CLASSIFY_OUT = out_obj({"category": _CATEGORY, "confidence": _CONFIDENCE,
                        "alternatives": {"type": "array", "items": GUESS_OUT}})


def suggestion_json(suggestion: Suggestion) -> dict:
    return {"category": suggestion.category, "confidence": suggestion.confidence,
            "alternatives": [{"category": g.category, "confidence": g.confidence} for g in suggestion.alternatives]}


@bp.post("/classify")
@describe(tag=ASSISTANT, summary=_l("Sort a buyer's message"), body=CLASSIFY_BODY, responses={200: CLASSIFY_OUT},
          errors=(400, 401, 413, 422),
          description=_l("The case category the message is most likely about (tracking, payment, claim, after_sales, "
                         "pre_sale, complaint), with its confidence and the other categories, most likely first. "
                         "Sorted here, offline, by a model trained on the shop's data."))
@token_required
def classify():
    data = body_values(CLASSIFY_BODY, message=_l("The request has invalid fields."))
    return jsonify(suggestion_json(suggest(data["text"])))
