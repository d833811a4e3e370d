"""A case's states, categories and escalation: pure rules, no Flask, no database, no clock.

A case (工单) is one customer question or complaint. Agents move it through `STATUSES`; a resolved or
closed case is reopened (→ open) rather than answered in place, so every reopening leaves a trace.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import Conflict, Invalid

CATEGORIES = ("tracking", "payment", "claim", "after_sales", "pre_sale", "complaint")
# 查货, 查款 (payment and refund money), 理赔 (damage or loss claim), 售后, 业务咨询, 投诉建议
CHANNELS = ("chat", "phone", "email", "platform")
SEVERITIES = ("low", "normal", "high", "critical")
STATUSES = ("new", "open", "waiting", "resolved", "closed")  # "waiting": on the customer
FINISHED = ("resolved", "closed")  # the agents are done with it: not answered until reopened, its category final
TEAMS = ("agents", "after_sales", "shipping")
ESCALATION_REASONS = ("complaint", "breach")
SUBJECT_MAX = 200  # also the column lengths (models.py takes them from here)
BODY_MAX = 5000
EXTERNAL_ID_MAX = 200  # a customer's message's id at its source (a chat message id, an e-mail's Message-ID)
SERIOUS = ("high", "critical")  # the severities at which a complaint goes to a supervisor at once

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"open", "waiting", "resolved"}),
    "open": frozenset({"waiting", "resolved"}),
    "waiting": frozenset({"open", "resolved"}),
    "resolved": frozenset({"closed", "open"}),  # → open: reopened
    "closed": frozenset({"open"}),  # reopened
}


class CaseRuleError(Conflict):
    """A change the case's rules forbid; `.code` says which rule ("illegal_transition", "case_closed")."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def can_change(status: str, to: str) -> bool:
    """Whether a case may go from `status` to `to`; staying in the same status is not a change."""
    return to in TRANSITIONS.get(status, frozenset())


def check_change(status: str, to: str) -> None:
    if not can_change(status, to):
        raise CaseRuleError("illegal_transition", f"A case cannot go from {status!r} to {to!r}.")


def status_after_reply(status: str) -> str:
    """An agent's reply opens a new case and keeps an open or waiting one as it is (the agent sets "waiting"
    when the reply asks the customer something). A resolved or closed case must be reopened first."""
    if status == "new":
        return "open"
    if status in ("open", "waiting"):
        return status
    if status in FINISHED:
        raise CaseRuleError("case_closed", f"A {status} case must be reopened before it is answered.")
    raise CaseRuleError("illegal_transition", f"Unknown case status {status!r}.")


def status_after_customer_message(status: str) -> str:
    """The customer wrote again: the ball is back with the agents. A waiting case opens; a resolved or closed
    one is reopened, because the customer's problem is evidently not over; new and open stay as they are."""
    if status in ("waiting", "resolved", "closed"):
        return "open"
    if status in ("new", "open"):
        return status
    raise CaseRuleError("illegal_transition", f"Unknown case status {status!r}.")


def escalation_reasons(category: str, severity: str, breached: bool) -> tuple[str, ...]:
    """Every reason that applies now, in `ESCALATION_REASONS` order."""
    reasons = []
    if category == "complaint" and severity in SERIOUS:
        reasons.append("complaint")
    if breached:
        reasons.append("breach")
    return tuple(reasons)


def escalation_reason(category: str, severity: str, breached: bool, already: Iterable[str] = ()) -> str | None:
    """Why a case goes to a supervisor now, or None. A serious complaint goes at once ("视情节轻重上报"), on
    creation or when its severity is raised; any case whose first-response target was missed goes as "breach".
    A case is escalated once per reason: pass the reasons already recorded in `already` and only a new one is
    returned (a serious complaint that later breaches is escalated a second time, for the breach)."""
    done = set(already)
    return next((reason for reason in escalation_reasons(category, severity, breached) if reason not in done), None)


# ---- the assistant's reading of a new conversation ----

@dataclass(frozen=True)
class TriageSettings:
    """How a new conversation takes its category: the assistant's suggestion when it is at least `min_confidence`
    percent sure, else `default_category`. `auto_answer`: out of the chat's business hours, a buyer who asks where an
    identified order is gets its status from the assistant at once (the case stays open for an agent)."""
    min_confidence: int = 60
    default_category: str = "pre_sale"
    auto_answer: bool = True

    def as_json(self) -> dict:
        return {"min_confidence": self.min_confidence, "default_category": self.default_category,
                "auto_answer": self.auto_answer}

    def sure(self, confidence: float) -> bool:
        """Is a reading this confident enough to act on? (confidence 0–1 against a percent)"""
        return confidence * 100 >= self.min_confidence


def parse_triage(values: dict) -> TriageSettings:
    """Raises Invalid naming each bad field; `values` as a form or the stored JSON gives them."""
    fields = {}
    text = str(values.get("min_confidence", "")).strip()
    if not (text.isascii() and text.isdigit() and int(text) <= 100):
        fields["min_confidence"] = "must be a whole number from 0 to 100"
    category = values.get("default_category")
    if category not in CATEGORIES:
        fields["default_category"] = f"must be one of {', '.join(CATEGORIES)}"
    auto_answer = values.get("auto_answer", True)  # stored before the setting existed: on, its default
    if isinstance(auto_answer, str):
        auto_answer = {"true": True, "on": True, "false": False, "": False}.get(auto_answer.lower())
    if not isinstance(auto_answer, bool):
        fields["auto_answer"] = "must be true or false"
    if fields:
        raise Invalid("The assistant settings are not valid.", fields)
    return TriageSettings(int(text), category, auto_answer)


def category_for_new_case(suggested: str, confidence: float, settings: TriageSettings) -> str:
    """The suggestion when it is sure enough (confidence 0–1 against a percent), else the team's default."""
    return suggested if suggested in CATEGORIES and settings.sure(confidence) else settings.default_category
