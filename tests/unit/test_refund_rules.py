from decimal import Decimal as D

import pytest

from shopcs.config import ConfigError, load_config
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


# Orders in any currency (issue 19): amounts in the order's currency, an approval limit per currency.

def test_a_jpy_refund_with_decimals_is_refused_naming_jpy():
    with pytest.raises(rules.RefundRuleError, match="JPY has no decimals") as caught:
        rules.check_request("paid", D("12.50"), D("5000"), "JPY")
    assert caught.value.code == "decimals"
    rules.check_request("paid", D("1200.00"), D("5000"), "JPY")  # platforms send whole yen with two zero decimals


def test_a_usd_refund_may_have_cents_but_not_a_third_decimal():
    rules.check_request("paid", D("12.34"), D("100.00"), "USD")
    with pytest.raises(rules.RefundRuleError, match="USD has at most 2 decimals"):
        rules.check_request("paid", D("12.345"), D("100.00"), "USD")


def test_the_amount_left_is_named_in_the_orders_currency():
    with pytest.raises(rules.RefundRuleError, match=r"At most \$40\.00 can still be refunded"):
        rules.check_request("paid", D("40.01"), D("40.00"), "USD")


USD_AND_CNY = rules.ApprovalLimits({"CNY": D("200.00"), "USD": D("30.00")})


def test_the_limits_answer_the_limit_for_each_currency_and_none_for_a_currency_without_one():
    assert (USD_AND_CNY.limit_for("CNY"), USD_AND_CNY.limit_for("USD"), USD_AND_CNY.limit_for("EUR")) == (
        D("200.00"), D("30.00"), None)


def test_an_agent_approves_a_usd_refund_up_to_the_usd_limit():
    usd = USD_AND_CNY.limit_for("USD")
    assert rules.approval_refusal("agent", D("30.00"), usd) is None
    assert rules.approval_refusal("agent", D("30.01"), usd) == "limit"
    assert rules.approval_refusal("agent", D("10.00"), usd, approved_before=D("25.00")) == "limit"


@pytest.mark.parametrize("role,refusal", [("agent", "limit"), ("after_sales", "limit"), ("supervisor", None), ("admin", None)])
def test_in_a_currency_without_a_limit_only_supervisors_and_admins_approve(role, refusal):
    assert rules.approval_refusal(role, D("0.01"), USD_AND_CNY.limit_for("EUR")) == refusal
    assert rules.approval_refusal(None, D("99999.00"), None, is_platform=True) is None


def test_four_eyes_is_off_unless_set_and_on_covers_a_currency_without_its_own_amount_for_every_refund():
    assert USD_AND_CNY.four_eyes_for("CNY") is None and USD_AND_CNY.four_eyes_for("EUR") is None
    on = rules.ApprovalLimits(USD_AND_CNY.limits, {"CNY": D("100.00"), "USD": D("50.00")})
    assert (on.four_eyes_for("CNY"), on.four_eyes_for("USD"), on.four_eyes_for("EUR")) == (D("100.00"), D("50.00"), D("0"))
    mine = {"approver": "user:sam", "requester": "user:sam"}
    assert rules.approval_refusal("supervisor", D("0.01"), None, four_eyes_above=on.four_eyes_for("EUR"), **mine) == "four_eyes"


def test_the_limits_of_other_currencies_are_read_as_code_equals_amount(tmp_path):
    config = load_config(str(tmp_path), env={"SHOPCS_REFUND_APPROVAL_LIMITS": "USD=30.00, EUR=25,JPY=4000",
                                             "SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS": "USD=50"})
    assert config["SHOPCS_REFUND_APPROVAL_LIMITS"] == {"USD": D("30.00"), "EUR": D("25.00"), "JPY": D("4000")}
    assert config["SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS"] == {"USD": D("50.00")}
    assert config["SHOPCS_REFUND_APPROVAL_LIMIT"] == D("200.00")  # CNY's, as before
    assert load_config(str(tmp_path), env={})["SHOPCS_REFUND_APPROVAL_LIMITS"] == {}


@pytest.mark.parametrize("name,value,words", [
    ("SHOPCS_REFUND_APPROVAL_LIMITS", "USD=30.00,JPY=4000.5", "'JPY=4000.5': JPY has no decimals"),
    ("SHOPCS_REFUND_APPROVAL_LIMITS", "usd=30", "'usd=30': must be an ISO 4217 currency code"),
    ("SHOPCS_REFUND_APPROVAL_LIMITS", "USD 30", "'USD 30' is not CODE=amount"),
    ("SHOPCS_REFUND_APPROVAL_LIMITS", "USD=30,USD=40", "USD is given twice"),
    ("SHOPCS_REFUND_APPROVAL_LIMITS", "CNY=300", "its own setting, SHOPCS_REFUND_APPROVAL_LIMIT"),
    ("SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS", "EUR=-5", "'EUR=-5': must not be negative"),
    ("SHOPCS_REFUND_APPROVAL_LIMIT", "200.005", "CNY has at most 2 decimals"),
])
def test_a_bad_limit_stops_the_app_at_start_naming_the_setting_and_the_entry(tmp_path, name, value, words):
    with pytest.raises(ConfigError, match=f"^{name}: ") as caught:
        load_config(str(tmp_path), env={name: value})
    assert words in str(caught.value)
