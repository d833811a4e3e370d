from decimal import Decimal as D

import pytest

from shopcs.config import load_config
from shopcs.orders import refunds as rules


def test_open_requests_count_against_what_is_refundable():
    assert rules.refundable(D("100.00"), [(D("30.00"), "requested"), (D("20.00"), "completed")]) == D("50.00")


def test_rejected_refunds_give_the_money_back_to_refundable():
    assert rules.refundable(D("100.00"), [(D("60.00"), "rejected"), (D("10.00"), "approved")]) == D("90.00")


def test_a_request_above_what_is_left_is_refused_with_the_amount_left():
    with pytest.raises(rules.RefundRuleError, match="¥40.00") as caught:
        rules.check_request("paid", D("40.01"), D("40.00"))
    assert caught.value.code == "amount"


def test_the_whole_remaining_amount_may_be_refunded():
    rules.check_request("shipped", D("40.00"), D("40.00"))


@pytest.mark.parametrize("amount", [D("0.00"), D("-1.00")])
def test_a_refund_must_be_above_zero(amount):
    with pytest.raises(rules.RefundRuleError):
        rules.check_request("paid", amount, D("100.00"))


@pytest.mark.parametrize("status", ["unpaid", "cancelled"])
def test_an_unpaid_or_cancelled_order_cannot_be_refunded(status):
    with pytest.raises(rules.RefundRuleError) as caught:
        rules.check_request(status, D("1.00"), D("100.00"))
    assert caught.value.code == "not_paid"


@pytest.mark.parametrize("current,new,ok", [
    ("requested", "approved", True), ("requested", "rejected", True), ("approved", "completed", True),
    ("requested", "completed", False), ("rejected", "approved", False), ("completed", "requested", False),
    ("approved", "rejected", False),
])
def test_refund_states_only_move_along_the_flow(current, new, ok):
    if ok:
        rules.check_move(current, new)
    else:
        with pytest.raises(rules.RefundRuleError):
            rules.check_move(current, new)


@pytest.mark.parametrize("role,amount,allowed", [
    ("agent", D("200.00"), True), ("agent", D("200.01"), False), ("after_sales", D("150.00"), True),
    ("supervisor", D("5000.00"), True), ("admin", D("5000.00"), True), ("shipping", D("1.00"), False),
    ("operator", D("1.00"), False),
])
def test_agents_approve_up_to_the_limit_and_supervisors_above(role, amount, allowed):
    assert rules.may_approve(role, amount, D("200.00")) is allowed


def test_the_platform_may_approve_any_amount():
    assert rules.may_approve(None, D("99999.00"), D("200.00"), is_platform=True)


def test_an_order_is_fully_refunded_when_completed_refunds_reach_the_total():
    assert rules.fully_refunded(D("100.00"), D("100.00"))
    assert not rules.fully_refunded(D("100.00"), D("99.99"))


@pytest.mark.parametrize("role,allowed", [("agent", True), ("after_sales", True), ("supervisor", True), ("admin", True),
                                          ("shipping", False), ("operator", False), (None, False)])
def test_only_service_roles_and_the_platform_decide_refunds(role, allowed):
    assert rules.may_decide(role) is allowed
    assert rules.may_decide(None, is_platform=True)


# The limit holds for what one person approves on one order in total, and four-eyes (issue 21).

LIMIT = D("200.00")


def _approve_in_turn(approver, role, amounts, requester="user:bob"):
    """Approve `amounts` one after the other on one order; returns the refusal codes, None where it was approved."""
    decided, codes = [], []
    for amount in amounts:
        before = rules.approved_by(approver, decided)
        code = rules.approval_refusal(role, amount, LIMIT, approved_before=before, approver=approver, requester=requester)
        codes.append(code)
        if code is None:
            decided.append((approver, "approved", amount))
    return codes


def test_three_refunds_of_200_on_one_order_are_not_all_approved_by_one_agent():
    assert _approve_in_turn("user:amy", "agent", [D("200.00")] * 3) == [None, "limit", "limit"]


def test_an_agent_may_split_approvals_up_to_the_limit_in_total_but_not_a_cent_above():
    assert _approve_in_turn("user:amy", "agent", [D("120.00"), D("80.00"), D("0.01")]) == [None, None, "limit"]


def test_a_second_agent_may_approve_what_the_first_could_not():
    decided = [("user:amy", "approved", D("200.00"))]
    assert rules.approval_refusal("agent", D("200.00"), LIMIT, approved_before=rules.approved_by("user:amy", decided)) == "limit"
    assert rules.approval_refusal("agent", D("200.00"), LIMIT, approved_before=rules.approved_by("user:bob", decided)) is None


def test_completed_refunds_count_as_approved_but_rejected_and_open_ones_do_not():
    refunds = [("user:amy", "completed", D("50.00")), ("user:amy", "approved", D("20.00")), ("user:amy", "rejected", D("90.00")),
               (None, "requested", D("70.00")), ("user:bob", "approved", D("40.00"))]
    assert rules.approved_by("user:amy", refunds) == D("70.00")


def test_supervisors_and_the_platform_approve_any_total_on_one_order():
    assert _approve_in_turn("user:sam", "supervisor", [D("200.00")] * 3) == [None, None, None]
    assert rules.may_approve(None, D("5000.00"), LIMIT, is_platform=True, approved_before=D("9000.00"))


def test_four_eyes_off_lets_the_requester_approve_their_own_refund():
    assert rules.approval_refusal("agent", D("150.00"), LIMIT, approver="user:amy", requester="user:amy") is None


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_four_eyes_on_keeps_the_requester_from_approving_above_the_setting_whatever_their_role(role):
    mine = {"approver": "user:amy", "requester": "user:amy", "four_eyes_above": D("100.00")}
    assert rules.approval_refusal(role, D("100.01"), LIMIT, **mine) == "four_eyes"
    assert rules.approval_refusal(role, D("100.00"), LIMIT, **mine) is None
    assert rules.approval_refusal(role, D("100.01"), LIMIT, **{**mine, "approver": "user:bob"}) is None


def test_four_eyes_does_not_bind_the_platform_token():
    assert rules.approval_refusal(None, D("500.00"), LIMIT, is_platform=True, approver="token:shop", requester="token:shop",
                                  four_eyes_above=D("100.00")) is None


def test_an_agent_above_the_limit_is_told_to_ask_a_supervisor_before_four_eyes():
    assert rules.approval_refusal("agent", D("300.00"), LIMIT, approver="user:amy", requester="user:amy",
                                  four_eyes_above=D("100.00")) == "limit"


def test_the_four_eyes_setting_is_off_unless_an_amount_is_set(tmp_path):
    assert load_config(str(tmp_path), env={})["SHOPCS_REFUND_FOUR_EYES_ABOVE"] is None
    assert load_config(str(tmp_path), env={"SHOPCS_REFUND_FOUR_EYES_ABOVE": " "})["SHOPCS_REFUND_FOUR_EYES_ABOVE"] is None
    assert load_config(str(tmp_path), env={"SHOPCS_REFUND_FOUR_EYES_ABOVE": "100"})["SHOPCS_REFUND_FOUR_EYES_ABOVE"] == D("100")
