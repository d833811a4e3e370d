"""Opening a case: from a chat or email integration (the API) or by an agent. One transaction: the case, its first
message, its customer when new, and an at-once escalation of a serious complaint — all of it or nothing."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..orders.models import Customer, Order
from ..phone import normalize_phone
from ..timeutil import UTC
from .access import check_may_work, user_id_of
from .escalation import escalate_if_serious
from .inputs import CaseInput, case_problems
from .models import Case
from .settings import load_sla_settings
from .sla import first_response_due
from .timeline import add_event, trace
from .wordsearch.index import add_text


def _order(order_no: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None:
        raise NotFound(_l("No order %(order_no)s.", order_no=order_no), {"order_no": "no such order"})
    return order


def _customer(values: dict, now: datetime) -> Customer:
    """The customer by the platform's id; a new one is created. A known one is left as it is: the order feed,
    not a chat message, is where the shop learns a buyer's name and phone."""
    external_id = values["external_id"].strip()
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is None:
        phone, _valid = normalize_phone(values.get("phone"))
        customer = Customer(external_id=external_id, name=(values.get("name") or "").strip(), phone=phone,
                            email=(values.get("email") or "").strip(), opted_out=False, created_at=now)
        db.session.add(customer)
        db.session.flush()
    return customer


def create_case(data: CaseInput, actor: Actor, now: datetime, zone: str, external_id: str | None = None, *,
                outbox_channel: str) -> Case:
    """Validates everything before writing (Invalid names each bad field; an unknown order_no is NotFound).
    `zone`: the shop's, for the first-response clock's business hours and the escalation's text; `outbox_channel`:
    the shop's, for the escalation's message.
    `external_id`: the source's id of the first message, unique per channel (shopcs.conversations.intake)."""
    check_may_work(actor)
    fields = case_problems(data, now)
    if fields:
        raise Invalid(_l("The case has invalid fields."), fields)
    received_at = min(data.received_at or now, now).astimezone(UTC)  # a clock a little ahead: it came now
    try:
        order = _order(data.order_no) if data.order_no is not None else None
        customer = order.customer if order is not None else _customer(data.customer, now)
        due = first_response_due(received_at, data.channel, load_sla_settings(), zone)
        case = Case(category=data.category, channel=data.channel, severity=data.severity, status="new",
                    subject=data.subject.strip(), body=data.body.strip(), customer_id=customer.id,
                    order_id=order.id if order else None, owner_id=user_id_of(actor), team="agents",
                    received_at=received_at, first_response_due_at=due, created_by=actor.label, created_at=now,
                    updated_at=now, lock_version=0)
        if data.reading is not None:
            case.suggested_category, case.suggested_confidence = data.reading.category, data.reading.confidence
        db.session.add(case)
        add_event(case, "customer_message", actor, now, body=case.body, occurred_at=received_at, channel=data.channel,
                  external_id=external_id, data={"reading": data.reading.as_json()} if data.reading else None)
        add_text(case.id, case.subject)  # the word search's (the message's text is added with its event)
        trace(case, "case.created", actor, now, after={
            "category": case.category, "channel": case.channel, "severity": case.severity, "subject": case.subject,
            "order_no": data.order_no, "customer": customer.external_id, "received_at": received_at,
            "first_response_due_at": due})
        escalate_if_serious(case, actor, now, zone, outbox_channel)
        db.session.commit()
        return case
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_l("The customer was written by another request at the same time; send the case again.")) from exc
    except Exception:
        db.session.rollback()
        raise
