"""The two URLs the agents' open pages poll (static/live.js): /cases/live for the queue and the top bar, and
/cases/<id>/events for the open case page. Short polls of the database, answered by any worker: why, in
bench/README.md ("Conversations")."""
from flask import Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

from ...api_support import INVALID_FIELDS, error_response
from ...auth.access import permission_required
from ...followup.forms import ActionForm
from ...timeutil import utcnow
from ..case_views import case_or_abort
from ..reply_status import reply_states
from ..view_support import current_viewer
from . import service

BAD_CURSOR = _l("must be a whole number")


def _cursor(name: str) -> int | None:
    """The query parameter as an event id; None when absent; ValueError when it is not one."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValueError(name)
    return int(raw)


def _bad(name: str):
    return error_response(400, "invalid", INVALID_FIELDS, {name: BAD_CURSOR})


@permission_required("cases.work")
def live():
    """{cursor, waiting, changed: [{case_id, last_message_id, unread}]}: the buyer messages after `since` on the
    cases this person may see."""
    try:
        since = _cursor("since")
    except ValueError:
        return _bad("since")
    state = service.live(current_viewer(), since, utcnow())
    response = jsonify({"cursor": state.cursor, "waiting": state.waiting,
                        "changed": [{"case_id": c.case_id, "last_message_id": c.last_message_id, "unread": c.unread}
                                    for c in state.changed]})
    response.headers["Cache-Control"] = "no-store"
    return response


@permission_required("cases.work")
def case_events(case_id):
    """The case's timeline lines after event `after`, as the case page renders them (204 when there are none);
    showing them counts as seeing them."""
    try:
        after = _cursor("after")
    except ValueError:
        return _bad("after")
    if after is None:
        return _bad("after")
    case = case_or_abort(case_id)
    events = service.events_after(case.id, after)
    if not events:
        return Response(status=204, headers={"Cache-Control": "no-store"})
    html = render_template("cases/_events.html", events=events, case=case, reply_states=reply_states(events),
                           action_form=ActionForm(formdata=None))
    service.mark_seen(current_viewer().user_id, case.id, events[-1].id)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})


def register(bp) -> None:
    bp.add_url_rule("/live", view_func=live)
    bp.add_url_rule("/<dbid:case_id>/events", view_func=case_events)
