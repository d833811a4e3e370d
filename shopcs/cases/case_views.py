"""One case: its header, clock and timeline, and the forms that work it (reply, note, transfer, status, severity,
a supervisor's acknowledgement). Each POST calls one service; a refused change re-renders or flashes, never a 500."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..app_config import outbox_channel, shop_zone
from ..assistant.drafts import case_drafts
from ..audit.services import record
from ..auth.access import current_actor, may, permission_required
from ..errors import Forbidden, Invalid, NotFound, ServiceError
from ..extensions import db
from ..followup.forms import ActionForm
from ..notify.mail_headers import mail_domain
from ..timeutil import utcnow
from ..web import template_language
from . import services
from .access import check_case_access
from .forms import AcknowledgeForm, CaseNoteForm, ReplyForm, SeverityForm, StatusForm, TransferForm, apply_errors
from .live.service import mark_seen
from .queries import get_case
from .queue.pages import transfer_targets
from .replies.promises import find_promises
from .reply_status import reply_states
from .rules import FINISHED, STATUSES, can_change
from .settings import load_promise_words, load_sla_settings
from .view_support import clock_view, current_viewer, from_local, local_now

PROMISE_OVERRIDDEN = "case.promise_warning_overridden"
REPLY_FIELDS = {"channel": "given_channel"}
TRANSFER_FIELDS = {"to_team": "to", "to_user": "to"}


def abort_if_refused(exc: ServiceError | None) -> None:
    """The 404 or 403 page for a case (or its claim) that is gone or not the user's; other refusals return."""
    if isinstance(exc, NotFound | Forbidden):
        abort(exc.status)


def case_or_abort(case_id: int):
    """404 for an unknown case, 403 for one the user's team may not see."""
    try:
        case = get_case(case_id)
        check_case_access(current_actor(), case)
    except ServiceError as exc:
        abort_if_refused(exc)
        raise
    return case


def _case_url(case_id: int, anchor: str = "") -> str:
    return url_for("cases.case_page", case_id=case_id) + anchor


def _drafts(case):
    """The suggested replies (shopcs.assistant.drafts) while the case can be answered; none on a resolved case."""
    if case.status in FINISHED:
        return None
    return case_drafts(case, current_user, template_language())


def render_case(case, promises=(), **forms):
    """The case page; `forms` holds the one form that was just sent (with its errors), the others are fresh."""
    now = utcnow()
    reply = forms.get("reply") or ReplyForm(formdata=None, given_at=local_now(now))
    transfer = (forms.get("transfer") or TransferForm(formdata=None)).set_targets(transfer_targets())
    status = (forms.get("status") or StatusForm(formdata=None)).set_statuses(
        [code for code in STATUSES if can_change(case.status, code)])
    return render_template(
        "cases/case.html", case=case, events=case.events, case_clock=clock_view(case, now, load_sla_settings().amber_share),
        reply_form=reply, note_form=forms.get("note") or CaseNoteForm(formdata=None), transfer_form=transfer,
        status_form=status, severity_form=forms.get("severity") or SeverityForm(formdata=None, severity=case.severity),
        ack_form=forms.get("ack") or AcknowledgeForm(formdata=None), promises=promises, drafts=_drafts(case),
        reply_states=reply_states(case.events), action_form=ActionForm(formdata=None),
        can_take=case.owner_id != current_user.id and (case.owner_id is None or may("cases.take_over")),
        can_acknowledge=may("cases.acknowledge") and case.escalated_at is not None
        and case.escalation_acknowledged_at is None)


@permission_required("cases.work")
def case_page(case_id):
    case = case_or_abort(case_id)
    page = render_case(case)
    if case.events:  # after rendering: its commit would otherwise make the page load the case again
        mark_seen(current_viewer().user_id, case.id, case.events[-1].id)
    return page


def _failed(exc: ServiceError, case_id: int, name: str, form, aliases: dict | None = None):
    """A refused change: 404/403 as pages, field problems back on the form, anything else flashed."""
    db.session.rollback()
    abort_if_refused(exc)
    if isinstance(exc, Invalid) and exc.fields:
        for reason in apply_errors(form, exc.fields, _, aliases):
            flash(reason, "error")
        return render_case(case_or_abort(case_id), **{name: form})
    flash(_("Nothing was changed: %(reason)s", reason=str(exc.message)), "error")
    return redirect(_case_url(case_id))


