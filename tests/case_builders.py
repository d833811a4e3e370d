"""Builders for cases with sensible defaults: a chat question received at NOW (10:00 in Shanghai) from a new buyer."""
import itertools
from datetime import datetime

from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.reply_status import mark_given, reply_sent
from shopcs.cases.services import CaseInput, create_case
from shopcs.cases.work import reply
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer

from .builders import NOW

PLATFORM = Actor(label="token:shop", is_platform=True)
ZONE = "Asia/Shanghai"  # the test app's SHOPCS_TIMEZONE (conftest)
_seq = itertools.count(1)


def case_input(category="tracking", channel="chat", severity="normal", order_no=None, customer=None,
               received_at: datetime | None = NOW, subject="我的快递到哪了？", body="您好，请问我的包裹到哪里了？") -> CaseInput:
    if order_no is None and customer is None:
        customer = {"external_id": f"buyer-{next(_seq)}", "name": "李四", "phone": "13912345678", "email": ""}
    return CaseInput(category=category, channel=channel, subject=subject, body=body, received_at=received_at,
                     severity=severity, order_no=order_no, customer=customer)


def make_case(actor: Actor = PLATFORM, now: datetime = NOW, **values) -> Case:
    return create_case(case_input(**values), actor, now, ZONE, outbox_channel="manual")


def as_user(user) -> Actor:
    return Actor.for_user(user)


def row_counts() -> dict:
    """What a refused request must leave unchanged."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Case, CaseEvent, Customer, AuditEntry, OutboxMessage)}


def escalations() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_escalation")
                                   .order_by(OutboxMessage.id)))


def answer(case_id: int, body: str, actor: Actor, at: datetime):
    """A reply that reaches the buyer as it is written, so the case is answered at `at` (a queued reply answers nothing
    until it is sent or given): given by hand on the manual channel, else sent as the outbox sender records it."""
    event = reply(case_id, body, actor, at, outbox_channel="manual")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{event.id}"))
    if message.channel == "manual":
        mark_given(case_id, event.id, actor, at)
    elif message.status == "pending":
        message.status, message.sent_at = "sent", at
        reply_sent(message.kind, message.dedupe_key, at)
        db.session.commit()
    return event
