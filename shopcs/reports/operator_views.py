"""The unpaid-recovery, repurchase, buyer-concerns and assistant pages, their exports, and the concerns' click-through.

Each page reads ?start=&end= (default: the 30 shop-local days ending yesterday), shows every figure beside its
definition, and answers 422 with the problem shown for a bad range. Each table downloads as CSV or JSON.
"""
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, render_template, request

from ..app_config import shop_zone
from ..auth.access import permission_required
from ..windows import Window, WindowError
from .assistant import assistant_report
from .concerns import concerns_report, orders_with
from .exports import FORMATS, download, refused
from .page_support import page_of, window_from_args
from .repurchase import repurchase
from .serializers import COLUMNS, assistant_json, concerns_json, recovery_json, repurchase_json
from .unpaid_recovery import current_grace, unpaid_recovery


@dataclass(frozen=True)
class OperatorReport:
    template: str
    file_name: str  # the downloads' name before the dates
    table: str  # the rows' columns in serializers.COLUMNS
    build: Callable[[Window], object]
    as_json: Callable[[object], dict]


REPORTS = {
    "unpaid_recovery": OperatorReport("reports/unpaid_recovery.html", "unpaid-recovery-by-step", "step",
                                      lambda window: unpaid_recovery(window, shop_zone(), current_grace()), recovery_json),
    "repurchase": OperatorReport("reports/repurchase.html", "repurchase-by-orders-paid", "orders_paid",
                                 lambda window: repurchase(window, shop_zone()), repurchase_json),
    "concerns": OperatorReport("reports/concerns.html", "concerns-by-category", "category",
                               lambda window: concerns_report(window, shop_zone()), concerns_json),
    "assistant": OperatorReport("reports/assistant.html", "assistant-by-kept-category", "kept_category",
                                lambda window: assistant_report(window, shop_zone()), assistant_json),
}


def _page(name: str):
    report = REPORTS[name]
    try:
        window = window_from_args()
    except WindowError as exc:
        return render_template(report.template, window=None, report=None, errors=exc.fields, args=request.args), 422
    return render_template(report.template, window=window, report=report.build(window), errors={}, args=request.args)


def _export(name: str):
    report, kind = REPORTS[name], request.args.get("format", "csv")
    try:
        window = window_from_args()
    except WindowError as exc:
        return refused(exc.fields)
    if kind not in FORMATS:
        return refused({"format": "must be csv or json"})
    file_name = f"{report.file_name}-{window.start.isoformat()}-{window.end.isoformat()}"
    return download(kind, file_name, report.as_json(report.build(window)), COLUMNS[report.table])


@permission_required("reports.view")
def unpaid_recovery_page():
    return _page("unpaid_recovery")


@permission_required("reports.view")
def unpaid_recovery_export():
    return _export("unpaid_recovery")


@permission_required("reports.view")
def repurchase_page():
    return _page("repurchase")


@permission_required("reports.view")
def repurchase_export():
    return _export("repurchase")


@permission_required("reports.view")
def concerns_page():
    return _page("concerns")


@permission_required("reports.view")
def concerns_export():
    return _export("concerns")


@permission_required("reports.view")
def assistant_page():
    return _page("assistant")


@permission_required("reports.view")
def assistant_export():
    return _export("assistant")


@permission_required("reports.view")
def concern_orders():
    """The orders behind one category row (?category=), paged, the latest concern first."""
    category = request.args.get("category", "")[:30]
    if not category:
        abort(404)
    try:
        window = window_from_args()
    except WindowError as exc:
        return render_template("reports/concern_orders.html", window=None, errors=exc.fields, category=category), 422
    pagination, rows = page_of(orders_with(window, shop_zone(), category))
    return render_template("reports/concern_orders.html", window=window, errors={}, category=category, rows=rows,
                           pagination=pagination)


def register(bp: Blueprint) -> None:
    for rule, view in (("/unpaid-recovery", unpaid_recovery_page), ("/unpaid-recovery/export", unpaid_recovery_export),
                       ("/repurchase", repurchase_page), ("/repurchase/export", repurchase_export),
                       ("/concerns", concerns_page), ("/concerns/export", concerns_export),
                       ("/concerns/orders", concern_orders), ("/assistant", assistant_page),
                       ("/assistant/export", assistant_export)):
        bp.add_url_rule(rule, view_func=view)
