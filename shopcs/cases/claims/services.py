"""Claims (理赔): opening one on a claim case, adding the buyer's photos, and the decision, whose refund goes through
the order's refund flow (orders.refund_service) so that its limits, audit and refund rate apply as to any refund.
Every step is on the case's timeline and in the audit log; a refused step writes nothing (no row, no file)."""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...actor import Actor
from ...errors import Conflict, Forbidden, Invalid, NotFound
from ...extensions import db
from ...orders import refunds as refund_rules
from ...orders.models import Order
from ...orders.refund_queries import still_refundable
from ...orders.refund_service import (
    RefundRequest,
    approve_refund,
    may_approve_refund,
    reject_refund,
    request_refund,
    rule_error,
)
from ...orders.refunds import ApprovalLimits
from ..access import check_case_access
from ..models import Case
from ..timeline import add_event, case_transaction, lock_case, trace
from . import files as claim_files
from . import rules as claim_rules
from .images import MAX_PIXELS, PhotoRefused, clean_photo
from .models import KINDS, Claim, ClaimEvidence
from .settings import ClaimSettings


def _check_may_work(actor: Actor) -> None:
    if not claim_rules.may_work(actor.role, is_platform=actor.is_platform):
        raise Forbidden(_l("Your role cannot work on claims."))


def _locked_claim(claim_id: int) -> tuple[Claim, Case]:
    """The claim under its case's lock: two people deciding or adding photos at once run one after the other."""
    case_id = db.session.scalar(select(Claim.case_id).where(Claim.id == claim_id)) if isinstance(claim_id, int) else None
    if case_id is None:
        raise NotFound(_l("No claim %(id)s.", id=claim_id))
    case = lock_case(case_id)
    return db.session.get(Claim, claim_id, populate_existing=True), case


def _check_open(claim: Claim) -> None:
    if claim.status != "open":
        raise Conflict(_l("The claim is already decided."))


def open_claim(case_id: int, amount: Decimal | None, kind: str, actor: Actor, now: datetime) -> Claim:
    """At most what the order can still refund (its paid total minus refunds open or done), with no more decimals
    than the order's currency has: a claim that no refund could pay is refused now rather than at the decision."""
    _check_may_work(actor)
    fields = {} if kind in KINDS else {"kind": f"must be one of {', '.join(KINDS)}"}
    if amount is None or amount <= 0:
        fields["amount"] = claim_rules.ABOVE_ZERO
    if fields:
        raise Invalid(_l("The claim has invalid fields."), fields)
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        if case.category != "claim":
            raise Conflict(_l("Only a case of category claim can have a claim."))
        if case.order is None:
            raise Conflict(_l("A claim needs the order it is about; this case has none."))
        if db.session.scalar(select(Claim.id).where(Claim.case_id == case.id)) is not None:
            raise Conflict(_l("This case already has a claim."))
        order = case.order
        available = still_refundable(order)
        try:
            refund_rules.check_request(order.status, amount, available, order.currency)
        except refund_rules.RefundRuleError as exc:
            raise rule_error(exc, amount, available, order.currency) from exc
        claim = Claim(case_id=case.id, kind=kind, status="open", amount_claimed=amount, decision_note="",
                      created_by=actor.label, created_at=now, updated_at=now)
        db.session.add(claim)
        db.session.flush()
        add_event(case, "claim", actor, now, data={"claim": "opened", "kind": kind, "amount": str(amount)})
        trace(case, "claim.opened", actor, now, after={"claim_id": claim.id, "kind": kind, "amount_claimed": amount})
    return claim


