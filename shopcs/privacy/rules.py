"""What erasing a buyer's personal data (China's PIPL, the GDPR) removes and keeps. Pure: no database, no clock.

Removed: who and where the buyer is (name, phone, e-mail, addresses), what they and the shop wrote about them (case
subjects and messages, notes, concerns, refund and claim notes, the messages sent to them) and the photos they sent.
Kept: what happened and for how much (orders, items, amounts, currencies, statuses, dates, refunds, shipments,
cases' categories and clocks), so the reports stay right. Text that a page shows as a line's only content is
replaced by a marker in the shop's language; identity fields become empty, as for a buyer who never gave them.
"""
import hashlib
import hmac
from calendar import monthrange
from datetime import datetime

PSEUDONYM_PREFIX = "erased:"
_PSEUDONYM_HEX = 24  # 96 bits: no two buyers' pseudonyms meet, and it fits on a phone's screen
MARKERS = {"zh": "（已删除）", "en": "(erased)"}
ALL_MARKERS = tuple(MARKERS.values())

# Keys of audit entries' before/after that hold the buyer's data (addresses, names, texts, file names and
# checksums of their photos, a channel's answer naming their address). "customer" holds their external id: it
# becomes the pseudonym, so the entries still say which (erased) buyer they were about.
AUDIT_PERSONAL_KEYS = frozenset({
    "recipient", "phone", "province", "city", "district", "detail", "address_line2", "postal_code",
    "name", "email", "subject", "body", "note", "text", "decision_note", "last_error", "sha256",
})

# What an erasure counts, in the order the CLI, the page and the audit entry list them.
COUNTED = ("orders", "cases", "messages", "handoff_notes", "concerns", "refund_notes", "claim_notes", "photos",
           "outbox_messages", "cancelled_messages", "audit_entries", "assistant_examples")


def marker(locale: str) -> str:
    """The stored marker of an erased text, in the shop's language (the language its stored texts are written in)."""
    return MARKERS["en" if locale == "en" else "zh"]


def pseudonym(external_id: str, key: bytes) -> str:
    """The erased buyer's id: the same buyer always gets the same one (erasing again finds them), and it cannot be
    read back without the key (the app's secret key), unlike a plain hash of a guessable id or e-mail address."""
    digest = hmac.new(key, external_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:_PSEUDONYM_HEX]


def is_pseudonym(external_id: str) -> bool:
    return external_id.startswith(PSEUDONYM_PREFIX)


def family_of(alias: str) -> str:
    """The buyer's pseudonym without the number a later erasure of the same buyer adds ("erased:…-2")."""
    return alias.split("-", 1)[0]


def alias_for(family: str, erased_before: int) -> str:
    """The pseudonym of a buyer erased `erased_before` times already: they came back with the same id after an
    erasure (a new customer row, since the old one's id was a pseudonym), and are erased again."""
    return family if erased_before == 0 else f"{family}-{erased_before + 1}"


def pseudonym_key(secret_key: str) -> bytes:
    """A key of its own, derived from the app's secret key: a pseudonym says nothing about the session key."""
    return hmac.new(secret_key.encode("utf-8"), b"shopcs.privacy.pseudonym", hashlib.sha256).digest()


def scrubbed(values: dict | None, external_id: str | None, alias: str, erased_text: str) -> dict | None:
    """An audit entry's before or after without the buyer's data: personal values become `erased_text`, the
    buyer's external id their pseudonym `alias`; empty values, other keys and nested values stay as they are."""
    if not values:
        return values
    out = {}
    for key, value in values.items():
        if key in AUDIT_PERSONAL_KEYS and value not in (None, "") and value not in ALL_MARKERS:
            value = erased_text
        elif key == "customer" and external_id is not None and value == external_id:
            value = alias
        out[key] = value
    return out


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when it is shorter)."""
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return now.replace(year=year, month=month, day=min(now.day, monthrange(year, month)[1]))
