"""The storefront widget's conversations: start one, take the buyer's messages, list what the buyer may see, link
the conversation to the buyer's order, answer "where is my order?". Settings (the secret key) are passed in; each
write commits or rolls back.

A widget message enters like any other (intake.receive_message) on the "chat" channel, with the source id
"widget:<key>:<client id>": the key ties every message to its conversation, whichever case or customer it lands on,
and the client id lets the widget resend a message it is unsure about without it counting twice.
"""
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, select, union_all

from ..actor import Actor
from ..assistant.order_status import find_order_for_buyer, public_status
from ..cases.linking import link_cases_to_order
from ..cases.models import BODY_MAX, Case, CaseEvent
from ..cases.reply_status import KIND as REPLY_OUTBOX_KIND
from ..cases.work import ASSISTANT_REPLY
from ..errors import Invalid
from ..extensions import db
from ..notify.widget import MESSAGE_PREFIX, mark_delivered, prefix_range
from ..orders.models import Order
from ..orders.schemas import text_problem
from .intake import IncomingMessage, Received, receive_message
from .widget_models import KEY_LENGTH, WidgetConversation

TOKEN_SALT = "shopcs.widget.conversation"  # its own salt: no other signed value of the app passes as a token
TOKEN_LIFETIME = timedelta(days=30)  # then the widget starts a new conversation (a case and its history stay)
ACTOR = Actor.system("storefront widget")
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
PAGE = 100  # messages per fetch; the widget asks again with the last id
ORDER_NO_MAX = 64
LAST4 = re.compile(r"[0-9]{4}")


def issue_token(key: str, secret: str) -> str:
    """Signed and dated (itsdangerous): valid for TOKEN_LIFETIME from now."""
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT).dumps(key)


def token_key(token: str, secret: str, now: datetime) -> str | None:
    """The conversation key a token carries, read without the database (the limits count by it); None for a forged,
    altered or expired (older than TOKEN_LIFETIME at `now`) one."""
    try:
        key, issued_at = URLSafeTimedSerializer(secret, salt=TOKEN_SALT).loads(token, return_timestamp=True)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if not isinstance(key, str) or len(key) != KEY_LENGTH or now - issued_at.astimezone(UTC) > TOKEN_LIFETIME:
        return None
    return key


def find_conversation(token: str, secret: str, now: datetime) -> WidgetConversation | None:
    """The conversation a token names; None for a forged, altered, expired or unknown one."""
    key = token_key(token, secret, now)
    return db.session.scalar(select(WidgetConversation).where(WidgetConversation.key == key)) if key else None


