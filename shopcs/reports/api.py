"""GET /api/v1/reports/refund-rate: the refund-rate report for the shop's platform tools and spreadsheets."""
from flask import Blueprint, current_app, jsonify, request

from ..api_support import token_required, validation_error
from ..money import money_str
from .refund_rate import BREAKDOWNS, DayRow, ProductRow, ReasonRow, refund_rate
from .windows import WindowError, parse_window

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


def _rate(value) -> str | None:
    return None if value is None else str(value)


def _row(row) -> dict:
    if isinstance(row, DayRow):
        return {"date": row.day.isoformat(), "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": _rate(row.rate), "rolling_30d_rate": _rate(row.rolling_30d_rate)}
    if isinstance(row, ProductRow):
        return {"sku": row.sku, "title": row.title, "paid_orders": row.paid_orders, "refunded_orders": row.refunded_orders,
                "rate": _rate(row.rate), "paid_amount": money_str(row.paid_amount),
                "refunded_amount": money_str(row.refunded_amount)}
    if isinstance(row, ReasonRow):
        return {"reason": row.reason, "refunded_orders": row.refunded_orders, "refunded_amount": money_str(row.refunded_amount)}
    raise TypeError(type(row))


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
    report = refund_rate(window, current_app.config["SHOPCS_TIMEZONE"], by)
    totals = report.totals
    return jsonify(start=window.start.isoformat(), end=window.end.isoformat(), by=by,
                   paid_orders=totals.paid_orders, refunded_orders=totals.refunded_orders, rate=_rate(totals.rate),
                   paid_amount=money_str(totals.paid_amount), refunded_amount=money_str(totals.refunded_amount),
                   amount_rate=_rate(totals.amount_rate), rows=[_row(row) for row in report.rows])
