"""The pure case rules: the status changes, what a reply or a customer's message does, and escalation."""
import pytest

from shopcs.cases.rules import (
    STATUSES,
    CaseRuleError,
    can_change,
    check_change,
    escalation_reason,
    escalation_reasons,
    status_after_customer_message,
    status_after_reply,
)
from shopcs.errors import Conflict

LEGAL = {("new", "open"), ("new", "waiting"), ("new", "resolved"), ("open", "waiting"), ("open", "resolved"),
         ("waiting", "open"), ("waiting", "resolved"), ("resolved", "closed"), ("resolved", "open"), ("closed", "open")}


@pytest.mark.parametrize("status, to", sorted(LEGAL))
def test_every_legal_change_is_allowed(status, to):
    assert can_change(status, to)
    check_change(status, to)  # does not raise


def test_exactly_the_ten_listed_changes_are_legal():
    allowed = {(status, to) for status in STATUSES for to in STATUSES if can_change(status, to)}
    assert allowed == LEGAL


@pytest.mark.parametrize("status, to", [("new", "closed"), ("open", "new"), ("open", "closed"), ("waiting", "closed"),
                                        ("closed", "resolved"), ("open", "open"), ("closed", "closed"), ("open", "lost"),
                                        ("lost", "open")])
def test_an_illegal_change_raises_a_conflict_with_a_code(status, to):
    assert not can_change(status, to)
    with pytest.raises(CaseRuleError) as caught:
        check_change(status, to)
    assert caught.value.code == "illegal_transition"
    assert isinstance(caught.value, Conflict) and caught.value.status == 409
    assert status in caught.value.message and to in caught.value.message


def test_an_agents_reply_opens_a_new_case_and_keeps_open_and_waiting_ones():
    assert [status_after_reply(status) for status in ("new", "open", "waiting")] == ["open", "open", "waiting"]


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_resolved_or_closed_case_must_be_reopened_before_a_reply(status):
    with pytest.raises(CaseRuleError) as caught:
        status_after_reply(status)
    assert caught.value.code == "case_closed"


def test_a_customers_message_puts_the_case_back_with_the_agents():
    after = {status: status_after_customer_message(status) for status in STATUSES}
    assert after == {"new": "new", "open": "open", "waiting": "open", "resolved": "open", "closed": "open"}


def test_an_unknown_status_is_refused_rather_than_guessed():
    for rule in (status_after_reply, status_after_customer_message):
        with pytest.raises(CaseRuleError):
            rule("lost")


@pytest.mark.parametrize("severity", ["high", "critical"])
def test_a_serious_complaint_is_escalated_at_once(severity):
    assert escalation_reason("complaint", severity, breached=False) == "complaint"


@pytest.mark.parametrize("category, severity", [("complaint", "low"), ("complaint", "normal"), ("claim", "critical"),
                                                ("tracking", "high")])
def test_a_mild_complaint_or_a_serious_other_case_is_not_escalated_until_it_breaches(category, severity):
    assert escalation_reason(category, severity, breached=False) is None
    assert escalation_reason(category, severity, breached=True) == "breach"


def test_a_case_is_escalated_once_per_reason():
    assert escalation_reasons("complaint", "critical", True) == ("complaint", "breach")
    assert escalation_reason("complaint", "critical", True) == "complaint"
    assert escalation_reason("complaint", "critical", True, already=["complaint"]) == "breach"
    assert escalation_reason("complaint", "critical", True, already=("complaint", "breach")) is None
    assert escalation_reason("payment", "normal", True, already={"breach"}) is None
