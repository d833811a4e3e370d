"""A buyer's e-mail as ShopCS reads it: who wrote, what they wrote (HTML read as plain text), which case it answers
(In-Reply-To / References, or a `[#123]` tag in the subject), and whether a machine sent it (auto-replies and
bounces open nothing). Pure: bytes in, a value out; the IMAP poller and the case services do the rest."""
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from ..dbid import MAX_DB_ID

BODY_MAX = 5000  # as the API's message body: the rest of a long mail is cut, with a mark
_CASE_TAG = re.compile(r"\[#(\d{1,10})\]")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_MACHINE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.IGNORECASE)
_BULK = {"bulk", "junk", "list", "auto_reply"}
# Where a reply's quotation of the earlier mail starts: "On … wrote:", "在 … 写道：", Outlook's "-----Original Message-----"
_QUOTE_START = re.compile(r"^(On .{1,200} wrote:|在.{1,200}写道[:：]|-{2,}\s*(Original Message|原始邮件)\s*-{2,}|>)",
                          re.IGNORECASE)


@dataclass(frozen=True)
class InboundMail:
    message_id: str | None  # "<…@…>", the key that makes a mail count once
    thread_ids: tuple[str, ...]  # In-Reply-To then References, newest first: the mails this one answers
    case_tag: int | None  # the case id a `[#123]` in the subject names
    from_address: str
    from_name: str
    subject: str
    text: str
    sent_at: object  # an aware datetime from the Date header, or None
    automatic: bool  # an auto-reply, a bounce or a mailing: recorded nowhere as a buyer's message


def parse_mail(raw: bytes) -> InboundMail:
    mail = message_from_bytes(raw, policy=policy.default)
    name, address = _sender(mail)
    subject = _header(mail, "Subject")
    return InboundMail(
        message_id=_first_id(_header(mail, "Message-ID")),
        thread_ids=_thread_ids(mail),
        case_tag=case_tag(subject),
        from_address=address,
        from_name=name,
        subject=subject[:200],
        text=_clip(without_quotation(_body_text(mail))),
        sent_at=_date(mail),
        automatic=is_automatic(mail, address),
    )


def case_tag(subject: str) -> int | None:
    match = _CASE_TAG.search(subject or "")
    number = int(match.group(1)) if match else 0
    return number if 1 <= number <= MAX_DB_ID else None


def is_automatic(mail: EmailMessage, address: str) -> bool:
    """RFC 3834's Auto-Submitted, the Precedence and X-Auto* headers mailers set, delivery reports, and the
    addresses no person reads."""
    if _header(mail, "Auto-Submitted").lower() not in ("", "no"):
        return True
    if _header(mail, "Precedence").lower() in _BULK or _header(mail, "X-Autoreply") or _header(mail, "X-Autorespond"):
        return True
    if mail.get_content_type() == "multipart/report" or _header(mail, "Return-Path").strip() == "<>":
        return True
    return bool(_MACHINE_SENDERS.match(address))


def without_quotation(text: str) -> str:
    """The new part of a reply: the lines before the quotation of the earlier mail (all of it if it starts quoted)."""
    lines = text.splitlines()
    if not lines or _QUOTE_START.match(lines[0].strip()):
        return text.strip()
    for index, line in enumerate(lines):
        if index and _QUOTE_START.match(line.strip()):
            return "\n".join(lines[:index]).rstrip()
    return text.strip()


def _header(mail: EmailMessage, name: str) -> str:
    try:
        return str(mail.get(name, "") or "").strip()
    except (ValueError, TypeError, IndexError):  # a header the parser cannot decode is no header
        return ""


def _sender(mail: EmailMessage) -> tuple[str, str]:
    pairs = getaddresses([_header(mail, "Reply-To") or _header(mail, "From")])
    name, address = pairs[0] if pairs else ("", "")
    return name.strip()[:100], address.strip().lower()[:254]


def _first_id(value: str) -> str | None:
    match = _MESSAGE_ID.search(value or "")
    return match.group(0) if match else None


def _thread_ids(mail: EmailMessage) -> tuple[str, ...]:
    found = _MESSAGE_ID.findall(_header(mail, "In-Reply-To")) + _MESSAGE_ID.findall(_header(mail, "References"))[::-1]
    return tuple(dict.fromkeys(found))[:20]


def _date(mail: EmailMessage):
    try:
        moment = parsedate_to_datetime(_header(mail, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _body_text(mail: EmailMessage) -> str:
    """The plain-text part if there is one, else the HTML part read as text; attachments are not read."""
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding: the bytes, replaced
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _clip(text: str) -> str:
    return text if len(text) <= BODY_MAX else text[:BODY_MAX - 1] + "…"


_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
_SKIPPED = {"script", "style", "head", "title"}


class _TextOfHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words of an HTML mail, as plain text: no markup, scripts or styles survive (the text is escaped again
    wherever it is shown)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
