"""Working a case: replies (sent here or given elsewhere), notes, customer messages, transfers, status and
severity. Each call checks the actor, locks the case, writes its timeline and audit entry, and commits."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actor import Actor
from ..errors import Invalid
from ..extensions import db
from ..notify.mail_headers import new_message_id, reply_headers
from ..notify.outbox import enqueue
from ..notify.widget import MESSAGE_PREFIX, WIDGET, prefix_range
from ..timeutil import UTC
from . import rules
from .access import check_case_access, check_may_work
from .escalation import escalate_if_serious
from .inputs import Reading, text_or_problem, time_problem
from .models import BODY_MAX, Case, CaseEvent
from .owners import own_on_reply
from .reply_status import reply_key
from .timeline import add_event, case_transaction, lock_case, trace

REOPENING = ("resolved", "closed")


def _check(fields: dict, message) -> None:
    if fields:
        raise Invalid(message, fields)


def _move(case: Case, to: str, now: datetime) -> dict:
    """Set the status and its time stamps; a reopened case forgets when it was resolved and closed."""
    before = case.status
    if to == before:
        return {}
    case.status = to
    if to == "resolved":
        case.resolved_at = now
    elif to == "closed":
        case.closed_at = now
    elif before in REOPENING:
        case.resolved_at = case.closed_at = None
    return {"status": {"before": before, "after": to}}


def reply(case_id: int, body: str, actor: Actor, now: datetime, send: bool = True,
          given_at: datetime | None = None, channel: str | None = None, mail_domain: str = "localhost", *,
          outbox_channel: str) -> CaseEvent:
    """send=True queues the reply to the customer through the outbox; send=False logs a reply given elsewhere
    (on the phone, in the platform's chat) at `given_at`. A logged reply stops the clock at its time; a queued one only
    when it reaches the buyer (shopcs.cases.reply_status): at once through the widget, else when sent or given.
    A person answering an unowned case becomes its owner.
    The text is stored as typed, HTML included: escaping it is the page's job when it is shown.
    On an e-mail case the reply goes by e-mail in the buyer's thread; `mail_domain` (the shop's From address's)
    ends its Message-ID. Any other sent reply takes `outbox_channel`, the shop's (SHOPCS_OUTBOX_CHANNEL)."""
    check_may_work(actor)
    text, fields = text_or_problem(body, BODY_MAX, "body")
    if send and given_at is not None:
        fields["given_at"] = "only a reply given elsewhere has a time of its own"
    if not send:
        problem = "is required for a reply given elsewhere" if given_at is None else time_problem(given_at, now)
        if problem:
            fields["given_at"] = problem
    if channel is not None and channel not in rules.CHANNELS:
        fields["channel"] = f"must be one of {', '.join(rules.CHANNELS)}"
    _check(fields, _l("The reply has invalid fields."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        at = now if send else given_at.astimezone(UTC)
        if at < case.received_at:
            raise Invalid(_l("The reply cannot be before the customer's message."),
                          {"given_at": "must not be before the customer's message"})
        change = _move(case, rules.status_after_reply(case.status), now)
        own_on_reply(case, actor, now)
        event = add_event(case, "reply" if send else "reply_logged", actor, now, body=text, occurred_at=at,
                          channel=channel or case.channel, data=change or None)
        answered = not send
        if send:
            headers = _mail_thread(case, event, mail_domain) if event.channel == "email" else None
            message = enqueue(kind="case_reply", dedupe_key=reply_key(event.id), body=text, now=now,
                              customer_id=case.customer_id, order_id=case.order_id,
                              channel="email" if headers else _widget_delivery(case) or outbox_channel, headers=headers)
            answered = message is not None and message.status == "sent"  # the widget's: sent as it is queued
        if answered and (case.first_responded_at is None or at < case.first_responded_at):
            case.first_responded_at = at
        trace(case, "case.replied" if send else "case.reply_logged", actor, now,
              after={"event_id": event.id, "at": at, **change})
    return event


ASSISTANT = Actor.system("assistant")
ASSISTANT_REPLY = "assistant_reply"  # the event's kind and its outbox message's


def answer_by_assistant(case_id: int, body: str, now: datetime, *, outbox_channel: str) -> CaseEvent:
    """The assistant told the buyer something itself (shopcs.conversations.auto_answer): queued like a reply on a chat
    case (to the widget that fetches it, else the shop's `outbox_channel`), but the case stays the agents' work: its
    status, owner and first-response clock do not change. `assistant_answered_at` marks it."""
    text, fields = text_or_problem(body, BODY_MAX, "body")
    _check(fields, _l("The reply has invalid fields."))
    with case_transaction():
        case = lock_case(case_id)
        event = add_event(case, ASSISTANT_REPLY, ASSISTANT, now, body=text, channel=case.channel)
        enqueue(kind=ASSISTANT_REPLY, dedupe_key=f"{ASSISTANT_REPLY}:{event.id}", body=text, now=now,
                customer_id=case.customer_id, order_id=case.order_id,
                channel=_widget_delivery(case) or outbox_channel)
        case.assistant_answered_at = now
        trace(case, "case.assistant_answered", ASSISTANT, now, after={"event_id": event.id})
    return event


def _mail_thread(case: Case, event: CaseEvent, mail_domain: str) -> dict:
    """Our reply's headers; its Message-ID is kept as the event's external_id, where a buyer's answer naming it in
    In-Reply-To finds the case (shopcs.conversations.mailbox)."""
    mails = [(e.kind, e.external_id) for e in case.events if e.channel == "email" and e.external_id and e.id != event.id]
    buyer = [external_id for kind, external_id in mails if kind == "customer_message"]
    event.external_id = new_message_id(case.id, event.id, mail_domain)
    return reply_headers(case_id=case.id, subject=case.subject, message_id=event.external_id,
                         thread=[external_id for _kind, external_id in mails], buyer_latest=buyer[-1] if buyer else None)


def _widget_delivery(case: Case) -> str | None:
    """"widget" when the buyer writes in the storefront widget (which fetches replies), else None: the shop's channel."""
    low, high = prefix_range(MESSAGE_PREFIX)
    found = db.session.scalar(select(CaseEvent.id).where(
        CaseEvent.case_id == case.id, CaseEvent.channel == "chat", CaseEvent.external_id >= low,
        CaseEvent.external_id < high).limit(1))
    return WIDGET if found is not None else None


def add_note(case_id: int, body: str, actor: Actor, now: datetime) -> CaseEvent:
    """An internal note: never sent, does not stop the clock."""
    check_may_work(actor)
    text, fields = text_or_problem(body, BODY_MAX, "body")
    _check(fields, _l("The note is empty or too long."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        event = add_event(case, "note", actor, now, body=text)
        trace(case, "case.note_added", actor, now, after={"event_id": event.id})
    return event


def add_customer_message(case_id: int, body: str, actor: Actor, now: datetime,
                         received_at: datetime | None = None, external_id: str | None = None,
                         reading: Reading | None = None) -> CaseEvent:
    """The customer wrote again: the case goes back to the agents (a resolved or closed one is reopened).
    `external_id`: the source's id of the message, unique per channel (shopcs.conversations.intake); `reading`: the
    assistant's, kept in the event's data."""
    check_may_work(actor)
    text, fields = text_or_problem(body, BODY_MAX, "body")
    if received_at is not None and (problem := time_problem(received_at, now)):
        fields["received_at"] = problem
    _check(fields, _l("The message has invalid fields."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        change = _move(case, rules.status_after_customer_message(case.status), now)
        event = add_event(case, "customer_message", actor, now, body=text, occurred_at=min(received_at or now, now),
                          channel=case.channel, data={**change, "reading": reading.as_json()} if reading else change or None,
                          external_id=external_id)
        trace(case, "case.customer_message", actor, now, after={"event_id": event.id, **change})
    return event


def change_status(case_id: int, to: str, actor: Actor, now: datetime) -> Case:
    """Raises CaseRuleError (a Conflict) for a move the rules forbid; resolved → open and closed → open reopen."""
    check_may_work(actor)
    _check({} if to in rules.STATUSES else {"status": f"must be one of {', '.join(rules.STATUSES)}"},
           _l("Unknown case status."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        rules.check_change(case.status, to)
        reopened = case.status in REOPENING and to == "open"
        change = _move(case, to, now)
        add_event(case, "status", actor, now, data=change)
        trace(case, "case.reopened" if reopened else "case.status", actor, now,
              before={"status": change["status"]["before"]}, after={"status": to})
    return case


def change_severity(case_id: int, severity: str, actor: Actor, now: datetime, zone: str, *, outbox_channel: str) -> Case:
    """Raising a complaint to high or critical sends it to the supervisors at once (once per case; `zone` and
    `outbox_channel`: the shop's)."""
    check_may_work(actor)
    _check({} if severity in rules.SEVERITIES else {"severity": f"must be one of {', '.join(rules.SEVERITIES)}"},
           _l("Unknown severity."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        if case.severity != severity:
            before, case.severity = case.severity, severity
            add_event(case, "severity", actor, now, data={"severity": {"before": before, "after": severity}})
            trace(case, "case.severity", actor, now, before={"severity": before}, after={"severity": severity})
            escalate_if_serious(case, actor, now, zone, outbox_channel)
    return case
