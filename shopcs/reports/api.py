"""GET /api/v1/reports/refund-rate: the refund-rate report for the shop's platform tools and spreadsheets."""
from flask import Blueprint, current_app, jsonify, request

from ..api_support import token_required, validation_error
from .refund_rate import BREAKDOWNS, refund_rate
from .serializers import report_json
from .windows import WindowError, parse_window

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


@bp.get("/refund-rate")
@token_required
def refund_rate_report():
    by = request.args.get("by", "day")
    try:
        window = parse_window(request.args.get("start"), request.args.get("end"))
    except WindowError as exc:
        fields = exc.fields
    else:
        fields = {}
    if by not in BREAKDOWNS:
        fields["by"] = f"must be one of {', '.join(BREAKDOWNS)}"
    if fields:
        raise validation_error(fields)
    return jsonify(report_json(refund_rate(window, current_app.config["SHOPCS_TIMEZONE"], by), by))
