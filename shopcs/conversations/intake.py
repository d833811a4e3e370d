"""A buyer's message from any source — a chat system through the API, the storefront widget, the shop's mailbox — lands
in one conversation: the customer's latest case on that channel, unless that case is closed or was resolved more than
a week ago (a resolved one reopens); otherwise a new case opens. The source's id of the message makes it count once:
the same channel and id again finds the event already written and writes nothing."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..assistant.reading import read_message
from ..cases.creation import create_case
from ..cases.inputs import CaseInput, Reading, customer_problems, time_problem
from ..cases.linking import link_cases_to_order
from ..cases.models import Case, CaseEvent
from ..cases.owners import assign_new_case
from ..cases.rules import BODY_MAX, EXTERNAL_ID_MAX, SUBJECT_MAX, category_for_new_case
from ..cases.settings import load_max_open, load_triage
from ..cases.work import add_customer_message
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..orders.models import Customer, Order
from ..orders.schemas import order_no_problem, text_problem
from .auto_answer import answer_if_simple
from .order_link import order_to_link

CHANNELS = ("chat", "email", "platform")  # where buyers write; a phone call is logged by an agent, not received
REOPEN_WITHIN = timedelta(days=7)  # a case resolved longer ago is history: the buyer's new message opens a new one
_SUBJECT_FROM_BODY = 60


@dataclass(frozen=True)
class IncomingMessage:
    channel: str
    external_id: str  # the source's id of the message
    body: str
    customer: dict | None = None  # {external_id, name, phone, email}; required unless order_no names an order
    order_no: str | None = None
    subject: str | None = None
    received_at: datetime | None = None  # None: it arrived now


@dataclass(frozen=True)
class Received:
    case_id: int
    event_id: int
    case_created: bool
    duplicate: bool = False  # the same message came before: nothing was written


def message_problems(message: IncomingMessage, now: datetime) -> dict:
    """Every problem of the message by dotted field path; empty when it can be taken."""
    fields: dict = {}
    if message.channel not in CHANNELS:
        fields["channel"] = f"must be one of {', '.join(CHANNELS)}"
    for name, limit, required in (("external_id", EXTERNAL_ID_MAX, True), ("body", BODY_MAX, True),
                                  ("subject", SUBJECT_MAX, False)):
        if problem := text_problem(getattr(message, name), limit, required=required):
            fields[name] = problem
    if message.received_at is not None and (problem := time_problem(message.received_at, now)):
        fields["received_at"] = problem
    if message.order_no is not None:
        if problem := order_no_problem(message.order_no):
            fields["order_no"] = problem
    else:
        fields.update(customer_problems(message.customer))
    return fields


def receive_message(message: IncomingMessage, actor: Actor, now: datetime, zone: str, *, outbox_channel: str) -> Received:
    """Raises Invalid naming each bad field (nothing written), NotFound for an order_no that names no order.
    `zone`: the shop's, for a new case's first-response clock; `outbox_channel`: the shop's, for its escalation."""
    fields = message_problems(message, now)
    if fields:
        raise Invalid(_l("The message has invalid fields."), fields)
    external_id = message.external_id.strip()
    if (known := known_message(message.channel, external_id)) is not None:
        return known
    reading = read_message(message.body)
    try:
        customer_id = _customer_id(message)
        case = _conversation(customer_id, message.channel, now)
        order = None if message.order_no is not None or (case is not None and case.order_id is not None) \
            else order_to_link(customer_id, message.body)
        if case is None:
            created = create_case(_new_case(message, reading, order), actor, now, zone, external_id=external_id,
                                  outbox_channel=outbox_channel)
            assign_new_case(created.id, now, load_max_open())  # its own transaction, after the case is saved
            received = Received(created.id, created.events[0].id, case_created=True)
        else:
            event = add_customer_message(case.id, message.body, actor, now, message.received_at,
                                         external_id=external_id, reading=reading)
            if order is not None:  # its own transaction: the message is kept even if the link fails
                link_cases_to_order([case.id], order, actor, now)
            received = Received(case.id, event.id, case_created=False)
    except (IntegrityError, Conflict):
        # the same message, sent twice at once: the other request wrote it (the unique index let one through)
        db.session.rollback()
        if (known := known_message(message.channel, external_id)) is not None:
            return known
        raise
    # its own transaction, once the message is kept: out of hours, "where is my order?" answered at once
    answer_if_simple(received.case_id, message.body, reading, now, zone, outbox_channel=outbox_channel)
    return received


def known_message(channel: str, external_id: str) -> Received | None:
    """The event this channel's message with this id was written as, if it came before."""
    row = db.session.execute(select(CaseEvent.case_id, CaseEvent.id).where(
        CaseEvent.channel == channel, CaseEvent.external_id == external_id)).first()
    return None if row is None else Received(row.case_id, row.id, case_created=False, duplicate=True)


def _customer_id(message: IncomingMessage) -> int | None:
    """The buyer: the named order's customer, else the customer with the source's id (None: not seen before)."""
    if message.order_no is not None:
        customer_id = db.session.scalar(select(Order.customer_id).where(Order.order_no == message.order_no.strip()))
        if customer_id is None:
            raise NotFound(_l("No order %(order_no)s.", order_no=message.order_no), {"order_no": "no such order"})
        return customer_id
    return db.session.scalar(select(Customer.id).where(Customer.external_id == message.customer["external_id"].strip()))


def _conversation(customer_id: int | None, channel: str, now: datetime) -> Case | None:
    """The customer's latest case on the channel, if the message continues it."""
    if customer_id is None:
        return None
    case = db.session.scalar(select(Case).where(Case.customer_id == customer_id, Case.channel == channel)
                             .order_by(Case.received_at.desc(), Case.id.desc()).limit(1))
    return case if case is not None and continues(case, now) else None


def continues(case: Case, now: datetime) -> bool:
    """May the buyer's new message join this case? Not a closed one, nor one resolved more than a week ago."""
    if case.status == "closed":
        return False
    return not (case.status == "resolved" and case.resolved_at is not None and case.resolved_at < now - REOPEN_WITHIN)


def _new_case(message: IncomingMessage, reading: Reading | None, order: Order | None) -> CaseInput:
    """The case a message opens: the assistant's category when it is sure enough (the shop's setting), else the
    team's default; the order the message names, or the one the message was linked to."""
    body = message.body.strip()
    subject = (message.subject or "").strip() or body.splitlines()[0][:_SUBJECT_FROM_BODY]
    category = category_for_new_case(reading.category, reading.confidence, load_triage()) if reading is not None \
        else load_triage().default_category
    order_no = message.order_no if message.order_no is not None else (order.order_no if order is not None else None)
    return CaseInput(category=category, channel=message.channel, subject=subject, body=body,
                     received_at=message.received_at, order_no=order_no, customer=message.customer, reading=reading)