def start_conversation(now: datetime) -> WidgetConversation:
    conversation = WidgetConversation(key=secrets.token_hex(KEY_LENGTH // 2), created_at=now)
    db.session.add(conversation)
    db.session.commit()
    return conversation


def _prefix(conversation: WidgetConversation) -> str:
    return f"{MESSAGE_PREFIX}{conversation.key}:"


def post_message(conversation: WidgetConversation, body, client_id, now: datetime, zone: str, *,
                 outbox_channel: str) -> tuple[Received, CaseEvent]:
    """Raises Invalid (nothing written) for a bad body or client id. The same client id again: the first message.
    `zone` and `outbox_channel`: the shop's, for a new case."""
    if client_id is not None and not (isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id)):
        raise Invalid(_l("The message has invalid fields."), {"client_id": "must be 1 to 64 letters, digits, - or _"})
    if problem := text_problem(body, BODY_MAX, required=True):
        raise Invalid(_l("The message has invalid fields."), {"body": problem})
    order_no = db.session.scalar(select(Order.order_no).where(Order.id == conversation.order_id)) \
        if conversation.order_id is not None else None
    message = IncomingMessage(channel="chat", external_id=_prefix(conversation) + (client_id or uuid.uuid4().hex),
                              body=body, customer=None if order_no else {"external_id": MESSAGE_PREFIX + conversation.key},
                              order_no=order_no)
    received = receive_message(message, ACTOR, now, zone, outbox_channel=outbox_channel)
    if conversation.customer_id is None:
        conversation.customer_id = db.session.scalar(select(Case.customer_id).where(Case.id == received.case_id))
        db.session.commit()
    return received, db.session.get(CaseEvent, received.event_id)


def _own_messages(conversation: WidgetConversation):
    low, high = prefix_range(_prefix(conversation))
    return and_(CaseEvent.channel == "chat", CaseEvent.external_id >= low, CaseEvent.external_id < high)


def _case_ids(conversation: WidgetConversation):
    return select(CaseEvent.case_id).where(_own_messages(conversation)).distinct()


# the events sent to the buyer, and the outbox kind each went as; who the widget says wrote them
_SENT_KINDS = {"reply": REPLY_OUTBOX_KIND, ASSISTANT_REPLY: ASSISTANT_REPLY}
_FROM = {"reply": "agent", ASSISTANT_REPLY: "assistant"}


def messages_after(conversation: WidgetConversation, after: int, now: datetime) -> list[dict]:
    """The buyer's own messages and the replies sent to them in this conversation's cases (an agent's, or the
    assistant's answer), after event `after`: never notes, replies logged from elsewhere or any other internal line.
    The replies shown count as delivered. One statement, the union of two index reads (the source-id range; the
    timelines of the cases it names) rather than one OR over the table: a poll that finds nothing new is one round
    trip."""
    columns = (CaseEvent.id, CaseEvent.kind, CaseEvent.body, CaseEvent.occurred_at)
    own = select(*columns).where(_own_messages(conversation), CaseEvent.id > after)
    replies = select(*columns).where(CaseEvent.case_id.in_(_case_ids(conversation)),
                                     CaseEvent.kind.in_(tuple(_SENT_KINDS)), CaseEvent.id > after)
    both = union_all(own, replies).subquery()
    rows = db.session.execute(select(both).order_by(both.c.id).limit(PAGE)).all()
    shown = [(_SENT_KINDS[row.kind], row.id) for row in rows if row.kind in _SENT_KINDS]
    if shown and mark_delivered(shown, now):
        db.session.commit()
    return [{"id": row.id, "from": _FROM.get(row.kind, "customer"), "body": row.body,
             "created_at": row.occurred_at.isoformat()} for row in rows]


def _buyers_order(order_no, phone_last4) -> Order | None:
    """The order the buyer names with the last 4 digits of its phone; None for a wrong pair and an unknown order
    alike. Malformed input raises Invalid (422) with a reason per field."""
    fields = {}
    if problem := text_problem(order_no, ORDER_NO_MAX, required=True):
        fields["order_no"] = problem
    if not (isinstance(phone_last4, str) and LAST4.fullmatch(phone_last4)):
        fields["phone_last4"] = "must be 4 digits"
    if fields:
        raise Invalid(_l("The order number or the digits are not valid."), fields)
    return find_order_for_buyer(order_no.strip(), phone_last4)


def order_status(order_no, phone_last4, language: str) -> dict | None:
    """What the buyer may see of their order (assistant.order_status.public_status), or None when the pair does not
    match an order. Reads only."""
    order = _buyers_order(order_no, phone_last4)
    return public_status(order, language) if order is not None else None


def identify(conversation: WidgetConversation, order_no, phone_last4, now: datetime) -> bool:
    """Links the conversation and its cases not yet closed to the order when its phone ends with `phone_last4`.
    A wrong pair and an unknown order give the same False; malformed input raises Invalid."""
    order = _buyers_order(order_no, phone_last4)
    if order is None:
        return False
    conversation.order_id, conversation.customer_id = order.id, order.customer_id
    case_ids = list(db.session.scalars(select(Case.id).where(Case.id.in_(_case_ids(conversation)), Case.status != "closed")))
    link_cases_to_order(case_ids, order, ACTOR, now)  # commits the conversation's link with the cases'
    return True