def photo_refused(code: str, max_bytes: int) -> Invalid:
    """The field error of a refused photo, for the service and for the page that refuses a body too large to read."""
    message = {
        "empty": _l("The file is empty: choose a photo."),
        "too_large": _l("The photo is larger than %(size)s: send a smaller one.", size=claim_rules.size_text(max_bytes)),
        "not_an_image": _l("Only JPEG, PNG or WebP photos can be added; this file is not one, or it is damaged."),
        "too_many_pixels": _l("The photo has too many pixels (at most %(count)s million).", count=MAX_PIXELS // 1_000_000),
    }[code]
    return Invalid(message, {"photo": message})


def add_evidence(claim_id: int, upload, actor: Actor, now: datetime, settings: ClaimSettings) -> ClaimEvidence:
    """`upload` is a werkzeug FileStorage; one above `settings.max_bytes` is refused. Its type is what Pillow decodes,
    never its name or declared type. What is stored (under `settings.upload_dir`), and described by the row (size,
    sha256, width, height), is its copy without metadata (images): the upload's own bytes, with the GPS position and
    camera serial numbers a phone photo carries, are never written."""
    _check_may_work(actor)
    claim = db.session.get(Claim, claim_id) if isinstance(claim_id, int) else None
    if claim is None:
        raise NotFound(_l("No claim %(id)s.", id=claim_id))
    check_case_access(actor, claim.case)
    if upload is None or not getattr(upload, "stream", None):
        raise Invalid(_l("Choose a photo."), {"photo": _l("Choose a photo.")})
    max_bytes = settings.max_bytes
    data = upload.stream.read(max_bytes + 1)  # one byte more than allowed tells "too large" without reading it all
    try:
        cleaned, photo = clean_photo(data, max_bytes)
    except PhotoRefused as exc:
        raise photo_refused(exc.code, max_bytes) from exc
    temp = claim_files.write_temp(settings.upload_dir, cleaned)
    stored_name = claim_files.new_stored_name(photo.extension)
    try:
        with case_transaction():
            claim, case = _locked_claim(claim_id)
            _check_open(claim)
            photos = db.session.scalar(select(func.count()).where(ClaimEvidence.claim_id == claim.id))
            if photos >= claim_rules.MAX_PHOTOS:
                message = _l("A claim has at most %(count)s photos.", count=claim_rules.MAX_PHOTOS)
                raise Invalid(message, {"photo": message})
            if db.session.scalar(select(ClaimEvidence.id).where(ClaimEvidence.claim_id == claim.id,
                                                                ClaimEvidence.sha256 == photo.sha256)) is not None:
                raise Invalid(_l("This photo is already on the claim."), {"photo": _l("This photo is already on the claim.")})
            evidence = ClaimEvidence(claim_id=claim.id, stored_name=stored_name, original_name=claim_rules.original_name(
                upload.filename), content_type=photo.content_type, size=photo.size, width=photo.width,
                height=photo.height, sha256=photo.sha256, uploaded_by=actor.label, uploaded_at=now)
            db.session.add(evidence)
            claim.updated_at = now
            db.session.flush()
            add_event(case, "claim", actor, now, data={"claim": "evidence_added", "evidence_id": evidence.id})
            trace(case, "claim.evidence_added", actor, now, after={
                "claim_id": claim.id, "evidence_id": evidence.id, "name": evidence.original_name,
                "content_type": photo.content_type, "size": photo.size, "sha256": photo.sha256})
    except BaseException:
        claim_files.discard(temp)
        raise
    claim_files.publish(settings.upload_dir, temp, stored_name)
    return evidence


def decide(claim_id: int, approve: bool, amount: Decimal | None, note: str, actor: Actor, now: datetime,
           limits: ApprovalLimits) -> Claim:
    """Approving requests a refund for the decided amount (idempotent per claim, so a retry after a failure finds
    the same refund), marks the claim approved with it, and only then approves the refund when the decider's role
    may (within `limits`, the shop's refund approval rules; else the refund waits for a supervisor in the refund list).
    A claim rejected by someone else meanwhile rejects the refund just requested: no refund outlives its claim.
    Rejecting needs a note."""
    if not claim_rules.may_decide(actor.role):
        raise Forbidden(_l("Only after-sales staff or a supervisor can decide a claim."))
    note = (note or "").strip()
    with case_transaction():
        claim, case = _locked_claim(claim_id)
        check_case_access(actor, case)
        _check_open(claim)
        fields = claim_rules.decision_problems(approve, amount, note, claim.amount_claimed)
        if fields:
            raise Invalid(_l("The decision has invalid fields."), fields)
        if not approve:
            _record(claim, case, "rejected", None, note, actor, now)
            return claim
        order_no, reason = case.order.order_no, claim_rules.REFUND_REASONS[claim.kind]
    refund, _created = request_refund(order_no, RefundRequest(amount=amount, reason=reason, note=f"claim #{claim_id}",
                                                              idempotency_key=f"claim:{claim_id}"), actor, now)
    try:
        with case_transaction():
            claim, case = _locked_claim(claim_id)
            if not (claim.status == "approved" and claim.refund_id == refund.id):  # else: the same decision twice
                _check_open(claim)
                _record(claim, case, "approved", refund, note, actor, now)
    except Conflict:
        if refund.status == "requested":
            reject_refund(refund.id, actor, now, note=f"claim #{claim_id} was decided meanwhile")
        raise
    # the same rule approve_refund applies: what this person already approved on the order counts (else the
    # refund waits for someone who may approve it)
    if refund.status == "requested" and may_approve_refund(refund, db.session.get(Order, refund.order_id), actor, limits):
        approve_refund(refund.id, actor, now, limits)
    return claim


def _record(claim: Claim, case: Case, status: str, refund, note: str, actor: Actor, now: datetime) -> None:
    claim.status, claim.decision_note, claim.decided_by, claim.decided_at, claim.updated_at = (
        status, note, actor.label, now, now)
    after = {"claim_id": claim.id, "status": status}
    if refund is not None:
        claim.decided_amount, claim.refund_id = refund.amount, refund.id
        after.update(decided_amount=refund.amount, refund_id=refund.id, refund_status=refund.status)
    add_event(case, "claim", actor, now, body=note, data={"claim": status, **{k: str(v) for k, v in after.items()
                                                                              if k not in ("claim_id", "status")}})
    trace(case, f"claim.{status}", actor, now, before={"status": "open"}, after=after)
