"""Escalation to the supervisors (duty 10, "视情节轻重上报"): a serious complaint at once, a missed first-response
target by the scheduler's sweep; once per case and reason, told through the outbox; a supervisor acknowledges."""
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..actor import Actor
from ..errors import Conflict, Invalid
from ..extensions import db
from ..followup.settings import load_settings
from ..i18n_labels import CASE_SEVERITIES
from ..limits import NOTE_MAX
from ..notify.outbox import enqueue
from ..timeutil import to_local
from .access import check_may_supervise
from .inputs import text_or_problem
from .models import Case
from .rules import escalation_reason
from .sla import is_breached
from .timeline import add_event, case_transaction, lock_case, trace

KIND = "case_escalation"
OPEN_STATUSES = ("new", "open", "waiting")
SWEEP_BATCH = 500
TEXTS = {
    ("complaint", "zh"): "【投诉上报】工单 #{id}（{severity}）：{subject}。请尽快查看并处理。",
    ("complaint", "en"): "[Complaint escalated] Case #{id} ({severity}): {subject}. Please look at it now.",
    ("breach", "zh"): "【超时上报】工单 #{id} 未在首次响应时限（{due}）前回复：{subject}。",
    ("breach", "en"): "[Response target missed] Case #{id} was not answered by {due}: {subject}.",
}


def escalation_key(case_id: int, reason: str) -> str:
    return f"{KIND}:{case_id}:{reason}"


_CATALOGUES = {"zh": "zh_CN", "en": "en"}


def escalation_text(case: Case, reason: str, locale: str, zone: str) -> str:
    """The note to the supervisors, stored and sent as text: in the shop's language, its time in the shop's zone."""
    locale = locale if locale in _CATALOGUES else "zh"
    with force_locale(_CATALOGUES[locale]):
        severity = str(CASE_SEVERITIES.get(case.severity, case.severity))
    return TEXTS[(reason, locale)].format(id=case.id, severity=severity, subject=case.subject[:80].rstrip("。.！!？?"),
                                          due=to_local(case.first_response_due_at, zone).strftime("%Y-%m-%d %H:%M"))


def reasons_recorded(case: Case) -> set[str]:
    return {(event.data or {}).get("reason") for event in case.events if event.kind == "escalation"}


def escalate(case: Case, reason: str, actor: Actor, now: datetime, zone: str, outbox_channel: str) -> bool:
    """Inside the caller's transaction, on a locked case; False when the case already went up for this reason.
    The message has no customer and no order, so no channel can ever send it to the buyer. `zone` and
    `outbox_channel`: the shop's."""
    if reason in reasons_recorded(case):
        return False
    before = {"escalated_at": case.escalated_at, "escalation_reason": case.escalation_reason}
    text = escalation_text(case, reason, load_settings().locale, zone)
    case.escalated_at, case.escalation_reason = now, reason
    case.escalation_acknowledged_at = case.escalation_acknowledged_by = None  # a new reason needs a new look
    add_event(case, "escalation", actor, now, body=text, data={"reason": reason})
    enqueue(kind=KIND, dedupe_key=escalation_key(case.id, reason), body=text, now=now, channel=outbox_channel)
    trace(case, "case.escalated", actor, now, before=before, after={"escalation_reason": reason, "escalated_at": now})
    return True


def escalate_if_serious(case: Case, actor: Actor, now: datetime, zone: str, outbox_channel: str) -> bool:
    reason = escalation_reason(case.category, case.severity, False, reasons_recorded(case))
    return reason is not None and escalate(case, reason, actor, now, zone, outbox_channel)


def _breach_candidates(now: datetime, after_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Case.id).where(Case.first_responded_at.is_(None), Case.first_response_due_at < now,
                              Case.status.in_(OPEN_STATUSES), Case.id > after_id,
                              or_(Case.escalation_reason.is_(None), Case.escalation_reason != "breach"))
        .order_by(Case.id).limit(SWEEP_BATCH)))


def escalate_breaches(now: datetime, zone: str, outbox_channel: str) -> dict:
    """The scheduler's sweep: every open case still unanswered past its due time goes up once for "breach".
    Each case is locked, re-read and committed on its own, so two sweeps at once or a sweep killed midway
    escalate nothing twice (and the outbox's dedupe key would refuse a second message anyway)."""
    actor, escalated, last_id = Actor.system("case_sweep"), 0, 0
    while ids := _breach_candidates(now, last_id):
        for case_id in ids:
            with case_transaction():
                case = lock_case(case_id)
                if case.status in OPEN_STATUSES and is_breached(case.first_response_due_at, case.first_responded_at, now):
                    reason = escalation_reason(case.category, case.severity, True, reasons_recorded(case))
                    if reason is not None and escalate(case, reason, actor, now, zone, outbox_channel):
                        escalated += 1
        last_id = ids[-1]
    return {"escalated": escalated}


def acknowledge(case_id: int, actor: Actor, now: datetime, note: str) -> Case:
    """A supervisor took the escalation over; `note` says what was done, and the case shows who and when."""
    check_may_supervise(actor)
    text, fields = text_or_problem(note, NOTE_MAX, "note")
    if fields:
        raise Invalid(_l("Say what was done about the escalation."), fields)
    with case_transaction():
        case = lock_case(case_id)
        if case.escalated_at is None:
            raise Conflict(_l("This case has not been escalated."))
        if case.escalation_acknowledged_at is not None:
            raise Conflict(_l("This escalation was already acknowledged by %(who)s.",
                              who=case.escalation_acknowledged_by))
        case.escalation_acknowledged_at, case.escalation_acknowledged_by = now, actor.label
        add_event(case, "acknowledgement", actor, now, body=text, data={"reason": case.escalation_reason})
        trace(case, "case.acknowledged", actor, now, after={"escalation_reason": case.escalation_reason, "note": text})
    return case
