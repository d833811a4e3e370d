"""The work-log page (/worklog/: one person's day, notes, submit) and the team report (/reports/team, printable,
CSV and JSON). Each view parses its input, calls one service and renders."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...app_config import shop_zone
from ...auth.access import current_actor, may, permission_required
from ...auth.models import User
from ...errors import Conflict, Forbidden, Invalid
from ...extensions import db
from ...timeutil import local_date, utcnow
from ...windows import FIRST_DAY, LAST_DAY, WindowError, parse_day
from ..exports import FORMATS, download, refused
from ..page_support import clock, percent
from . import worklog
from .report import columns, parse_period, report_json, team_report

bp = Blueprint("worklog", __name__)
CASE_ENDPOINTS = ("cases.case_page", "cases.detail", "cases.show")  # the case page, once it exists


def _day(text: str | None) -> date | None:
    """Today when not given; None when not a day the one bounded parser accepts (the page answers 422)."""
    return parse_day(text)[0] if text else local_date(utcnow(), shop_zone())


def _person(username: str | None) -> User:
    """The log's owner: oneself, or (for supervisors and admins) anyone by ?user=."""
    if not username or username == current_user.username:
        return current_user
    if not may("worklog.read_others"):
        abort(403)
    return db.session.scalar(select(User).where(User.username == username[:64])) or abort(404)


def _case_url(case_id: int) -> str | None:
    endpoint = next((name for name in CASE_ENDPOINTS if name in current_app.view_functions), None)
    return url_for(endpoint, case_id=case_id) if endpoint else None


def _render_log(person: User, day: date | None, errors: dict, notes: str | None = None, status: int = 200):
    if day is None:
        problem = _("must be a date as YYYY-MM-DD from %(first)s to %(last)s", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
        return render_template("worklog/log.html", person=person, day=None, errors={"day": problem}, args=request.args), 422
    log = worklog.get_log(person, day)
    submitted = log is not None and log.submitted_at is not None
    figures = worklog.DayFigures.from_json(log.summary) if submitted else worklog.day_figures(person, day, shop_zone())
    editable = person.id == current_user.id and not submitted and day <= local_date(utcnow(), shop_zone())
    return render_template("worklog/log.html", person=person, day=day, log=log, figures=figures, editable=editable,
                           errors=errors, notes=notes if notes is not None else (log.notes if log else ""),
                           figure_names=worklog.FIGURES, case_url=_case_url, args=request.args), status


@bp.route("/worklog/")
@permission_required("worklog.keep")
def log_page():
    return _render_log(_person(request.args.get("user")), _day(request.args.get("day")), {})


def _write(action):
    day = _day(request.form.get("day"))
    if day is None:
        return _render_log(current_user, None, {})
    try:
        action(day)
    except Forbidden:
        abort(403)
    except Invalid as exc:
        db.session.rollback()
        return _render_log(current_user, day, exc.fields, request.form.get("notes"), 422)
    except Conflict as exc:
        flash(_(exc.message), "error")
    return redirect(url_for("worklog.log_page", day=day.isoformat()))


@bp.route("/worklog/notes", methods=["POST"])
@permission_required("worklog.keep")
def save_notes():
    def action(day):
        worklog.save_notes(current_user, day, request.form.get("notes", ""), current_actor(), utcnow(), shop_zone())
        flash(_("Notes saved."), "success")
    return _write(action)


@bp.route("/worklog/submit", methods=["POST"])
@permission_required("worklog.keep")
def submit():
    def action(day):
        worklog.submit(current_user, day, current_actor(), utcnow(), shop_zone())
        flash(_("Work log submitted."), "success")
    return _write(action)


def _team_window():
    today = local_date(utcnow(), shop_zone())
    return parse_period(request.args.get("period"), request.args.get("day"), today), request.args.get("period") or "week"


@bp.route("/reports/team")
@permission_required("reports.view")
def team_page():
    try:
        window, period = _team_window()
    except WindowError as exc:
        return render_template("worklog/team.html", report=None, errors=exc.fields, args=request.args), 422
    report = team_report(window, shop_zone(), utcnow(), period)
    return render_template("worklog/team.html", report=report, errors={}, args=request.args, percent=percent, clock=clock)


@bp.route("/reports/team/export")
@permission_required("reports.view")
def team_export():
    kind = request.args.get("format", "csv")
    try:
        window, period = _team_window()
    except WindowError as exc:
        return refused(exc.fields)
    if kind not in FORMATS:
        return refused({"format": "must be csv or json"})
    body = report_json(team_report(window, shop_zone(), utcnow(), period), shop_zone())
    return download(kind, f"team-report-{period}-{window.start.isoformat()}-{window.end.isoformat()}", body, columns())
