"""The statements that erase one buyer's data, table by table, inside the caller's transaction (erase.py).

Each statement only touches rows that still hold something to erase, so its row count is what it erased and a second
run counts nothing. Set-based: a buyer with a thousand orders costs the same dozen statements as one with one.
"""
from dataclasses import dataclass

from sqlalchemy import and_, null, or_, select, update

from ..cases.claims.models import Claim, ClaimEvidence
from ..cases.escalation import escalation_key
from ..cases.models import Case, CaseEvent
from ..cases.rules import ESCALATION_REASONS
from ..extensions import db
from ..followup.models import BuyerConcern
from ..notify.models import OutboxMessage
from ..orders.erased import PERSONAL_FIELDS
from ..orders.models import Customer, HandoffNote, Order, Refund
from .rules import ALL_MARKERS

CANCEL_REASON = "customer erased"  # i18n_labels.CANCEL_REASONS shows it translated
_STILL_OPEN = ("pending", "failed", "dead")  # a dead message can still be retried by hand: it is cancelled too
_QUIET = {"synchronize_session": False}


@dataclass(frozen=True)
class Scope:
    """The buyer's rows: their customer rows (one, or more when they came back after an erasure), their orders, and
    the cases about them (theirs, or on one of their orders)."""
    customer_ids: tuple[int, ...]
    order_ids: tuple[int, ...]
    case_ids: tuple[int, ...]


def scope_of(customer_ids: tuple[int, ...]) -> Scope:
    order_ids = tuple(db.session.scalars(select(Order.id).where(Order.customer_id.in_(customer_ids)).order_by(Order.id)))
    case_filter = Case.customer_id.in_(customer_ids)
    if order_ids:
        case_filter = or_(case_filter, Case.order_id.in_(order_ids))
    case_ids = tuple(db.session.scalars(select(Case.id).where(case_filter).order_by(Case.id)))
    return Scope(customer_ids, order_ids, case_ids)


def lock_buyer(scope: Scope) -> None:
    """Takes the buyer's order rows, then the customer row (PostgreSQL's row locks, SQLite's write lock) in the order
    the order ingest takes them (an order, then its customer), so an order the platform sends meanwhile waits for the
    erasure, or the erasure for it, and neither is lost."""
    if scope.order_ids:
        db.session.execute(update(Order).where(Order.id.in_(scope.order_ids))
                           .values(lock_version=Order.lock_version + 1).execution_options(**_QUIET))
    db.session.execute(update(Customer).where(Customer.id.in_(scope.customer_ids))
                       .values(opted_out=Customer.opted_out).execution_options(**_QUIET))


def _count(statement) -> int:
    return db.session.execute(statement.execution_options(**_QUIET)).rowcount or 0


def _has_text(column):
    return and_(column != "", column.not_in(ALL_MARKERS))


def erase_orders(scope: Scope) -> list[int]:
    """Recipient, phone and address of every order of the buyer; amounts, items, dates and the country stay.
    Returns the orders that had any."""
    if not scope.order_ids:
        return []
    holding = list(db.session.scalars(select(Order.id).where(
        Order.id.in_(scope.order_ids), or_(*(getattr(Order, name) != "" for name in PERSONAL_FIELDS))).order_by(Order.id)))
    if holding:
        _count(update(Order).where(Order.id.in_(holding)).values(dict.fromkeys(PERSONAL_FIELDS, "")))
    return holding


def erase_order_texts(scope: Scope, text: str) -> dict:
    """Hand-off notes, concerns (their category stays) and refund notes on the buyer's orders."""
    if not scope.order_ids:
        return {"handoff_notes": 0, "concerns": 0, "refund_notes": 0}
    ids = scope.order_ids
    return {
        "handoff_notes": _count(update(HandoffNote).where(HandoffNote.order_id.in_(ids), _has_text(HandoffNote.body))
                                .values(body=text)),
        "concerns": _count(update(BuyerConcern).where(BuyerConcern.order_id.in_(ids), _has_text(BuyerConcern.text))
                           .values(text=text)),
        "refund_notes": _count(update(Refund).where(Refund.order_id.in_(ids), _has_text(Refund.note)).values(note=text)),
    }


def erase_case_texts(scope: Scope, text: str) -> dict:
    """Subjects (the marker: the queue links a case by it), first messages (empty: the assistant learns from them,
    and learns nothing from an empty one), every timeline entry's text and claim decision notes. Categories,
    channels, statuses, clocks and amounts claimed stay."""
    if not scope.case_ids:
        return {"cases": 0, "messages": 0, "claim_notes": 0}
    ids = scope.case_ids
    return {
        "cases": _count(update(Case).where(Case.id.in_(ids), or_(Case.subject.not_in(ALL_MARKERS), Case.body != ""))
                        .values(subject=text, body="")),
        "messages": _count(update(CaseEvent).where(CaseEvent.case_id.in_(ids), _has_text(CaseEvent.body))
                           .values(body=text)),
        "claim_notes": _count(update(Claim).where(Claim.case_id.in_(ids), _has_text(Claim.decision_note))
                              .values(decision_note=text)),
    }


def erase_photos(scope: Scope, text: str) -> tuple[int, list[str]]:
    """(photos erased now, the stored names of every photo of the buyer's claims). Their rows lose the uploader's file
    name here; rows and files go once this commits (photos.py), so a file that cannot be removed keeps its row, and
    the next erasure finds both again."""
    if not scope.case_ids:
        return 0, []
    of_claims = ClaimEvidence.claim_id.in_(select(Claim.id).where(Claim.case_id.in_(scope.case_ids)).scalar_subquery())
    names = list(db.session.scalars(select(ClaimEvidence.stored_name).where(of_claims).order_by(ClaimEvidence.id)))
    erased = _count(update(ClaimEvidence).where(of_claims, ClaimEvidence.original_name.not_in(ALL_MARKERS))
                    .values(original_name=text))
    return erased, names


def erase_outbox(scope: Scope, text: str) -> dict:
    """Messages to the buyer or about their orders, and the supervisors' escalation notices quoting their cases:
    those still to go are cancelled (nobody may send them now), and every one loses its text, its e-mail headers and
    the channel's last answer (which may name the buyer's address). Kind, channel, status and times stay."""
    m = OutboxMessage
    conditions = [m.customer_id.in_(scope.customer_ids)]
    if scope.order_ids:
        conditions.append(m.order_id.in_(scope.order_ids))
    if scope.case_ids:
        conditions.append(m.dedupe_key.in_([escalation_key(case_id, reason) for case_id in scope.case_ids
                                            for reason in ESCALATION_REASONS]))
    about = or_(*conditions)
    cancelled = _count(update(m).where(about, m.status.in_(_STILL_OPEN))
                       .values(status="cancelled", cancel_reason=CANCEL_REASON, next_attempt_at=None))
    scrubbed = _count(update(m).where(about, or_(_has_text(m.body), m.last_error.is_not(None)))
                      .values(body=text, headers=null(), last_error=None))
    return {"outbox_messages": scrubbed, "cancelled_messages": cancelled}
