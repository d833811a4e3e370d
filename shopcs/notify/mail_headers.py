"""The headers that make an e-mailed reply part of the buyer's thread (RFC 5322 §3.6.4): our own Message-ID, which
the buyer's answer names in In-Reply-To so that it finds its case again; In-Reply-To and References naming the
buyer's mails, so that their mail client shows one conversation; and a subject carrying the case tag `[#id]`.
Pure: the case's facts in, a dict of headers out."""
import re
import secrets

REFERENCES_MAX = 20  # a long thread's References keep its first mail and the latest ones, as mail clients do
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
_CASE_TAG = re.compile(r"\s*\[#\d{1,10}\]")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")  # what a mail header can carry (an API source's ids may be any text)


def bare_subject(subject: str) -> str:
    """The subject without "Re:"/"回复：" prefixes and case tags: what the conversation is about."""
    one_line = " ".join((subject or "").split())  # a header is one line: no CR/LF reaches the mail
    return _CASE_TAG.sub("", _REPLY_PREFIX.sub("", one_line)).strip()


def reply_subject(subject: str, case_id: int) -> str:
    return f"Re: {bare_subject(subject)} [#{case_id}]".replace("Re:  [", "Re: [")


def new_message_id(case_id: int, event_id: int, domain: str) -> str:
    """Ours, and unguessable: a buyer's mail naming it joins the case, so it must not be forgeable from the ids."""
    return f"<shopcs.{case_id}.{event_id}.{secrets.token_hex(8)}@{domain or 'localhost'}>"


def mail_domain(sender: str) -> str:
    """The domain of the shop's From address ("好店 <shop@example.com>" → "example.com")."""
    return sender.rpartition("@")[2].strip().rstrip(">").strip() or "localhost"


def reply_headers(*, case_id: int, subject: str, message_id: str, thread: list[str], buyer_latest: str | None) -> dict:
    """`thread`: the ids of the case's mails so far, oldest first (the buyer's and our replies); those that are no
    Message-ID (a chat system's id given through the API) are left out."""
    thread = [value for value in thread if _MESSAGE_ID.fullmatch(value)]
    buyer_latest = buyer_latest if buyer_latest and _MESSAGE_ID.fullmatch(buyer_latest) else None
    references = thread if len(thread) <= REFERENCES_MAX else thread[:1] + thread[-(REFERENCES_MAX - 1):]
    headers = {"Message-ID": message_id, "Subject": reply_subject(subject, case_id)}
    if buyer_latest:
        headers["In-Reply-To"] = buyer_latest
    if references:
        headers["References"] = " ".join(references)
    return headers
