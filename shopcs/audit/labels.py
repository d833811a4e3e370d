"""How an audit entry's before and after read, on the audit log and the order's timeline: the one home.

Field names become words, coded values their labels (which labels depends on what the entry is about: a
case's `status` is not an order's), booleans yes/no, times in the shop's zone; anything unknown shows as stored.
"""
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from ..cases.claims.forms import KIND_LABELS as CLAIM_KINDS
from ..cases.claims.forms import STATUS_LABELS as CLAIM_STATUSES
from ..cases.forms import CATEGORY_LABELS, CHANNEL_LABELS, ESCALATION_LABELS, SEVERITY_LABELS, TEAM_LABELS
from ..cases.forms import STATUS_LABELS as CASE_STATUSES
from ..followup.forms import CONCERN_LABELS, OUTBOX_STATUS_LABELS, TEMPLATE_LOCALE_LABELS
from ..followup.forms import KIND_LABELS as MESSAGE_KINDS
from ..i18n_labels import (
    CARRIER_NAMES,
    CONFIRM_METHODS,
    DEPARTMENTS,
    FIELD_LABELS,
    ORDER_STATUSES,
    REFUND_REASONS,
    REFUND_STATUSES,
    ROLES,
    SHIPMENT_SOURCES,
    SHIPMENT_STATUSES,
    action_label,
    shipment_flags,
)
from ..timeutil import to_local

# Coded values per field; the inner key is the audited thing (the action's first part), None for any of them.
# how a case got its owner (cases.owners)
_OWNER_HOW = {"taken": _l("taken"), "reply": _l("by replying"), "round_robin": _l("assigned automatically")}
_CASE_LANGUAGES = {"zh_CN": TEMPLATE_LOCALE_LABELS["zh"], "en": TEMPLATE_LOCALE_LABELS["en"]}
_CODES = {
    "status": {"order": ORDER_STATUSES, "refund": REFUND_STATUSES, "case": CASE_STATUSES, "claim": CLAIM_STATUSES,
               "outbox": OUTBOX_STATUS_LABELS, None: ORDER_STATUSES},
    "reason": {None: REFUND_REASONS},
    "category": {"followup": CONCERN_LABELS, None: CATEGORY_LABELS},
    "kind": {"claim": CLAIM_KINDS, None: MESSAGE_KINDS},
    "channel": {None: CHANNEL_LABELS}, "severity": {None: SEVERITY_LABELS}, "team": {None: TEAM_LABELS},
    "escalation_reason": {None: ESCALATION_LABELS}, "department": {None: DEPARTMENTS},
    "method": {None: CONFIRM_METHODS}, "address_confirm_method": {None: CONFIRM_METHODS},
    "carrier": {None: CARRIER_NAMES}, "role": {None: ROLES},
    "source": {"shipment": SHIPMENT_SOURCES}, "shipment_status": {None: SHIPMENT_STATUSES},
    "language": {None: _CASE_LANGUAGES}, "locale": {None: TEMPLATE_LOCALE_LABELS}, "how": {None: _OWNER_HOW},
}
_BOOLEANS = {True: _l("yes"), False: _l("no")}
_NOT_PAID = re.compile(r"not paid within ([0-9]+) hours")  # the scheduler's reason for closing an unpaid order
TIME_FORMAT = "%Y-%m-%d %H:%M"


class Verbatim(str):
    """A stored value shown as it was written (a name, an id, a customer's text), not a word of the UI: pages mark it
    translate="no" (shown_value)."""


def shown_value(value):
    """A change's value on a page: a dash for nothing, stored text marked as data, words as they are."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Verbatim):
        return Markup('<span translate="no">%s</span>') % value
    return value


@dataclass(frozen=True)
class Change:
    name: str  # the stored key, for tests and data attributes
    label: object  # the field in the reader's language
    before: object  # None: nothing before (or no before side at all)
    after: object


def field_label(name: str):
    return FIELD_LABELS.get(name, name)


def _aware_time(text: str) -> datetime | None:
    """A time as the audit trail stores it ("2026-03-04 02:00:00+00:00" or ISO 8601 with an offset)."""
    if len(text) < 16 or text[4:5] != "-" or ":" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def value_text(action: str, name: str, value, zone: str):
    """One stored value as the reader sees it."""
    if isinstance(value, bool):
        return _BOOLEANS[value]
    if isinstance(value, datetime):
        return to_local(value, zone).strftime(TIME_FORMAT)
    if isinstance(value, dict) and {"title", "quantity"} <= set(value):  # an order line: the product's own title
        return Verbatim(f"{value['title']} ×{value['quantity']}")
    if isinstance(value, list):
        items = [value_text(action, name, item, zone) for item in value]
        text = ", ".join(str(item) for item in items) if items else "—"
        return Verbatim(text) if items and all(isinstance(item, Verbatim) for item in items) else text
    if isinstance(value, dict) and {"before", "after"} >= set(value) and value:  # a change recorded inside an entry
        return f"{value_text(action, name, value.get('before'), zone) or '—'} → {value_text(action, name, value.get('after'), zone) or '—'}"
    if isinstance(value, str):
        labels = _CODES.get(name, {})
        codes = labels.get(action.split(".", 1)[0], labels.get(None, {}))
        if value in codes:
            return codes[value]
        if name == "flag_reason":
            return "; ".join(str(label) for label in shipment_flags(value))
        if match := _NOT_PAID.fullmatch(value):
            hours = int(match.group(1))
            return ngettext("not paid within %(num)s hour", "not paid within %(num)s hours", hours)
        moment = _aware_time(value)
        if moment is not None:
            return to_local(moment, zone).strftime(TIME_FORMAT)
        return Verbatim(value)
    return value


def changes(action: str, before: dict | None, after: dict | None, zone: str, *, only_changed: bool = True) -> list[Change]:
    """Every key on either side in the order written (`only_changed`: those whose value differs), as words."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [Change(name, field_label(name), value_text(action, name, before.get(name), zone),
                   value_text(action, name, after.get(name), zone))
            for name in names if not only_changed or before.get(name) != after.get(name)]


__all__ = ["Change", "FIELD_LABELS", "Verbatim", "action_label", "changes", "field_label", "shown_value", "value_text"]
