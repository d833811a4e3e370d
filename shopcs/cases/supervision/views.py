"""The supervisors' review pages: all complaints with their follow-up, and the missed first-response targets.

Supervisors and admins review; operators read the same pages (they adjust the shop's strategy from them) but
cannot open a case, so their rows carry no link. Both pages read ?start=&end= as the report pages do; their
default is the 30 shop-local days ending today, because a supervisor's review is most about today's complaints.
"""
from datetime import timedelta

from flask import Blueprint, render_template, request

from ...app_config import shop_zone
from ...auth.access import may, permission_required
from ...reports.exports import FORMATS, download, refused
from ...reports.page_support import page_of
from ...timeutil import local_date, utcnow
from ...windows import ROLLING_DAYS, Window, WindowError, parse_window
from ..rules import CHANNELS, SEVERITIES, STATUSES
from ..view_support import duration_text
from .breaches import COLUMNS as BREACH_COLUMNS
from .breaches import BreachRow, breach_counts, breaches_json, breaches_statement
from .complaints import COLUMNS, ComplaintRow, complaint_counts, complaints_statement, filter_from_args, review_json

bp = Blueprint("complaints", __name__)


def review_window() -> Window:
    """?start=&end= (YYYY-MM-DD), or the 30 shop-local days ending today; raises WindowError."""
    if not request.args.get("start") and not request.args.get("end"):
        today = local_date(utcnow(), shop_zone())
        return Window(today - timedelta(days=ROLLING_DAYS - 1), today)
    return parse_window(request.args.get("start"), request.args.get("end"))


def _export_problems(window_error: WindowError | None) -> dict:
    problems = dict(window_error.fields) if window_error else {}
    if request.args.get("format", "csv") not in FORMATS:
        problems["format"] = "must be csv or json"
    return problems


def _window_or_error() -> tuple[Window | None, WindowError | None]:
    try:
        return review_window(), None
    except WindowError as exc:
        return None, exc


@bp.route("/complaints/")
@permission_required("complaints.review")
def review():
    chosen, (window, error) = filter_from_args(request.args), _window_or_error()
    common = {"chosen": chosen, "severities": SEVERITIES, "statuses": STATUSES, "args": request.args,
              "may_open": may("cases.work")}
    if window is None:
        return render_template("complaints/review.html", window=None, errors=error.fields, **common), 422
    pagination, found = page_of(complaints_statement(window, shop_zone(), chosen))
    return render_template("complaints/review.html", window=window, errors={}, counts=complaint_counts(window, shop_zone()),
                           rows=[ComplaintRow(*row) for row in found], pagination=pagination, now=utcnow(), **common)


@bp.route("/complaints/export")
@permission_required("complaints.review")
def review_export():
    window, error = _window_or_error()
    problems = _export_problems(error)
    if problems:
        return refused(problems)
    name = f"complaints-{window.start.isoformat()}-{window.end.isoformat()}"
    body = review_json(window, shop_zone(), filter_from_args(request.args), utcnow())
    return download(request.args.get("format", "csv"), name, body, COLUMNS)


@bp.route("/cases/breaches")
@permission_required("complaints.review")
def breaches():
    channel = request.args.get("channel", "") if request.args.get("channel") in CHANNELS else ""
    window, error = _window_or_error()
    common = {"channel": channel, "channels": CHANNELS, "args": request.args, "may_open": may("cases.work")}
    if window is None:
        return render_template("complaints/breaches.html", window=None, errors=error.fields, **common), 422
    now = utcnow()
    total, lines = breach_counts(window, shop_zone(), now)
    pagination, found = page_of(breaches_statement(window, shop_zone(), now, channel))
    return render_template("complaints/breaches.html", window=window, errors={}, total=total, lines=lines, now=now,
                           rows=[BreachRow(*row) for row in found], pagination=pagination, **common)


@bp.route("/cases/breaches/export")
@permission_required("complaints.review")
def breaches_export():
    window, error = _window_or_error()
    problems = _export_problems(error)
    if problems:
        return refused(problems)
    channel = request.args.get("channel", "") if request.args.get("channel") in CHANNELS else ""
    name = f"response-breaches-{window.start.isoformat()}-{window.end.isoformat()}"
    return download(request.args.get("format", "csv"), name, breaches_json(window, shop_zone(), utcnow(), channel),
                    BREACH_COLUMNS)


@bp.app_template_filter("case_seconds")
def _seconds_text(seconds: int | None) -> str:
    """A first-response or lateness time in whole seconds as "3 h 59 min"; none as "—"."""
    return "—" if seconds is None else duration_text(timedelta(seconds=seconds), round_up=False)

