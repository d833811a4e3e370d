"""What templates/cases/_claim.html shows on a claim case's page: the claim, its photos as thumbnails, the refund it
led to, and the forms the viewer may use. A refused POST leaves its form (with errors) on `g` for this panel."""
from flask import g, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...app_config import claim_settings
from ...extensions import db
from ...orders.refund_queries import still_refundable
from . import rules as claim_rules
from .forms import ClaimDecisionForm, EvidenceForm, OpenClaimForm
from .models import Claim

FORMS_KEY = "claim_forms"


def claim_of(case_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.case_id == case_id)
                             .options(selectinload(Claim.evidence), joinedload(Claim.refund)))


def keep_form(name: str, form) -> None:
    """The form that was just sent, shown again with its errors instead of a fresh one."""
    g.setdefault(FORMS_KEY, {})[name] = form


def _role() -> str | None:
    return current_user.role if current_user.is_authenticated else None


def claim_panel(case) -> dict:
    if case.category != "claim":
        return {"show": False}
    claim, role, sent = claim_of(case.id), _role(), g.get(FORMS_KEY, {})
    is_open = claim is not None and claim.status == "open"
    can_work = claim_rules.may_work(role)
    photos = [{"evidence": e, "url": url_for("cases.claim_photo", case_id=case.id, evidence_id=e.id),
               "size": claim_rules.thumbnail_size(e.width, e.height), "bytes": claim_rules.size_text(e.size)}
              for e in (claim.evidence if claim else [])]
    decision = sent.get("decision") or ClaimDecisionForm(formdata=None, amount=claim.amount_claimed if claim else None)
    return {
        "show": True, "claim": claim, "photos": photos, "order": case.order,
        "available": still_refundable(case.order) if case.order is not None else None,
        "can_open": claim is None and can_work and case.order is not None,
        "can_add": is_open and can_work and len(photos) < claim_rules.MAX_PHOTOS,
        "can_decide": is_open and claim_rules.may_decide(role),
        "max_photos": claim_rules.MAX_PHOTOS,
        "max_size": claim_rules.size_text(claim_settings().max_bytes),
        "open_form": sent.get("open") or OpenClaimForm(formdata=None),
        "evidence_form": sent.get("evidence") or EvidenceForm(formdata=None),
        "decision_form": decision,
    }
