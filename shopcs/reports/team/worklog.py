"""Each agent's work log for a shop-local day (duty 11, 工作日志): figures assembled from what they did, plus notes.

Definitions, all over the person's actions whose time falls in the shop-local day [00:00, next day 00:00):
- opened: cases they created (the "case.created" audit entry, written with the case: created_by, created_at);
- answered: cases whose first reply — the earliest reply or logged reply by (time given, id) — is theirs and falls
  on the day; a reply logged elsewhere counts at the time it was given. Each carries its first-response time
  (first reply − received, in seconds) and whether it met the target (first reply <= due time);
- resolved: their status changes to "resolved"; replies, notes, transfers: their case events of those kinds;
- address confirmations, shipping notices ("shipment.created", which queues the notice), reminders sent by hand:
  their audit entries; refunds: distinct refunds they requested, approved, rejected or completed that day, the
  amount counting each refund once (its amount at their last action on it that day), per currency (a refund's is its
  order's; never summed across currencies).
"""
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ...actor import Actor
from ...audit.models import AuditEntry
from ...audit.services import record
from ...auth.models import User
from ...cases.models import Case, CaseEvent
from ...currency import DEFAULT
from ...errors import Conflict, Forbidden, Invalid
from ...extensions import db
from ...orders.models import Order
from ...timeutil import UTC, local_date
from ...windows import Window
from ..amounts import Amounts
from ..unpaid_recovery import median_microseconds
from .models import NOTES_MAX, WorkLog

FIGURES = ("opened", "answered", "resolved", "replies", "notes", "transfers", "address_confirmations",
           "shipping_notices", "refunds", "reminders")
REPLY_KINDS = ("reply", "reply_logged")
EVENT_FIGURES = {"reply": "replies", "reply_logged": "replies", "note": "notes", "transfer": "transfers"}
AUDIT_FIGURES = {"case.created": "opened", "address.confirmed": "address_confirmations", "shipment.created": "shipping_notices",
                 "refund.requested": "refunds", "refund.approved": "refunds", "refund.rejected": "refunds",
                 "refund.completed": "refunds", "followup.reminder_by_hand": "reminders"}
_MICRO = 1_000_000


@dataclass(frozen=True)
class Item:
    """One thing behind a number: a case or an order, when, and what."""
    at: datetime
    case_id: int | None = None
    order_no: str | None = None
    detail: str = ""  # the event kind or audit action
    seconds: int | None = None  # answered: first-response time in whole seconds, half to even
    microseconds: int | None = None  # answered: the same, exact
    met: bool | None = None  # answered: within target
    refund_id: int | None = None
    amount: Decimal | None = None
    currency: str | None = None  # the amount's: its order's


@dataclass(frozen=True)
class DayFigures:
    username: str
    day: date
    items: dict = field(default_factory=dict)  # figure → tuple of Items, in time order

    def count(self, figure: str) -> int:
        if figure == "refunds":
            return len({item.refund_id for item in self.items.get("refunds", ())})
        return len(self.items.get(figure, ()))

    @property
    def refund_amount(self) -> Amounts:
        last = {item.refund_id: (item.currency or DEFAULT, item.amount or Decimal(0)) for item in self.items.get("refunds", ())}
        return Amounts.of(last.values())

    @property
    def median_first_response(self) -> int | None:
        return median_microseconds([item.microseconds for item in self.items.get("answered", ())])

    @property
    def within_target(self) -> int:
        return sum(1 for item in self.items.get("answered", ()) if item.met)

    def as_json(self) -> dict:
        return {"username": self.username, "day": self.day.isoformat(),
                "counts": {name: self.count(name) for name in FIGURES}, "refund_amount": self.refund_amount.as_json(),
                "median_first_response_seconds": self.median_first_response, "within_target": self.within_target,
                "items": {name: [_item_json(item) for item in self.items.get(name, ())] for name in FIGURES}}

    @classmethod
    def from_json(cls, data: dict) -> "DayFigures":
        """The snapshot stored at submission, as the page shows it."""
        return cls(data["username"], date.fromisoformat(data["day"]),
                   {name: tuple(_item_from(raw) for raw in rows) for name, rows in data["items"].items()})


def _item_json(item: Item) -> dict:
    return {**asdict(item), "at": item.at.isoformat(), "amount": None if item.amount is None else str(item.amount)}


def _item_from(raw: dict) -> Item:
    """A snapshot's item; one submitted before orders had other currencies has its amount in the shop's."""
    amount = None if raw["amount"] is None else Decimal(raw["amount"])
    return Item(**{**raw, "at": datetime.fromisoformat(raw["at"]), "amount": amount,
                   "currency": raw.get("currency") or (None if amount is None else DEFAULT)})


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def assemble(username: str, day: date, events, audits) -> DayFigures:
    """Pure. events: (id, kind, case_id, occurred_at, data, received_at, due_at, order_no, is_first_reply);
    audits: (id, action, at, order_no, after, the order's currency)."""
    found: dict[str, list[tuple]] = {name: [] for name in FIGURES}
    for event_id, kind, case_id, at, data, received_at, due_at, order_no, first in events:
        if kind in EVENT_FIGURES:
            found[EVENT_FIGURES[kind]].append((at, event_id, Item(_utc(at), case_id, order_no, kind)))
        if kind in REPLY_KINDS and first:
            span = (at - received_at) // timedelta(microseconds=1)
            found["answered"].append((at, event_id, Item(_utc(at), case_id, order_no, kind, round(Fraction(span, _MICRO)),
                                                         span, met=at <= due_at)))
        if kind == "status" and ((data or {}).get("status") or {}).get("after") == "resolved":
            found["resolved"].append((at, event_id, Item(_utc(at), case_id, order_no, kind)))
    for entry_id, action, at, order_no, after, currency in audits:
        after = after or {}
        amount = after.get("amount") if action.startswith("refund.") else None
        item = Item(_utc(at), after.get("case_id") if action == "case.created" else None, order_no, action,
                    refund_id=after.get("refund_id"), amount=None if amount is None else Decimal(str(amount)),
                    currency=None if amount is None else currency or DEFAULT)
        found[AUDIT_FIGURES[action]].append((at, entry_id, item))
    return DayFigures(username, day, {name: tuple(item for *_, item in sorted(rows, key=lambda r: r[:2]))
                                      for name, rows in found.items()})


