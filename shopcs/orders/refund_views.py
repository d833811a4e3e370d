"""Refund pages: open a refund from the order page, decide and complete it, and the list of refunds awaiting someone."""
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..app_config import approval_limits
from ..auth.access import current_actor, permission_required
from ..auth.names import actor_name_html
from ..currency import DEFAULT
from ..errors import Forbidden, NotFound, ServiceError
from ..i18n_labels import label_lookup
from ..paging import page_number
from ..redirects import safe_local_path
from ..timeutil import utcnow
from ..web import money_text
from . import refunds as rules
from .refund_forms import REASON_LABELS, STATUS_BADGES, STATUS_LABELS, DecisionForm, RefundForm, RejectForm
from .refund_queries import (
    PENDING,
    approved_per_order,
    currencies_of,
    get_refund,
    order_no_of,
    pending_counts,
    pending_refunds,
    still_refundable,
)
from .refund_service import RefundRequest, approve_refund, complete_refund, refusal_message, reject_refund, request_refund

bp = Blueprint("refunds", __name__)



def order_url(order_no: str) -> str:
    """The order page lives in the orders blueprint at /orders/<order_no>."""
    return f"{request.script_root}/orders/{quote(order_no, safe='')}"


@dataclass(frozen=True)
class RefundRights:
    """What the current user may do with a refund; the services check again on every POST (the same pure rule)."""

    role: str | None
    limits: rules.ApprovalLimits
    person: str | None = None  # the actor label ("user:amy"): approvals and requests are counted per person
    approved: dict | None = None  # {order_id: what this person already approved on it}
    currencies: dict | None = None  # {order_id: its currency}: the limits that apply to its refunds are that currency's

    @property
    def can_request(self) -> bool:
        return rules.may_decide(self.role)

    def _approved_before(self, refund) -> Decimal:
        return (self.approved or {}).get(refund.order_id, Decimal("0.00"))

    def currency(self, refund) -> str:
        return (self.currencies or {}).get(refund.order_id, DEFAULT)

    def refusal(self, refund) -> str | None:
        currency = self.currency(refund)
        return rules.approval_refusal(self.role, refund.amount, self.limits.limit_for(currency),
                                      approved_before=self._approved_before(refund), approver=self.person,
                                      requester=refund.requested_by, four_eyes_above=self.limits.four_eyes_for(currency))

    def refusal_text(self, refund) -> str:
        return refusal_message(self.refusal(refund) or "limit", self.limits, self.currency(refund), self._approved_before(refund))

    def needs_supervisor(self, refund) -> bool:
        """Only while the refund waits for a decision: once decided, who approved it is history, not a task. Counts
        what this person already approved on the order, as the approval itself does."""
        return refund.status == "requested" and rules.over_limit(refund.amount, self.limits.limit_for(self.currency(refund)),
                                                                 self._approved_before(refund))

    def limits_shown(self) -> tuple[list[str], list[str]]:
        """For the refund list's hint: the approval limits of the currencies on the page as the reader writes them
        (¥200.00, US$30.00), CNY first, and the currencies on it that have none."""
        currencies = sorted(set((self.currencies or {}).values()), key=lambda code: (code != DEFAULT, code))
        limited = [money_text(self.limits.limit_for(code), code) for code in currencies if self.limits.limit_for(code) is not None]
        return limited, [code for code in currencies if self.limits.limit_for(code) is None]

    def needs_other_person(self, refund) -> bool:
        """Four-eyes: this person requested it and it is above the setting, so someone else approves it."""
        return refund.status == "requested" and self.can_request and self.refusal(refund) == "four_eyes"

    def can_approve(self, refund) -> bool:
        return refund.status == "requested" and self.can_request and self.refusal(refund) is None

    def can_reject(self, refund) -> bool:
        return refund.status == "requested" and self.can_request

    def can_complete(self, refund) -> bool:
        return refund.status == "approved" and self.can_request


def refund_rights(currencies: dict | None = None) -> RefundRights:
    """The current user's rights on the refunds of these orders ({order_id: currency}): what they approved on each,
    and each one's currency, whose limits apply."""
    currencies = currencies or {}
    if not current_user.is_authenticated:
        return RefundRights(None, approval_limits(), currencies=currencies)
    person = current_actor().label
    return RefundRights(current_user.role, approval_limits(), person, approved_per_order(person, currencies.keys()), currencies)


def refund_panel(order) -> dict:
    """Everything templates/orders/_refunds.html needs besides `order`."""
    available = still_refundable(order)
    return {"rights": refund_rights({order.id: order.currency}), "available": available, "form": RefundForm.fresh(),
            "open": available > 0, "order_url": order_url(order.order_no)}


