"""Refund requests, decisions and completion, each in one transaction under the order's lock."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actor import Actor
from ..api_reasons import translated
from ..audit.services import record
from ..currency import format_amount
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..i18n_labels import refund_status
from . import refunds as rules
from .locking import lock_order, order_id_for
from .models import Refund
from .refunds import ApprovalLimits


@dataclass(frozen=True)
class RefundRequest:
    amount: Decimal
    reason: str
    with_return: bool = False
    note: str = ""
    idempotency_key: str | None = None
    requested_at: datetime | None = None  # only the platform may back-date


def _snapshot(refund: Refund) -> dict:
    return {"refund_id": refund.id, "amount": refund.amount, "reason": refund.reason, "status": refund.status,
            "with_return": refund.with_return}


def money_words(amount: Decimal, currency: str) -> LazyString:
    """An amount in its currency as the reader of the message writes it (¥12.50, US$12.50 / $12.50), decided when
    the message is shown: services build their messages before anyone reads them."""
    return LazyString(lambda: format_amount(amount, currency, str(get_locale() or "zh_CN")))


def rule_error(exc: rules.RefundRuleError, amount: Decimal, available: Decimal, currency: str):
    """The pure rules speak English; the reader gets the same reason in their language, chosen by the rule's code,
    with amounts in the order's currency. For refunds and claims alike."""
    if exc.code == "not_paid":
        return Conflict(_l("Only a paid order can be refunded."))
    if exc.code == "decimals":  # "JPY has no decimals": api_reasons translates it
        message = LazyString(translated, str(exc))
    elif exc.code != "amount":
        return Conflict(str(exc))
    elif amount <= 0:
        message = _l("The amount must be above %(amount)s.", amount=money_words(Decimal(0), currency))
    else:
        message = _l("At most %(amount)s can still be refunded on this order.", amount=money_words(available, currency))
    return Invalid(message, {"amount": message})


def _find_duplicate(order, req: RefundRequest) -> Refund | None:
    if req.idempotency_key:
        return next((r for r in order.refunds if r.idempotency_key == req.idempotency_key), None)
    return next((r for r in order.refunds if r.status == "requested" and r.amount == req.amount
                 and r.reason == req.reason and r.with_return == req.with_return), None)


def request_refund(order_no: str, req: RefundRequest, actor: Actor, now: datetime) -> tuple[Refund, bool]:
    """Returns (refund, created). A repeated request (same idempotency key, or identical and open) returns the first."""
    if req.reason not in rules.REASONS:
        raise Invalid(_l("Unknown refund reason."),
                      {"reason": _l("must be one of %(choices)s", choices=", ".join(rules.REASONS))})
    if not rules.may_decide(actor.role, is_platform=actor.is_platform):
        raise Forbidden(_l("Your role cannot open refunds."))
    order = lock_order(order_id_for(order_no))
    try:
        existing = _find_duplicate(order, req)
        if existing is not None:
            db.session.rollback()
            return existing, False
        available = rules.refundable(order.total, [(r.amount, r.status) for r in order.refunds])
        try:
            rules.check_request(order.status, req.amount, available, order.currency)
        except rules.RefundRuleError as exc:
            raise rule_error(exc, req.amount, available, order.currency) from exc
        refund = Refund(
            order_id=order.id, amount=req.amount, reason=req.reason, with_return=req.with_return,
            note=(req.note or "").strip(), idempotency_key=req.idempotency_key, status="requested",
            requested_by=actor.label,
            requested_at=req.requested_at if (req.requested_at and actor.is_platform) else now,
        )
        order.refunds.append(refund)
        order.updated_at = now
        db.session.flush()
        record(actor, "refund.requested", now, order_id=order.id, after=_snapshot(refund))
        db.session.commit()
        return refund, True
    except Exception:
        db.session.rollback()
        raise


def _locked_refund(refund_id: int) -> tuple[Refund, object]:
    order_id = db.session.scalar(select(Refund.order_id).where(Refund.id == refund_id))
    if order_id is None:
        raise NotFound(_l("No refund %(id)s.", id=refund_id))
    order = lock_order(order_id)
    refund = next(r for r in order.refunds if r.id == refund_id)
    return refund, order


