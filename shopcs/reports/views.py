"""The report pages for operators (and supervisors, admins): figures with their definitions, and exports.

This module holds the blueprint and the refund-rate pages; the unpaid-recovery, repurchase and concerns pages
are in operator_views. The shared pieces (roles, default window, paging, the percent filter) live in
page_support and stay importable from here.
"""
from flask import Blueprint, abort, render_template, request

from ..app_config import shop_zone
from ..auth.access import permission_required
from ..money import from_stored
from ..windows import WindowError
from . import operator_views
from .alerts import load_alert_settings
from .exports import FORMATS, download, refused
from .page_support import (
    PER_PAGE,
    RowsPage,
    clock,
    default_window,
    page_of,
    percent,
    window_from_args,
)
from .refund_rate import BREAKDOWNS, FILTERS, by_agent, by_day, by_product, by_reason, orders_behind, refund_rate, totals
from .serializers import COLUMNS, report_json

__all__ = ["bp", "PER_PAGE", "RowsPage", "default_window", "percent", "window_from_args",
           "_window_from_args"]

bp = Blueprint("reports", __name__, url_prefix="/reports")
_window_from_args = window_from_args  # the name the dashboard imports


@bp.route("/refund-rate")
@permission_required("reports.view")
def refund_rate_page():
    try:
        window = window_from_args()
    except WindowError as exc:
        return render_template("reports/refund_rate.html", window=None, errors=exc.fields, args=request.args), 422
    here = shop_zone()
    return render_template("reports/refund_rate.html", window=window, errors={}, args=request.args,
                           totals=totals(window, here), days=by_day(window, here), reasons=by_reason(window, here),
                           products=by_product(window, here), agents=by_agent(window, here),
                           threshold=load_alert_settings().threshold)


@bp.route("/refund-rate/orders")
@permission_required("reports.view")
def refund_rate_orders():
    """The orders behind one row of a breakdown (?sku=, ?reason= or ?agent=), for the click-through."""
    chosen = {name: request.args[name][:100] for name in FILTERS if name in request.args}
    if len(chosen) != 1:
        abort(404)
    try:
        window = window_from_args()
    except WindowError as exc:
        return render_template("reports/refund_orders.html", window=None, errors=exc.fields, chosen=chosen), 422
    pagination, found = page_of(orders_behind(window, shop_zone(), **chosen))
    rows = [(order, None if fen is None else from_stored(int(fen))) for order, fen in found]
    return render_template("reports/refund_orders.html", window=window, errors={}, chosen=chosen, rows=rows,
                           pagination=pagination)


@bp.route("/refund-rate/export")
@permission_required("reports.view")
def refund_rate_export():
    table, kind = request.args.get("table", "day"), request.args.get("format", "csv")
    try:
        window = window_from_args()
    except WindowError as exc:
        return refused(exc.fields)
    problems = {**({} if table in BREAKDOWNS else {"table": f"must be one of {', '.join(BREAKDOWNS)}"}),
                **({} if kind in FORMATS else {"format": "must be csv or json"})}
    if problems:
        return refused(problems)
    name = f"refund-rate-by-{table}-{window.start.isoformat()}-{window.end.isoformat()}"
    return download(kind, name, report_json(refund_rate(window, shop_zone(), table), table), COLUMNS[table])


operator_views.register(bp)
bp.add_app_template_filter(percent, "percent")
bp.add_app_template_filter(clock, "clock")
