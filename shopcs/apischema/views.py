"""GET /api/v1/openapi.json (public: the API's shape is no secret, every call still needs a token) and the
API page /api-docs for the people who connect the shop's systems (supervisors, operators, admins). Both come from the
same document."""
from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..auth.access import permission_required
from .document import openapi_document
from .operations import DESCRIPTION, describe
from .page import operations_by_tag

api_bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
bp = Blueprint("api_docs", __name__)


@api_bp.get("/openapi.json")
@describe(tag=DESCRIPTION, summary=_l("This description, as OpenAPI 3.1"), responses={200: {"type": "object"}},
          errors=(), public=True)
def openapi_json():
    with force_locale("en"):
        return jsonify(openapi_document(current_app))


@bp.get("/api-docs")
@permission_required("api_docs.view")
def api_docs():
    document = openapi_document(current_app)
    return render_template("api_docs.html", document=document, groups=operations_by_tag(document))
