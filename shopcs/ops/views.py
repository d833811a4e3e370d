"""GET /metrics for Prometheus (the API token) and GET /admin/jobs, the scheduler jobs page (admins)."""
from datetime import timedelta

from flask import Blueprint, Response, current_app, g, render_template
from flask_babel import format_decimal, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..api_support import error_response, token_required
from ..auth.access import permission_required
from ..auth.policy import actor_allows
from ..i18n_labels import JOB_LABELS
from ..timeutil import utcnow
from .gauges import DatabaseCollector
from .jobs_page import job_rows
from .metrics import CONTENT_TYPE, exposition
from .rules import LATE_AFTER_INTERVALS

bp = Blueprint("ops", __name__)


@bp.app_template_filter("interval_text")
def interval_text(seconds: int) -> str:
    """"15 seconds", "10 minutes", "1 day" in the reader's language."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1)


@bp.app_template_filter("duration_text")
def duration_text(milliseconds: int) -> str:
    """"535 ms", "3.4 s"."""
    if milliseconds < 1000:
        return _("%(ms)s ms", ms=milliseconds)
    return _("%(seconds)s s", seconds=format_decimal(milliseconds / 1000, "#,##0.0"))


def _intervals() -> dict[str, int]:
    """The jobs this configuration schedules: the scheduler's own table, read here (importing it starts nothing)."""
    from ..followup.scheduler import jobs_for

    return {job.id: job.seconds for job in jobs_for(current_app.config)}


@bp.route("/metrics")
@token_required
def metrics():
    if not actor_allows(g.actor, "metrics.read"):
        return error_response(403, "forbidden", _l("This token may not read the metrics."))
    body = exposition(DatabaseCollector(utcnow(), _intervals()))
    return Response(body, content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


@bp.route("/admin/jobs")
@permission_required("jobs.view")
def jobs():
    return render_template("ops/jobs.html", rows=job_rows(_intervals(), utcnow()), labels=JOB_LABELS,
                           late_after=LATE_AFTER_INTERVALS)
