"""How far a sent reply got, read from its outbox row (dedupe key "case_reply:<event id>"), and the first-response
clock stopped when the reply reached the buyer: a real channel when the sender has sent it, the widget at once (it is
sent as it is queued), the manual channel when an agent marks it given. A queued reply is not an answer yet."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from ..actor import Actor
from ..errors import Conflict, NotFound
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.policy import OPEN
from ..notify.sender import mark_manual_sent
from .access import check_case_access, check_may_work
from .models import Case, CaseEvent
from .timeline import MAX_DB_ID, case_transaction, lock_case

KIND = "case_reply"
PREFIX = f"{KIND}:"


def reply_key(event_id: int) -> str:
    return f"{PREFIX}{event_id}"


@dataclass(frozen=True)
class ReplyState:
    """One reply's delivery as the case page shows it. `state`: queued, retrying, sent, delivered, failed, cancelled."""

    message_id: int
    state: str
    channel: str
    sent_at: datetime | None
    error: str | None  # the channel's last answer: what a failed (or retrying) reply needs someone to act on

    @property
    def may_be_given(self) -> bool:
        """An agent may mark it given: it waits for them on the manual channel, or the sender gave up on it."""
        return (self.channel == "manual" and self.state in ("queued", "retrying")) or self.state == "failed"


_STATES = {"pending": "queued", "failed": "retrying", "dead": "failed", "sent": "sent", "delivered": "delivered",
           "cancelled": "cancelled"}


def reply_states(events) -> dict[int, ReplyState]:
    """{reply event id: its state}, for the sent replies among `events`, in one query."""
    keys = {reply_key(event.id): event.id for event in events if event.kind == "reply"}
    if not keys:
        return {}
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.status,
                                     OutboxMessage.channel, OutboxMessage.sent_at, OutboxMessage.last_error,
                                     OutboxMessage.cancel_reason).where(OutboxMessage.dedupe_key.in_(keys)))
    return {keys[row.dedupe_key]: ReplyState(row.id, _STATES.get(row.status, row.status), row.channel, row.sent_at,
                                             row.last_error or row.cancel_reason) for row in rows}


def reply_sent(kind: str, dedupe_key: str, sent_at: datetime) -> None:
    """The outbox sender's (and a manual mark's) callback: a case reply has left, so its case is answered at
    `sent_at` unless it was answered earlier. The caller commits. Every other kind of message is none of ours."""
    if kind != KIND or not dedupe_key.startswith(PREFIX) or not dedupe_key[len(PREFIX):].isdigit():
        return
    case_id = select(CaseEvent.case_id).where(CaseEvent.id == int(dedupe_key[len(PREFIX):])).scalar_subquery()
    db.session.execute(update(Case).where(Case.id == case_id, or_(Case.first_responded_at.is_(None),
                                                                    Case.first_responded_at > sent_at))
                       .values(first_responded_at=sent_at).execution_options(synchronize_session=False))


def mark_given(case_id: int, event_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """An agent gave a manual-channel reply to the buyer (pasted it into the platform's chat), or delivered by hand
    one the sender gave up on: the reply counts as sent now, which stops the clock. Audited ("outbox.manual_sent")."""
    check_may_work(actor)
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        event = db.session.get(CaseEvent, event_id) if isinstance(event_id, int) and 1 <= event_id <= MAX_DB_ID else None
        if event is None or event.case_id != case.id or event.kind != "reply":
            raise NotFound(_l("No such reply on this case."))
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == reply_key(event.id)))
        if message is None:
            raise NotFound(_l("No such reply on this case."))
        if not ((message.channel == "manual" and message.status in OPEN) or message.status == "dead"):
            raise Conflict(_l("This reply is not waiting to be given by hand."))
        return mark_manual_sent(message.id, actor, now, on_sent=reply_sent)  # commits, the clock with it
