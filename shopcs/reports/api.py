"""GET /api/v1/reports/…: the operator reports for the shop's platform tools and spreadsheets.

Every report takes ?start=&end= (YYYY-MM-DD, shop-local days, both included, at most 3 years) and answers 422
naming each bad parameter. The definitions are in each report's module: refund_rate, unpaid_recovery,
repurchase, concerns.
"""
from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l

from ..api_support import token_required, validation_error
from ..apischema.check import check_params
from ..apischema.operations import REPORTS, describe, param
from ..apischema.shapes import choice
from ..app_config import shop_zone
from ..windows import FIRST_DAY, LAST_DAY, MAX_DAYS, Window, WindowError, parse_window
from .assistant import assistant_report
from .concerns import concerns_report
from .refund_rate import BREAKDOWNS, refund_rate
from .repurchase import repurchase
from .serializers import (
    ASSISTANT_OUT,
    CONCERNS_OUT,
    RECOVERY_OUT,
    REFUND_RATE_OUT,
    REPURCHASE_OUT,
    assistant_json,
    concerns_json,
    recovery_json,
    report_json,
    repurchase_json,
)
from .unpaid_recovery import current_grace, unpaid_recovery

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")
_DAY = {"type": "string", "format": "date", "x-parse": "date", "examples": ["2026-03-01"],
        "description": f"From {FIRST_DAY} to {LAST_DAY}."}
WINDOW = (param("start", "query", _DAY, _l("First shop-local day (YYYY-MM-DD), included."), required=True),
          param("end", "query", _DAY, _l("Last shop-local day (YYYY-MM-DD), included; at most 3 years after start."),
                required=True))
BY = param("by", "query", choice(BREAKDOWNS, default="day"), _l("Rows by day, product, reason or agent."))


def _window(parameters=WINDOW) -> tuple[Window, dict]:
    """The ?start=&end= window and the other declared values; a 422 naming every bad parameter."""
    values, fields = check_params(list(parameters), {"query": request.args})
    if not fields:
        try:
            return parse_window(request.args["start"], request.args["end"]), values
        except WindowError as exc:
            fields = exc.fields
    raise validation_error(fields)


WINDOW_TEXT = _l("Shop-local days, both ends included, at most %(days)s days.", days=MAX_DAYS)


def _report(summary, response, parameters=WINDOW):
    return describe(tag=REPORTS, summary=summary, parameters=parameters, responses={200: response}, errors=(401, 422),
                    description=WINDOW_TEXT)


@bp.get("/refund-rate")
@_report(_l("Refund rate"), REFUND_RATE_OUT, parameters=(*WINDOW, BY))
@token_required
def refund_rate_report():
    window, values = _window((*WINDOW, BY))
    return jsonify(report_json(refund_rate(window, shop_zone(), values["by"]), values["by"]))


@bp.get("/unpaid-recovery")
@_report(_l("Unpaid orders recovered by reminders"), RECOVERY_OUT)
@token_required
def unpaid_recovery_report():
    return jsonify(recovery_json(unpaid_recovery(_window()[0], shop_zone(), current_grace())))


@bp.get("/repurchase")
@_report(_l("Returning customers"), REPURCHASE_OUT)
@token_required
def repurchase_report():
    return jsonify(repurchase_json(repurchase(_window()[0], shop_zone())))


@bp.get("/concerns")
@_report(_l("Concerns before paying, and how many paid since"), CONCERNS_OUT)
@token_required
def concerns_report_api():
    return jsonify(concerns_json(concerns_report(_window()[0], shop_zone())))


@bp.get("/assistant")
@_report(_l("How often the assistant's category was kept, and what it answered alone"), ASSISTANT_OUT)
@token_required
def assistant_report_api():
    return jsonify(assistant_json(assistant_report(_window()[0], shop_zone())))
