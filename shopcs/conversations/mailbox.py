"""Polling the shop's IMAP mailbox: fetch what came after the stored position, take each mail in its own transaction
(shopcs.conversations.mail_intake), and move the position past it. A mail that cannot be taken is logged and skipped,
never blocking the rest; a crash before the position moves re-reads the mail, and its Message-ID keeps it once. A
mailbox that cannot be read records why on its position and changes nothing else: the next poll tries again."""
import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from ..actor import Actor
from ..extensions import db
from .imap_fetch import Fetched, Mailbox, MailboxError, fetch_new
from .mail_in import parse_mail
from .mail_intake import take_mail
from .models import MailboxPosition

log = logging.getLogger("shopcs.conversations.mailbox")
POLL_LIMIT = 200  # mails per poll: a full mailbox is read over a few polls, each one short
ERROR_MAX = 500


@dataclass
class PollReport:
    fetched: int = 0
    opened: int = 0  # new cases
    joined: int = 0  # messages added to a case
    duplicate: int = 0  # came before (the same Message-ID): nothing written
    automatic: int = 0  # auto-replies, bounces, mailings: recorded nowhere
    skipped: int = 0  # could not be taken (logged)
    error: str | None = None  # the mailbox could not be read

    def as_dict(self) -> dict:
        return asdict(self)


def mailbox_key(mailbox: Mailbox) -> str:
    """The position's key: who reads which folder where; never the password."""
    return f"{mailbox.user}@{mailbox.host}:{mailbox.port}/{mailbox.folder}"[:300]


def poll_mailbox(mailbox: Mailbox, actor: Actor, now: datetime, zone: str, *, outbox_channel: str,
                 limit: int = POLL_LIMIT, fetch=fetch_new) -> PollReport:
    """`zone` and `outbox_channel`: the shop's, for a new case. `fetch` is imap_fetch.fetch_new (a parameter so that a test can
    count the calls)."""
    report = PollReport()
    position = _position(mailbox_key(mailbox))
    try:
        fetched = fetch(mailbox, position.uidvalidity, position.last_uid, limit)
    except MailboxError as exc:
        position.polled_at, position.last_error = now, str(exc)[:ERROR_MAX]
        db.session.commit()
        log.warning("mailbox %s could not be read: %s", position.mailbox, exc)
        report.error = position.last_error
        return report
    report.fetched = len(fetched.mails)
    for uid, raw in fetched.mails:
        outcome = _take(raw, _fallback_id(fetched, uid, position.mailbox), actor, now, zone, position.mailbox, uid,
                        outbox_channel=outbox_channel)
        setattr(report, outcome, getattr(report, outcome) + 1)
        _advance(position, fetched.uidvalidity, uid)
    _advance(position, fetched.uidvalidity, None)
    position.polled_at, position.last_error = now, None
    db.session.commit()
    return report


def _take(raw: bytes, fallback_id: str, actor: Actor, now: datetime, zone: str, key: str, uid: int, *,
          outbox_channel: str) -> str:
    """The mail's outcome, or "skipped" for a mail that cannot be taken. Losing the database is not the mail's
    fault: that stops the poll before the position moves past it (the scheduler logs it; the next poll retries)."""
    try:
        return take_mail(parse_mail(raw), fallback_id, actor, now, zone, outbox_channel=outbox_channel)
    except (OperationalError, InterfaceError):
        db.session.rollback()
        raise
    except Exception:  # noqa: BLE001 - one bad mail is logged and skipped, never blocks the rest
        db.session.rollback()
        log.exception("mailbox %s: mail UID %s skipped", key, uid)
        return "skipped"


def _fallback_id(fetched: Fetched, uid: int, key: str) -> str:
    """A mail without a Message-ID is known by its place in the mailbox."""
    return f"<{fetched.uidvalidity}.{uid}@{key}>"


def _advance(position: MailboxPosition, uidvalidity: int, uid: int | None) -> None:
    """Past `uid` (the mail just taken, committed with it gone by); a renumbered mailbox starts again from 0."""
    if position.uidvalidity != uidvalidity:
        position.uidvalidity, position.last_uid = uidvalidity, 0
    if uid is not None and uid > position.last_uid:
        position.last_uid = uid
        db.session.commit()


def _position(key: str) -> MailboxPosition:
    position = db.session.scalar(select(MailboxPosition).where(MailboxPosition.mailbox == key))
    if position is not None:
        return position
    try:
        with db.session.begin_nested():
            position = MailboxPosition(mailbox=key, uidvalidity=None, last_uid=0)
            db.session.add(position)
        db.session.commit()
    except IntegrityError:  # another poll created it at the same moment
        db.session.rollback()
        position = db.session.scalar(select(MailboxPosition).where(MailboxPosition.mailbox == key))
    return position
