"""The owner's buttons: "Take it" on a case, "Mark as given" on a reply waiting on the manual channel, and an agent's
own switch between available and away (on the queue). Each POST calls one service and goes back where it came from."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, permission_required
from ..errors import ServiceError
from ..extensions import db
from ..followup.forms import ActionForm
from ..redirects import safe_local_path
from ..timeutil import utcnow
from .case_views import abort_if_refused, case_or_abort
from .owners import set_available, take
from .reply_status import mark_given


def _post(action, done: str, back: str):
    """CSRF first; a refused change (404 and 403 as pages) is flashed and changes nothing."""
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(back)
    try:
        action(current_actor(), utcnow())
    except ServiceError as exc:
        db.session.rollback()
        abort_if_refused(exc)
        flash(_("Nothing was changed: %(reason)s", reason=str(exc.message)), "error")
    else:
        flash(done, "info")
    return redirect(back)


@permission_required("cases.work")
def take_case(case_id):
    case_or_abort(case_id)
    return _post(lambda actor, now: take(case_id, actor, now), _("The case is yours."),
                 url_for("cases.case_page", case_id=case_id))


@permission_required("cases.work")
def give_reply(case_id, event_id):
    case_or_abort(case_id)
    return _post(lambda actor, now: mark_given(case_id, event_id, actor, now), _("Reply marked as given."),
                 url_for("cases.case_page", case_id=case_id) + "#timeline")


@permission_required("cases.available")
def availability():
    available = request.form.get("available") == "1"
    back = safe_local_path(request.form.get("next"), url_for("cases.queue"))
    return _post(lambda actor, now: set_available(actor, available, now),
                 _("You are available for new conversations.") if available else _("You are away: no new conversation comes to you."),
                 back)


def register(bp) -> None:
    bp.add_url_rule("/<dbid:case_id>/take", view_func=take_case, methods=["POST"])
    bp.add_url_rule("/<dbid:case_id>/replies/<dbid:event_id>/given", view_func=give_reply, methods=["POST"])
    bp.add_url_rule("/availability", view_func=availability, methods=["POST"])
