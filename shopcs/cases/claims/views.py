"""Claim routes on the cases blueprint: open a claim, add a photo, decide, and the photo itself — served only here,
to people who may see the case, never from static/. Each POST calls one service; a refusal re-renders the case page
with the error on the claim panel's form."""
from flask import abort, current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from ...app_config import approval_limits, claim_settings
from ...auth.access import current_actor, permission_required
from ...errors import Invalid, ServiceError
from ...extensions import csrf, db
from ...i18n_labels import label_lookup
from ...timeutil import utcnow
from ..case_views import abort_if_refused, case_or_abort, render_case
from ..forms import apply_errors
from . import services as claims
from .files import claims_dir
from .forms import KIND_LABELS, STATUS_BADGES, STATUS_LABELS, ClaimDecisionForm, EvidenceForm, OpenClaimForm
from .models import Claim, ClaimEvidence
from .panel import claim_of, claim_panel, keep_form

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and the CSRF token around the photo


def _claim_or_abort(case_id: int) -> Claim:
    return claim_of(case_or_abort(case_id).id) or abort(404)


def _again(case_id: int, name: str, form, exc: ServiceError | None = None):
    """The case page again with `form` and its errors (200); 404/403 for a case that is gone or not the user's."""
    db.session.rollback()
    abort_if_refused(exc)
    if isinstance(exc, Invalid) and exc.fields:
        for reason in apply_errors(form, exc.fields, lambda text: _(str(text))):
            flash(reason, "error")
    elif exc is not None:
        flash(_("Nothing was changed: %(reason)s", reason=str(exc.message)), "error")
    keep_form(name, form)
    return render_case(case_or_abort(case_id))


def _done(case_id: int, message: str):
    flash(message, "info")
    return redirect(url_for("cases.case_page", case_id=case_id) + "#claim")


@permission_required("claims.work")
def open_claim(case_id):
    case_or_abort(case_id)
    form = OpenClaimForm()
    if not form.validate_on_submit():
        return _again(case_id, "open", form)
    try:
        claims.open_claim(case_id, form.amount.data, form.kind.data, current_actor(), utcnow())
    except ServiceError as exc:
        return _again(case_id, "open", form, exc)
    return _done(case_id, _("Claim opened."))


@permission_required("claims.work")
def add_photo(case_id):
    """The app-wide request limit (MAX_CONTENT_LENGTH) is lower than a photo's: this request reads up to twice the
    photo limit, so a photo a little too large gets the field error from the service. A body larger still is not
    read at all and gets the same field error (nothing is changed, so no token is needed for that answer)."""
    settings = claim_settings()
    max_bytes = settings.max_bytes
    request.max_content_length = 2 * max_bytes + FORM_OVERHEAD
    try:
        if (request.content_length or 0) > request.max_content_length:
            raise RequestEntityTooLarge()
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()  # the app-wide check, now that the body may be read (see register)
        form = EvidenceForm()
    except RequestEntityTooLarge:
        _claim_or_abort(case_id)
        return _again(case_id, "evidence", EvidenceForm(formdata=None), claims.photo_refused("too_large", max_bytes))
    claim = _claim_or_abort(case_id)
    if not form.validate_on_submit():
        return _again(case_id, "evidence", form)
    try:
        claims.add_evidence(claim.id, form.photo.data, current_actor(), utcnow(), settings)
    except ServiceError as exc:
        return _again(case_id, "evidence", form, exc)
    return _done(case_id, _("Photo added."))


@permission_required("claims.decide")
def decide(case_id):
    claim, form = _claim_or_abort(case_id), ClaimDecisionForm()
    if not form.validate_on_submit():
        return _again(case_id, "decision", form)
    approve = form.decision.data == "approve"
    try:
        claim = claims.decide(claim.id, approve, form.amount.data, form.note.data or "", current_actor(), utcnow(),
                              approval_limits())
    except ServiceError as exc:
        return _again(case_id, "decision", form, exc)
    if not approve:
        return _done(case_id, _("Claim rejected."))
    if claim.refund.status == "approved":
        return _done(case_id, _("Claim approved; the refund is approved."))
    return _done(case_id, _("Claim approved; the refund waits for a supervisor's approval."))


@permission_required("cases.work")
def claim_photo(case_id, evidence_id):
    """Inline, with the type Pillow found (never the uploader's), and nosniff so no browser guesses another."""
    case = case_or_abort(case_id)
    evidence = db.session.scalar(select(ClaimEvidence).join(Claim).where(
        Claim.case_id == case.id, ClaimEvidence.id == evidence_id)) or abort(404)
    extension = evidence.stored_name.rsplit(".", 1)[-1]
    response = send_from_directory(claims_dir(claim_settings().upload_dir), evidence.stored_name, mimetype=evidence.content_type,
                                   as_attachment=False, download_name=f"claim-photo-{evidence.id}.{extension}")
    response.headers["Content-Disposition"] = f"inline; filename=claim-photo-{evidence.id}.{extension}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


def register(bp) -> None:
    bp.add_url_rule("/<dbid:case_id>/claim", view_func=open_claim, methods=["POST"])
    bp.add_url_rule("/<dbid:case_id>/claim/photos", view_func=add_photo, methods=["POST"])
    bp.add_url_rule("/<dbid:case_id>/claim/decision", view_func=decide, methods=["POST"])
    bp.add_url_rule("/<dbid:case_id>/claim/photos/<dbid:evidence_id>", view_func=claim_photo)
    # The app-wide CSRF check reads the body before the view can raise its size limit: a photo would be a bare 413.
    # The view runs the same check itself once it has raised the limit.
    csrf.exempt(add_photo)
    bp.add_app_template_filter(label_lookup(KIND_LABELS), "claim_kind")
    bp.add_app_template_filter(label_lookup(STATUS_LABELS), "claim_status")
    bp.add_app_template_filter(label_lookup(STATUS_BADGES, default="badge-muted"), "claim_badge")
    bp.app_context_processor(lambda: {"claim_panel": claim_panel})
