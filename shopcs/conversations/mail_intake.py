"""One buyer's e-mail into ShopCS: a machine's mail (auto-reply, bounce, mailing) opens nothing; an answer in one of
our threads joins its case — by In-Reply-To/References naming a mail of the case (the buyer's earlier one, or one of
our replies, whose Message-ID the reply event keeps), or by a `[#id]` subject tag from the case's own buyer's
address; anything else goes to intake as any channel's message (the buyer's open e-mail case, else a new case)."""
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..assistant.reading import read_message
from ..cases.models import Case, CaseEvent
from ..cases.rules import EXTERNAL_ID_MAX
from ..cases.work import add_customer_message
from ..errors import Invalid
from ..extensions import db
from ..notify.mail_headers import bare_subject
from .intake import IncomingMessage, continues, known_message, receive_message
from .mail_in import InboundMail

CHANNEL = "email"
SENT_AT_TRUSTED_FOR = timedelta(days=7)  # a Date older than this (a wrong clock, a mail long delayed) reads as "now"
OUTCOMES = ("opened", "joined", "duplicate", "automatic")


def take_mail(mail: InboundMail, fallback_id: str, actor: Actor, now: datetime, zone: str, *,
              outbox_channel: str) -> str:
    """One of OUTCOMES; commits what it writes. `fallback_id` stands for a missing Message-ID (the mailbox's own id
    of the mail). Raises the intake's Invalid for a mail that cannot be a message (no sender, say): nothing written."""
    if mail.automatic:
        return "automatic"
    if "@" not in mail.from_address:  # nobody to answer, and no customer to file it under
        raise Invalid(_l("The mail has no sender address."), {"from": "must be an e-mail address"})
    external_id = (mail.message_id or fallback_id)[:EXTERNAL_ID_MAX]
    if known_message(CHANNEL, external_id) is not None:
        return "duplicate"
    body, received_at = mail.text.strip() or _("(no text)"), _received_at(mail.sent_at, now)
    case = _threaded_case(mail, now)
    if case is not None:
        try:
            add_customer_message(case.id, body, actor, now, received_at, external_id=external_id,
                                 reading=read_message(body))
        except IntegrityError:  # another poll wrote the same mail at the same moment (the unique index let one in)
            db.session.rollback()
            return "duplicate"
        return "joined"
    customer = {"external_id": f"email:{mail.from_address}", "name": mail.from_name or None,
                "email": mail.from_address or None}
    received = receive_message(IncomingMessage(CHANNEL, external_id, body, customer=customer,
                                               subject=bare_subject(mail.subject) or None, received_at=received_at),
                               actor, now, zone, outbox_channel=outbox_channel)
    if received.duplicate:
        return "duplicate"
    return "opened" if received.case_created else "joined"


def _threaded_case(mail: InboundMail, now: datetime) -> Case | None:
    """The case this mail answers, if the answer may still join it (intake's rule: not closed, not long resolved)."""
    case = None
    if mail.thread_ids:
        case_id = db.session.scalar(select(CaseEvent.case_id).where(
            CaseEvent.channel == CHANNEL, CaseEvent.external_id.in_(mail.thread_ids)).order_by(CaseEvent.id.desc()).limit(1))
        case = db.session.get(Case, case_id) if case_id is not None else None
    if case is None and mail.case_tag is not None:
        tagged = db.session.get(Case, mail.case_tag)
        # a tag is typed text anyone can put in a subject: it counts only from the address the case's buyer has
        if tagged is not None and tagged.channel == CHANNEL and _same_address(tagged, mail.from_address):
            case = tagged
    return case if case is not None and continues(case, now) else None


def _same_address(case: Case, address: str) -> bool:
    email = (case.customer.email or "").strip().lower() if case.customer is not None else ""
    return bool(address) and email == address


def _received_at(sent_at: datetime | None, now: datetime) -> datetime | None:
    """The mail's Date when it is believable; None (it arrived now) when it is absent, ahead of us or long past."""
    if sent_at is None or sent_at > now or sent_at < now - SENT_AT_TRUSTED_FOR:
        return None
    return sent_at