@bp.app_context_processor
def _refund_helpers():
    return {"refund_panel": refund_panel, "refund_rights": refund_rights}


bp.add_app_template_filter(label_lookup(REASON_LABELS), "refund_reason")
bp.add_app_template_filter(label_lookup(STATUS_LABELS), "refund_status")
bp.add_app_template_filter(label_lookup(STATUS_BADGES, default="badge-muted"), "refund_badge")


bp.add_app_template_filter(actor_name_html, "actor_name")  # a person by display name, wherever a row names them


def _flash_error(exc: ServiceError, explain_forbidden: bool = False) -> None:
    if isinstance(exc, Forbidden):
        flash(_("Not allowed. %(reason)s", reason=exc.message) if explain_forbidden else _("Not allowed: your role may not do this."),
              "error")
    elif exc.fields:
        labels = {"amount": _("Amount"), "reason": _("Reason")}
        for field, reason in exc.fields.items():
            flash(_("%(field)s: %(reason)s", field=labels.get(field, field), reason=reason), "error")
    else:
        flash(_("Nothing was changed: %(reason)s", reason=exc.message), "error")


def _flash_form_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(_("%(field)s: %(reason)s", field=field.label.text or field.name, reason=error), "error")


@bp.route("/orders/<order_no>/refunds", methods=["POST"])
@permission_required("refunds.decide")
def open_refund(order_no):
    form = RefundForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(order_url(order_no) + "#refunds")
    req = RefundRequest(form.amount.data, form.reason.data, bool(form.with_return.data), form.note.data or "",
                        form.idempotency_key.data)
    try:
        refund, created = request_refund(order_no, req, current_actor(), utcnow())
    except NotFound:
        abort(404)
    except ServiceError as exc:
        _flash_error(exc)
    else:
        currency = currencies_of([refund.order_id])[refund.order_id]
        flash(_("Refund of %(amount)s requested.", amount=money_text(refund.amount, currency)) if created
              else _("This refund was already requested; nothing new was made."), "info")
    return redirect(order_url(order_no) + "#refunds")


def _decide(refund_id: int, form, action, done: str, explain_forbidden: bool = False):
    order_no = order_no_of(refund_id)
    if order_no is None:
        abort(404)
    back = safe_local_path(form.next.data, order_url(order_no) + "#refunds")
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(back)
    try:
        action(current_actor(), utcnow())
    except ServiceError as exc:
        _flash_error(exc, explain_forbidden)
    else:
        flash(done, "info")
    return redirect(back)


def _confirmation_page(refund_id: int, template: str, form):
    """The GET step before a decision: what is decided, and a form that POSTs it (no decision without a POST)."""
    refund = get_refund(refund_id) or abort(404)
    order_no = order_no_of(refund_id)
    form.next.data = safe_local_path(request.args.get("next"), order_url(order_no) + "#refunds")
    return render_template(template, refund=refund, order_no=order_no, form=form, order_href=order_url(order_no),
                           rights=refund_rights(currencies_of([refund.order_id])))


@bp.route("/refunds/<dbid:refund_id>/approve", methods=["GET", "POST"])
@permission_required("refunds.decide")
def approve(refund_id):
    """GET is the confirmation step; POST approves."""
    if request.method == "GET":
        return _confirmation_page(refund_id, "refunds/approve.html", DecisionForm())
    return _decide(refund_id, DecisionForm(), lambda actor, now: approve_refund(refund_id, actor, now, approval_limits()),
                   _("Refund approved."),
                   explain_forbidden=True)


@bp.route("/refunds/<dbid:refund_id>/complete", methods=["POST"])
@permission_required("refunds.decide")
def complete(refund_id):
    return _decide(refund_id, DecisionForm(), lambda actor, now: complete_refund(refund_id, actor, now),
                   _("Refund marked as paid out."))


@bp.route("/refunds/<dbid:refund_id>/reject", methods=["GET", "POST"])
@permission_required("refunds.decide")
def reject(refund_id):
    """GET is the confirmation step; POST rejects."""
    form = RejectForm()
    if request.method == "POST":
        return _decide(refund_id, form, lambda actor, now: reject_refund(refund_id, actor, now, form.note.data or ""),
                       _("Refund rejected."))
    return _confirmation_page(refund_id, "refunds/reject.html", form)


@bp.route("/refunds")
@permission_required("refunds.list")
def index():
    status = request.args.get("status", "requested")
    if status not in PENDING:
        status = "requested"
    pagination, order_nos, currencies = pending_refunds(status, page_number(request.args))
    return render_template("refunds/index.html", status=status, pagination=pagination, order_nos=order_nos,
                           counts=pending_counts(), rights=refund_rights(currencies), order_url=order_url,
                           here=url_for("refunds.index", status=status, page=pagination.page))
