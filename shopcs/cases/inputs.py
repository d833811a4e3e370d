"""What a new case is made of, and why it may be refused — pure checks, so a bad case writes nothing."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..orders.schemas import CUSTOMER_LIMITS, order_no_problem, text_problem
from .rules import BODY_MAX, CATEGORIES, CHANNELS, SEVERITIES, SUBJECT_MAX

# An integration's clock may run a little ahead of ours; a time further ahead is a mistake, not a message.
CLOCK_SKEW = timedelta(seconds=60)


@dataclass(frozen=True)
class Reading:
    """The assistant's reading of a buyer's message (shopcs.assistant): the category it suggests and how sure it is."""
    category: str
    confidence: float

    def as_json(self) -> dict:
        return {"category": self.category, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True)
class CaseInput:
    category: str
    channel: str
    subject: str
    body: str
    received_at: datetime | None = None  # None: it arrived now
    severity: str = "normal"
    order_no: str | None = None
    customer: dict | None = None  # {external_id, name, phone, email}: used when there is no order_no
    reading: Reading | None = None  # the assistant's reading of the body, kept beside the category the case takes


def _choice(fields: dict, name: str, value, choices: tuple) -> None:
    if not isinstance(value, str) or value not in choices:
        fields[name] = f"must be one of {', '.join(choices)}"


def time_problem(value, now: datetime, not_before: datetime | None = None) -> str | None:
    """Why `value` cannot be when something happened: naive, in the future, or before `not_before`."""
    if not isinstance(value, datetime):
        return "must be a time with an offset, such as 2026-03-04T10:00:00+08:00"
    if value.tzinfo is None or value.utcoffset() is None:
        return "needs an offset, such as +08:00"
    if value > now + CLOCK_SKEW:
        return "must not be in the future"
    if not_before is not None and value < not_before:
        return "must not be before the customer's message"
    return None


def customer_problems(customer) -> dict:
    if not isinstance(customer, dict):
        return {"customer": "is required when there is no order_no" if customer is None else "must be an object"}
    fields = {}
    for name, limit in CUSTOMER_LIMITS.items():
        problem = text_problem(customer.get(name), limit, required=name == "external_id")
        if problem:
            fields[f"customer.{name}"] = problem
    return fields


def case_problems(data: CaseInput, now: datetime) -> dict:
    """Every problem of the input by dotted field path; empty when it can be written."""
    fields: dict = {}
    _choice(fields, "category", data.category, CATEGORIES)
    _choice(fields, "channel", data.channel, CHANNELS)
    _choice(fields, "severity", data.severity, SEVERITIES)
    for name, limit in (("subject", SUBJECT_MAX), ("body", BODY_MAX)):
        problem = text_problem(getattr(data, name), limit, required=True)
        if problem:
            fields[name] = problem
    if data.received_at is not None:
        problem = time_problem(data.received_at, now)
        if problem:
            fields["received_at"] = problem
    if data.order_no is not None:
        problem = order_no_problem(data.order_no)
        if problem:
            fields["order_no"] = problem
    else:
        fields.update(customer_problems(data.customer))
    return fields


def text_or_problem(value, limit: int, name: str, required: bool = True) -> tuple[str, dict]:
    """(the stripped text, {}) or ("", {name: why}) — for a reply's, a note's or a transfer's text."""
    problem = text_problem(value, limit, required=required)
    return ("", {name: problem}) if problem else ((value or "").strip(), {})

