"""Fetching new mail from the shop's IMAP mailbox (SHOPCS_IMAP_URL): read-only, by UID, so the mailbox is left as the
shop's other mail clients see it and a mail is fetched once per (UIDVALIDITY, UID). The scheduler keeps the position;
the Message-ID keeps a mail counted once even if the server renumbers its mailbox (a new UIDVALIDITY)."""
import imaplib
import re
import ssl
from dataclasses import dataclass

from ..mailbox_url import Mailbox

TIMEOUT_SECONDS = 20
_UID = re.compile(rb"UID (\d+)")


class MailboxError(RuntimeError):
    """The mailbox cannot be reached or read; the next poll tries again."""


@dataclass(frozen=True)
class Fetched:
    uidvalidity: int
    mails: list[tuple[int, bytes]]  # (uid, the raw message), oldest first


def fetch_new(mailbox: Mailbox, uidvalidity: int | None, after_uid: int, limit: int = 200) -> Fetched:
    """The mails after `after_uid` (all of them when the mailbox's UIDVALIDITY is not the one given), at most
    `limit`, oldest first, without marking them read."""
    try:
        with _connect(mailbox) as client:
            client.login(mailbox.user, mailbox.password)
            status, _data = client.select(_quoted(mailbox.folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"The folder {mailbox.folder!r} cannot be opened.")
            current = int(client.response("UIDVALIDITY")[1][0])
            start = after_uid + 1 if current == uidvalidity else 1
            status, data = client.uid("SEARCH", None, f"UID {start}:*")
            uids = sorted(uid for uid in map(int, (data[0] or b"").split()) if uid >= start)[:limit]
            return Fetched(current, [(uid, _fetch_one(client, uid)) for uid in uids])
    except (OSError, imaplib.IMAP4.error) as exc:  # refused, timed out, TLS, wrong password: said, never the password
        raise MailboxError(f"The mailbox at {mailbox.host}:{mailbox.port} could not be read: {exc}") from exc


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.secure:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(),
                                 timeout=TIMEOUT_SECONDS)
    return imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)


def _fetch_one(client: imaplib.IMAP4, uid: int) -> bytes:
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")  # PEEK: the mail stays unread for people
    for item in data or ():
        if isinstance(item, tuple) and _UID.search(item[0]):
            return item[1]
    raise MailboxError(f"The mail with UID {uid} could not be fetched ({status}).")


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