def _first_reply(event):
    """No reply on the same case comes before this one, by (time given, id)."""
    other = aliased(CaseEvent)
    earlier = or_(other.occurred_at < event.occurred_at, and_(other.occurred_at == event.occurred_at, other.id < event.id))
    return ~exists().where(other.case_id == event.case_id, other.kind.in_(REPLY_KINDS), earlier)


def day_figures(user: User, day: date, zone: str) -> DayFigures:
    label, (lo, hi) = f"user:{user.username}", Window(day, day).utc_bounds(zone)
    events = db.session.execute(  # ix_case_events_actor (actor, occurred_at)
        select(CaseEvent.id, CaseEvent.kind, CaseEvent.case_id, CaseEvent.occurred_at, CaseEvent.data, Case.received_at,
               Case.first_response_due_at, Order.order_no, CaseEvent.kind.in_(REPLY_KINDS) & _first_reply(CaseEvent))
        .join(Case, Case.id == CaseEvent.case_id).outerjoin(Order, Order.id == Case.order_id)
        .where(CaseEvent.actor == label, CaseEvent.occurred_at >= lo, CaseEvent.occurred_at < hi)).all()
    audits = db.session.execute(  # ix_audit_entries_at
        select(AuditEntry.id, AuditEntry.action, AuditEntry.at, Order.order_no, AuditEntry.after, Order.currency)
        .outerjoin(Order, Order.id == AuditEntry.order_id)
        .where(AuditEntry.at >= lo, AuditEntry.at < hi, AuditEntry.actor == label,
               AuditEntry.action.in_(tuple(AUDIT_FIGURES)))).all()
    return assemble(user.username, day, events, audits)


def get_log(user: User, day: date) -> WorkLog | None:
    return db.session.scalar(select(WorkLog).where(WorkLog.user_id == user.id, WorkLog.day == day))


def _own_log(user: User, day: date, actor: Actor, now: datetime, zone: str) -> WorkLog:
    """The person's log for the day, created when missing; only they may write it, and never for a future day."""
    if actor.label != f"user:{user.username}":
        raise Forbidden(_l("Only its author can change a work log."))
    if day > local_date(now, zone):
        raise Invalid(_l("A work log cannot be written for a future day."), {"day": _l("is in the future")})
    log = get_log(user, day)
    if log is None:
        log = WorkLog(user_id=user.id, day=day, notes="", created_at=now, updated_at=now)
        db.session.add(log)
        try:
            db.session.flush()
        except IntegrityError:  # the same person's other tab created it a moment ago; nothing else is written yet
            db.session.rollback()
            log = get_log(user, day)
    return log


def _locked_update(log: WorkLog, **values) -> None:
    """Write only while the log is unsubmitted: a submit that won the race leaves this one a Conflict."""
    done = db.session.execute(update(WorkLog).where(WorkLog.id == log.id, WorkLog.submitted_at.is_(None)).values(**values)
                              .execution_options(synchronize_session=False)).rowcount
    if not done:
        db.session.rollback()
        raise Conflict(_l("This work log was submitted; it can no longer be changed."))
    db.session.refresh(log)


def save_notes(user: User, day: date, notes: str, actor: Actor, now: datetime, zone: str) -> WorkLog:
    text = (notes or "").replace("\r\n", "\n").strip()
    if len(text) > NOTES_MAX:
        raise Invalid(_l("The notes are too long."), {"notes": _l("at most %(max)s characters", max=NOTES_MAX)})
    log = _own_log(user, day, actor, now, zone)
    before = log.notes
    _locked_update(log, notes=text, updated_at=now)
    if before != text:
        record(actor, "worklog.notes_saved", now, before={"day": day, "notes": before}, after={"day": day, "notes": text})
    db.session.commit()
    return log


def submit(user: User, day: date, actor: Actor, now: datetime, zone: str) -> WorkLog:
    """Freeze the day's figures in `summary` and lock the notes; a second submit is a Conflict. `zone`: the shop's."""
    log = _own_log(user, day, actor, now, zone)
    summary = day_figures(user, day, zone).as_json()
    _locked_update(log, submitted_at=now, summary=summary, updated_at=now)
    refund_amount = [f"{money['amount']} {money['currency']}" for money in summary["refund_amount"]]  # read on the audit log
    record(actor, "worklog.submitted", now, after={"day": day, "counts": summary["counts"], "refund_amount": refund_amount})
    db.session.commit()
    return log