def _move(refund_id: int, new_status: str, actor: Actor, now: datetime, *, at: datetime | None = None,
          limits: ApprovalLimits | None = None, note: str = "") -> Refund:
    if not rules.may_decide(actor.role, is_platform=actor.is_platform):
        raise Forbidden(_l("Your role cannot decide refunds."))
    refund, order = _locked_refund(refund_id)
    try:
        if new_status == "approved":
            _check_approval(refund, order, actor, limits)
        if refund.status == new_status:  # a repeated decision is answered, not applied twice
            db.session.rollback()
            return refund
        try:
            rules.check_move(refund.status, new_status)
        except rules.RefundRuleError as exc:
            raise Conflict(_l("A %(current)s refund cannot become %(new)s.", current=refund_status(refund.status),
                              new=refund_status(new_status))) from exc
        before = _snapshot(refund)
        refund.status = new_status
        stamp = at if (at and actor.is_platform) else now
        setattr(refund, f"{new_status}_at", stamp)
        if new_status in ("approved", "rejected"):
            refund.decided_by = actor.label
        if note:
            refund.note = (refund.note + "\n" + note).strip()
        if new_status == "completed":
            _close_if_fully_refunded(order, actor, now)
        order.updated_at = now
        record(actor, f"refund.{new_status}", now, order_id=order.id, before=before, after=_snapshot(refund))
        db.session.commit()
        return refund
    except Exception:
        db.session.rollback()
        raise


def approval_context(refund: Refund, order, actor: Actor, limits: ApprovalLimits) -> dict:
    """approval_refusal's keywords for this person and refund: what they approved on the order before (this refund
    aside, so a repeated approval does not count itself), who requested it, and the four-eyes setting of the order's
    currency."""
    before = rules.approved_by(actor.label, [(r.decided_by, r.status, r.amount) for r in order.refunds if r.id != refund.id])
    return {"approved_before": before, "approver": actor.label, "requester": refund.requested_by,
            "four_eyes_above": limits.four_eyes_for(order.currency)}


def refusal_message(code: str, limits: ApprovalLimits, currency: str, approved_before: Decimal = Decimal("0.00")):
    """The one wording of an approval refusal, for the API's 403 and the pages' flash and confirmation page; amounts
    in the order's currency."""
    limit = limits.limit_for(currency)
    if code == "four_eyes":
        return _l("Refunds above %(amount)s are approved by someone other than the person who requested them.",
                  amount=money_words(limits.four_eyes_for(currency) or Decimal(0), currency))
    if code == "role":
        return _l("Your role cannot decide refunds.")
    if limit is None:
        return _l("No approval limit is set for %(currency)s, so a supervisor approves refunds in it.", currency=currency)
    if approved_before > 0:
        return _l("You already approved %(approved)s on this order; one person approves at most %(limit)s per order, "
                  "so a supervisor approves this refund.", limit=money_words(limit, currency),
                  approved=money_words(approved_before, currency))
    return _l("Refunds above %(limit)s need a supervisor's approval.", limit=money_words(limit, currency))


def may_approve_refund(refund: Refund, order, actor: Actor, limits: ApprovalLimits) -> bool:
    """Whether `actor` may approve `refund` now (the same rule approve_refund applies under the lock)."""
    return rules.approval_refusal(actor.role, refund.amount, limits.limit_for(order.currency), is_platform=actor.is_platform,
                                  **approval_context(refund, order, actor, limits)) is None


def _check_approval(refund: Refund, order, actor: Actor, limits: ApprovalLimits) -> None:
    """Under the order's lock: a second approval by the same person waits here and then counts the first."""
    context = approval_context(refund, order, actor, limits)
    code = rules.approval_refusal(actor.role, refund.amount, limits.limit_for(order.currency), is_platform=actor.is_platform,
                                  **context)
    if code is not None:
        raise Forbidden(refusal_message(code, limits, order.currency, context["approved_before"]))


def _close_if_fully_refunded(order, actor: Actor, now: datetime) -> None:
    completed = sum((r.amount for r in order.refunds if r.status == "completed"), Decimal("0.00"))
    if rules.fully_refunded(order.total, completed) and order.status in ("paid", "shipped"):
        record(actor, "order.status", now, order_id=order.id, before={"status": order.status}, after={"status": "closed"})
        order.status = "closed"


def approve_refund(refund_id: int, actor: Actor, now: datetime, limits: ApprovalLimits) -> Refund:
    """`limits`: the shop's approval limits and four-eyes settings per currency, which the caller reads
    (app_config.approval_limits)."""
    return _move(refund_id, "approved", actor, now, limits=limits)


def reject_refund(refund_id: int, actor: Actor, now: datetime, note: str = "") -> Refund:
    return _move(refund_id, "rejected", actor, now, note=note)


def complete_refund(refund_id: int, actor: Actor, now: datetime, completed_at: datetime | None = None) -> Refund:
    return _move(refund_id, "completed", actor, now, at=completed_at)


def refunded_total(order) -> Decimal:
    return sum((r.amount for r in order.refunds if r.status == "completed"), Decimal("0.00"))