def _act(case_id: int, name: str, form, action, done: str, aliases: dict | None = None):
    case = case_or_abort(case_id)
    if not form.validate_on_submit():
        return render_case(case, **{name: form})
    try:
        action(current_actor(), utcnow())
    except ServiceError as exc:
        return _failed(exc, case_id, name, form, aliases)
    flash(done, "info")
    return redirect(_case_url(case_id, "#timeline"))


@permission_required("cases.work")
def reply(case_id):
    """An exaggerated promise ("保证", "100%"…) in a reply to be sent stops it once: the agent rereads, and sends
    it anyway only by ticking "Send anyway", which the audit log records."""
    case, form = case_or_abort(case_id), ReplyForm()
    if not form.validate_on_submit():
        return render_case(case, reply=form)
    send = form.mode.data == "send"
    found = find_promises(form.body.data, load_promise_words()) if send else []
    if found and not form.confirm_promises.data:
        return render_case(case, promises=found, reply=form)
    actor, now = current_actor(), utcnow()
    try:
        if found:  # in the reply's own transaction: recorded if and only if the reply is written
            record(actor, PROMISE_OVERRIDDEN, now, order_id=case.order_id, after={"case_id": case.id, "words": found})
        services.reply(case.id, form.body.data, actor, now, send=send, given_at=None if send else from_local(form.given_at.data),
                       channel=None if send else form.given_channel.data,
                       mail_domain=mail_domain(current_app.config["SHOPCS_SMTP_FROM"]), outbox_channel=outbox_channel())
    except ServiceError as exc:
        return _failed(exc, case_id, "reply", form, REPLY_FIELDS)
    flash(_("Reply queued for the customer.") if send else _("Reply logged."), "info")
    return redirect(_case_url(case_id, "#timeline"))


@permission_required("cases.work")
def note(case_id):
    form = CaseNoteForm()
    return _act(case_id, "note", form, lambda actor, now: services.add_note(case_id, form.body.data, actor, now),
                _("Note added."))


@permission_required("cases.work")
def transfer(case_id):
    form = TransferForm().set_targets(transfer_targets())

    def hand_over(actor, now):
        kind, _sep, value = (form.to.data or "").partition(":")
        target = {"to_team": value} if kind == "team" else {"to_user": int(value) if value.isdigit() else -1}
        services.transfer(case_id, form.note.data, actor, now, **target)

    response = _act(case_id, "transfer", form, hand_over, _("Case handed over."), TRANSFER_FIELDS)
    try:  # after handing a case to another team, after-sales and shipping staff may no longer see it
        check_case_access(current_actor(), get_case(case_id))
    except (Forbidden, NotFound):
        return redirect(url_for("cases.queue"))
    return response


@permission_required("cases.work")
def change_status(case_id):
    case = case_or_abort(case_id)
    form = StatusForm().set_statuses([code for code in STATUSES if can_change(case.status, code)])
    return _act(case_id, "status", form, lambda actor, now: services.change_status(case_id, form.status.data, actor, now),
                _("Status changed."))


@permission_required("cases.work")
def change_severity(case_id):
    form = SeverityForm()
    return _act(case_id, "severity", form,
                lambda actor, now: services.change_severity(case_id, form.severity.data, actor, now, shop_zone(),
                                                                    outbox_channel=outbox_channel()),
                _("Severity changed."))


@permission_required("cases.acknowledge")
def acknowledge(case_id):
    form = AcknowledgeForm()
    return _act(case_id, "ack", form, lambda actor, now: services.acknowledge(case_id, actor, now, form.note.data),
                _("Escalation acknowledged."))


def register(bp) -> None:
    bp.add_url_rule("/<dbid:case_id>", view_func=case_page)
    for rule, view in (("reply", reply), ("notes", note), ("transfer", transfer), ("status", change_status),
                       ("severity", change_severity), ("acknowledge", acknowledge)):
        bp.add_url_rule(f"/<dbid:case_id>/{rule}", view_func=view, methods=["POST"])
