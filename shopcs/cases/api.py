"""/api/v1/cases: a chat or email integration opens cases; anyone with a token reads one with its timeline."""
from flask import Blueprint, g, jsonify, url_for

from ..api_support import ApiError, error_response, json_body, token_required, validation_error
from ..errors import ServiceError
from ..extensions import db
from ..timeutil import TimeError, parse_aware, utcnow
from .creation import create_case
from .inputs import CaseInput
from .queries import get_case
from .serializers import case_json

bp = Blueprint("cases_api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _body() -> dict:
    try:
        return json_body()
    except RecursionError as exc:
        raise ApiError(400, "bad_request", "The JSON is nested too deeply.") from exc


def _case_input(data: dict) -> CaseInput:
    """Only the shapes JSON cannot say are checked here (the time); the service judges the values."""
    received_at = data.get("received_at")
    if received_at is not None:
        try:
            received_at = parse_aware(received_at)
        except (TimeError, OverflowError) as exc:
            raise validation_error({"received_at": str(exc) if isinstance(exc, TimeError) else "is out of range"}) from exc
    return CaseInput(category=data.get("category"), channel=data.get("channel"), subject=data.get("subject"),
                     body=data.get("body"), received_at=received_at, severity=data.get("severity") or "normal",
                     order_no=data.get("order_no"), customer=data.get("customer"))


@bp.post("/cases")
@token_required
def post_case():
    now = utcnow()
    case = create_case(_case_input(_body()), g.actor, now)
    response = jsonify(case_json(get_case(case.id), now))
    response.status_code = 201
    response.headers["Location"] = url_for(".show_case", case_id=case.id)
    return response


@bp.get("/cases/<int:case_id>")
@token_required
def show_case(case_id):
    return jsonify(case_json(get_case(case_id), utcnow()))
