"""GET /api/v1/reports/…: the operator reports for the shop's platform tools and spreadsheets.

Every report takes ?start=&end= (YYYY-MM-DD, shop-local days, both included, at most 3 years) and answers 422
naming each bad parameter. The definitions are in each report's module: refund_rate, unpaid_recovery,
repurchase, concerns.
"""
from flask import Blueprint, current_app, jsonify, request

from ..api_support import token_required, validation_error
from .concerns import concerns_report
from .refund_rate import BREAKDOWNS, refund_rate
from .repurchase import repurchase
from .serializers import concerns_json, recovery_json, report_json, repurchase_json
from .unpaid_recovery import current_grace, unpaid_recovery
from .windows import Window, WindowError, parse_window

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


def _zone() -> str:
    return current_app.config["SHOPCS_TIMEZONE"]


def _window(**problems) -> Window:
    """The ?start=&end= window; a 422 naming every bad parameter, the other `problems` included."""
    try:
        window = parse_window(request.args.get("start"), request.args.get("end"))
    except WindowError as exc:
        problems = {**exc.fields, **problems}
    if problems:
        raise validation_error(problems)
    return window


@bp.get("/refund-rate")
@token_required
def refund_rate_report():
    by = request.args.get("by", "day")
    window = _window(**({} if by in BREAKDOWNS else {"by": f"must be one of {', '.join(BREAKDOWNS)}"}))
    return jsonify(report_json(refund_rate(window, _zone(), by), by))


@bp.get("/unpaid-recovery")
@token_required
def unpaid_recovery_report():
    return jsonify(recovery_json(unpaid_recovery(_window(), _zone(), current_grace())))


@bp.get("/repurchase")
@token_required
def repurchase_report():
    return jsonify(repurchase_json(repurchase(_window(), _zone())))


@bp.get("/concerns")
@token_required
def concerns_report_api():
    return jsonify(concerns_json(concerns_report(_window(), _zone())))
