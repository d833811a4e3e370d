"""The refund-rate page for operators (and supervisors, admins): figures with their definitions, and exports."""
import csv
import io
import json
from datetime import timedelta

from flask import Blueprint, Response, current_app, render_template, request

from ..auth.access import roles_required
from ..timeutil import local_date, utcnow
from .refund_rate import BREAKDOWNS, RefundRateReport, by_agent, by_day, by_product, by_reason, refund_rate, totals
from .serializers import COLUMNS, report_json, row_json
from .windows import ROLLING_DAYS, Window, WindowError, parse_window

bp = Blueprint("reports", __name__, url_prefix="/reports")
REPORT_ROLES = ("operator", "supervisor")
UTF8_BOM = "\ufeff"  # so that Excel opens the Chinese in a CSV correctly


def _zone() -> str:
    return current_app.config["SHOPCS_TIMEZONE"]


def default_window() -> Window:
    """The platforms' "30-day refund rate": the 30 shop-local days ending yesterday."""
    yesterday = local_date(utcnow(), _zone()) - timedelta(days=1)
    return Window(yesterday - timedelta(days=ROLLING_DAYS - 1), yesterday)


def _window_from_args() -> Window:
    if not request.args.get("start") and not request.args.get("end"):
        return default_window()
    return parse_window(request.args.get("start"), request.args.get("end"))


@bp.route("/refund-rate")
@roles_required(*REPORT_ROLES)
def refund_rate_page():
    try:
        window = _window_from_args()
    except WindowError as exc:
        return render_template("reports/refund_rate.html", window=None, errors=exc.fields, args=request.args), 422
    zone = _zone()
    return render_template("reports/refund_rate.html", window=window, errors={}, args=request.args,
                           totals=totals(window, zone), days=by_day(window, zone), reasons=by_reason(window, zone),
                           products=by_product(window, zone), agents=by_agent(window, zone))


@bp.route("/refund-rate/export")
@roles_required(*REPORT_ROLES)
def refund_rate_export():
    table, kind = request.args.get("table", "day"), request.args.get("format", "csv")
    try:
        window = _window_from_args()
    except WindowError as exc:
        return Response("; ".join(f"{k}: {v}" for k, v in exc.fields.items()), status=422, mimetype="text/plain")
    if table not in BREAKDOWNS or kind not in ("csv", "json"):
        return Response(f"table must be one of {', '.join(BREAKDOWNS)}; format must be csv or json", status=422,
                        mimetype="text/plain")
    report = refund_rate(window, _zone(), table)
    name = f"refund-rate-by-{table}-{window.start.isoformat()}-{window.end.isoformat()}.{kind}"
    body, mimetype = (_json(report, table), "application/json") if kind == "json" else (_csv(report, table), "text/csv")
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _json(report: RefundRateReport, table: str) -> str:
    return json.dumps(report_json(report, table), ensure_ascii=False, indent=1)


def _csv(report: RefundRateReport, table: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[table], lineterminator="\r\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: _cell(v) for k, v in row_json(row).items()})
    return UTF8_BOM + out.getvalue()


def _cell(value):
    """A product title from a platform must not run as a formula in the operator's spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def percent(rate) -> str:
    """0.0375 → "3.75%"; no rate (nothing paid) → "—"."""
    return "—" if rate is None else f"{rate * 100:.2f}%"


bp.add_app_template_filter(percent, "percent")
