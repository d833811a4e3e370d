"""The refund-rate page for operators (and supervisors, admins): figures with their definitions, and exports."""
import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from sqlalchemy import func, select

from ..auth.access import roles_required
from ..extensions import db
from ..money import from_fen
from ..paging import page_number
from ..timeutil import local_date, utcnow
from .refund_rate import (
    BREAKDOWNS,
    FILTERS,
    RefundRateReport,
    by_agent,
    by_day,
    by_product,
    by_reason,
    orders_behind,
    refund_rate,
    totals,
)
from .serializers import COLUMNS, report_json, row_json
from .windows import ROLLING_DAYS, Window, WindowError, parse_window

bp = Blueprint("reports", __name__, url_prefix="/reports")
REPORT_ROLES = ("operator", "supervisor")
PER_PAGE = 50
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


@bp.route("/refund-rate/orders")
@roles_required(*REPORT_ROLES)
def refund_rate_orders():
    """The orders behind one row of a breakdown (?sku=, ?reason= or ?agent=), for the click-through."""
    chosen = {name: request.args[name][:100] for name in FILTERS if name in request.args}
    if len(chosen) != 1:
        abort(404)
    try:
        window = _window_from_args()
    except WindowError as exc:
        return render_template("reports/refund_orders.html", window=None, errors=exc.fields, chosen=chosen), 422
    statement = orders_behind(window, _zone(), **chosen)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    last_page = RowsPage(page=1, per_page=PER_PAGE, total=total).pages
    pagination = RowsPage(page=min(page_number(request.args), last_page), per_page=PER_PAGE, total=total)
    rows = [(order, None if fen is None else from_fen(int(fen)))
            for order, fen in db.session.execute(statement.limit(PER_PAGE).offset(pagination.offset))]
    return render_template("reports/refund_orders.html", window=window, errors={}, chosen=chosen, rows=rows,
                           pagination=pagination)


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


@dataclass(frozen=True)
class RowsPage:
    """Paging facts in the shape of Flask-SQLAlchemy's Pagination, for the shared pager macro."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def percent(rate) -> str:
    """0.0375 → "3.75%"; no rate (nothing paid) → "—"."""
    return "—" if rate is None else f"{rate * 100:.2f}%"


bp.add_app_template_filter(percent, "percent")
