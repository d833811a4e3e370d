from decimal import Decimal as D

import pytest

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
