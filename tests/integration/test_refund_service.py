from datetime import timedelta
from decimal import Decimal as D

import pytest
from flask_babel import force_locale

from shopcs.actor import Actor
from shopcs.app_config import approval_limits
from shopcs.audit.services import entries_for_order
from shopcs.errors import Conflict, Forbidden, Invalid, NotFound
from shopcs.extensions import db
from shopcs.orders.models import Order, Refund
from shopcs.orders.refund_service import (
    RefundRequest,
    approve_refund,
    complete_refund,
    refunded_total,
    reject_refund,
    request_refund,
)
from shopcs.orders.refunds import ApprovalLimits

from ..builders import NOW, make_order, refund_limits

AGENT = Actor("user:amy", "agent")
SUPERVISOR = Actor("user:sam", "supervisor")
PLATFORM = Actor("token:shop", None, is_platform=True)
LIMITS = refund_limits()  # an agent approves at most ¥200.00 per order; four-eyes off


def test_a_refund_goes_from_request_to_completion_and_leaves_an_audit_trail(app):
    order = make_order(total="150.00")
    refund, created = request_refund(order.order_no, RefundRequest(D("50.00"), "size"), AGENT, NOW)
    assert created and refund.status == "requested" and refund.requested_at == NOW
    approve_refund(refund.id, AGENT, NOW + timedelta(minutes=1), LIMITS)
    done = complete_refund(refund.id, AGENT, NOW + timedelta(minutes=2))
    assert done.status == "completed" and done.completed_at == NOW + timedelta(minutes=2)
    order = db.session.get(Order, order.id)
    assert refunded_total(order) == D("50.00") and order.status == "paid"
    actions = [e.action for e in entries_for_order(order.id)]
    assert actions == ["refund.requested", "refund.approved", "refund.completed"]


def test_completing_the_whole_amount_closes_the_order(app):
    order = make_order(total="80.00", status="shipped")
    refund, _ = request_refund(order.order_no, RefundRequest(D("80.00"), "damaged", with_return=True), AGENT, NOW)
    approve_refund(refund.id, AGENT, NOW, LIMITS)
    complete_refund(refund.id, AGENT, NOW)
    assert db.session.get(Order, order.id).status == "closed"


def test_two_requests_may_never_promise_more_than_was_paid(app):
    order = make_order(total="100.00")
    request_refund(order.order_no, RefundRequest(D("70.00"), "quality"), AGENT, NOW)
    with pytest.raises(Invalid) as caught:
        request_refund(order.order_no, RefundRequest(D("30.01"), "size"), AGENT, NOW)
    assert "30.00" in caught.value.fields["amount"]
    assert len(db.session.get(Order, order.id).refunds) == 1


def test_a_rejected_request_frees_its_amount_again(app):
    order = make_order(total="100.00")
    first, _ = request_refund(order.order_no, RefundRequest(D("100.00"), "quality"), AGENT, NOW)
    reject_refund(first.id, AGENT, NOW, note="buyer withdrew")
    second, created = request_refund(order.order_no, RefundRequest(D("100.00"), "size"), AGENT, NOW)
    assert created and second.id != first.id


def test_the_same_idempotency_key_returns_the_same_refund(app):
    order = make_order(total="100.00")
    req = RefundRequest(D("10.00"), "other", idempotency_key="k-1")
    first, created_first = request_refund(order.order_no, req, PLATFORM, NOW)
    again, created_again = request_refund(order.order_no, req, PLATFORM, NOW)
    assert (created_first, created_again) == (True, False) and again.id == first.id


def test_an_identical_open_request_without_key_is_the_same_refund(app):
    order = make_order(total="100.00")
    first, _ = request_refund(order.order_no, RefundRequest(D("10.00"), "size"), AGENT, NOW)
    again, created = request_refund(order.order_no, RefundRequest(D("10.00"), "size"), Actor("user:bob", "agent"), NOW)
    assert not created and again.id == first.id


def test_an_agent_cannot_approve_above_the_limit_but_a_supervisor_can(app):
    order = make_order(total="500.00")
    refund, _ = request_refund(order.order_no, RefundRequest(D("200.01"), "quality"), AGENT, NOW)
    with pytest.raises(Forbidden):
        approve_refund(refund.id, AGENT, NOW, LIMITS)
    assert approve_refund(refund.id, SUPERVISOR, NOW, LIMITS).status == "approved"


def test_the_platform_may_back_date_completion_but_a_person_may_not(app):
    order = make_order(total="500.00")
    earlier = NOW - timedelta(days=1)
    refund, _ = request_refund(order.order_no, RefundRequest(D("300.00"), "quality", requested_at=earlier), PLATFORM, NOW)
    assert refund.requested_at == earlier
    approve_refund(refund.id, PLATFORM, NOW, LIMITS)
    assert complete_refund(refund.id, PLATFORM, NOW, completed_at=earlier).completed_at == earlier
    other, _ = request_refund(order.order_no, RefundRequest(D("5.00"), "size", requested_at=earlier), AGENT, NOW)
    assert other.requested_at == NOW


def test_illegal_moves_and_unknown_refunds_are_refused(app):
    order = make_order(total="100.00")
    refund, _ = request_refund(order.order_no, RefundRequest(D("10.00"), "size"), AGENT, NOW)
    with pytest.raises(Conflict):
        complete_refund(refund.id, AGENT, NOW)
    with pytest.raises(NotFound):
        approve_refund(999999, AGENT, NOW, LIMITS)
    with pytest.raises(NotFound):
        request_refund("NO-SUCH", RefundRequest(D("1.00"), "size"), AGENT, NOW)


def test_an_unpaid_order_cannot_be_refunded_and_nothing_is_written(app):
    order = make_order(status="unpaid", total="100.00")
    with pytest.raises(Conflict):
        request_refund(order.order_no, RefundRequest(D("1.00"), "size"), AGENT, NOW)
    assert db.session.get(Order, order.id).refunds == [] and entries_for_order(order.id) == []


def test_an_unknown_reason_is_invalid(app):
    order = make_order(total="100.00")
    with pytest.raises(Invalid) as caught:
        request_refund(order.order_no, RefundRequest(D("1.00"), "because"), AGENT, NOW)
    assert "reason" in caught.value.fields


def test_shipping_and_operators_cannot_open_reject_or_complete_refunds(app):
    order = make_order(total="100.00")
    refund, _ = request_refund(order.order_no, RefundRequest(D("10.00"), "size"), AGENT, NOW)
    for role in ("shipping", "operator"):
        outsider = Actor(f"user:{role}", role)
        with pytest.raises(Forbidden):
            request_refund(order.order_no, RefundRequest(D("5.00"), "size"), outsider, NOW)
        with pytest.raises(Forbidden):
            reject_refund(refund.id, outsider, NOW)
    approve_refund(refund.id, AGENT, NOW, LIMITS)
    with pytest.raises(Forbidden):
        complete_refund(refund.id, Actor("user:op", "operator"), NOW)


def test_repeating_an_approval_above_the_limit_is_still_refused_for_an_agent(app):
    order = make_order(total="500.00")
    refund, _ = request_refund(order.order_no, RefundRequest(D("300.00"), "quality"), AGENT, NOW)
    approve_refund(refund.id, SUPERVISOR, NOW, LIMITS)
    with pytest.raises(Forbidden):
        approve_refund(refund.id, AGENT, NOW, LIMITS)


# Issue 21: the limit holds for what one person approves on one order in total; four-eyes above a setting.


def _three_refunds(order, amount="200.00", actor=AGENT):
    return [request_refund(order.order_no, RefundRequest(D(amount), "quality", idempotency_key=f"split-{i}"), actor, NOW)[0]
            for i in range(3)]


def test_an_agent_cannot_split_a_large_refund_into_three_approved_by_themselves(app):
    order = make_order(total="1000.00")
    first, second, third = _three_refunds(order)
    approve_refund(first.id, AGENT, NOW, LIMITS)
    complete_refund(first.id, AGENT, NOW)  # paid out still counts
    with force_locale("en"), pytest.raises(Forbidden, match="already approved CN¥200.00 on this order"):
        approve_refund(second.id, AGENT, NOW, LIMITS)
    assert db.session.get(Refund, second.id, populate_existing=True).status == "requested"
    assert approve_refund(second.id, Actor("user:bob", "agent"), NOW, LIMITS).status == "approved"
    assert approve_refund(third.id, SUPERVISOR, NOW, LIMITS).status == "approved"


def test_what_an_agent_approved_on_another_order_does_not_count(app):
    approve_refund(_three_refunds(make_order(total="1000.00"))[0].id, AGENT, NOW, LIMITS)
    assert approve_refund(_three_refunds(make_order(total="1000.00"))[0].id, AGENT, NOW, LIMITS).status == "approved"


def test_approving_the_same_refund_again_does_not_count_it_twice(app):
    refund = _three_refunds(make_order(total="1000.00"), amount="150.00")[0]
    approve_refund(refund.id, AGENT, NOW, LIMITS)
    assert approve_refund(refund.id, AGENT, NOW, LIMITS).status == "approved"


def test_the_platform_token_approves_any_total(app):
    refunds = _three_refunds(make_order(total="1000.00"), actor=PLATFORM)
    assert [approve_refund(r.id, PLATFORM, NOW, LIMITS).status for r in refunds] == ["approved"] * 3


def test_four_eyes_on_the_requester_may_not_approve_above_the_setting_but_someone_else_may(app):
    four_eyes = refund_limits(four_eyes_above="100.00")
    order = make_order(total="1000.00")
    small, _ = request_refund(order.order_no, RefundRequest(D("100.00"), "size"), SUPERVISOR, NOW)
    large, _ = request_refund(order.order_no, RefundRequest(D("150.00"), "size"), SUPERVISOR, NOW)
    assert approve_refund(small.id, SUPERVISOR, NOW, four_eyes).status == "approved"
    with force_locale("en"), pytest.raises(Forbidden, match="someone other than the person who requested"):
        approve_refund(large.id, SUPERVISOR, NOW, four_eyes)
    assert approve_refund(large.id, AGENT, NOW, four_eyes).decided_by == "user:amy"


def test_four_eyes_off_by_default_the_requester_approves_their_own_refund(app):
    """The default config, as the edge hands it to the service (app_config.approval_limits)."""
    assert approval_limits() == ApprovalLimits({"CNY": D("200.00")}, four_eyes=None)
    refund = _three_refunds(make_order(total="1000.00"), amount="150.00")[0]
    assert approve_refund(refund.id, AGENT, NOW, approval_limits()).status == "approved"


# Orders in any currency (issue 19)

def test_a_jpy_refund_with_decimals_is_refused_naming_jpy_and_nothing_is_written(app):
    order = make_order(total="5000", currency="JPY")
    with pytest.raises(Invalid) as caught:
        request_refund(order.order_no, RefundRequest(D("12.50"), "size"), AGENT, NOW)
    with force_locale("en"):
        assert str(caught.value.fields["amount"]) == "JPY has no decimals"
    assert db.session.get(Order, order.id).refunds == []
    refund, _ = request_refund(order.order_no, RefundRequest(D("1200"), "size"), AGENT, NOW)
    assert refund.amount == D("1200")


def test_a_usd_refund_above_what_is_left_is_refused_in_dollars(app):
    order = make_order(total="59.45", currency="USD")
    with pytest.raises(Invalid) as caught:
        request_refund(order.order_no, RefundRequest(D("59.46"), "size"), AGENT, NOW)
    with force_locale("en"):  # the message is worded when shown, in the reader's language
        assert str(caught.value.fields["amount"]) == "At most $59.45 can still be refunded on this order."
    with force_locale("zh_CN"):
        assert "US$59.45" in str(caught.value.fields["amount"])


def test_an_agent_approves_a_usd_refund_under_the_usd_limit_but_not_over_it(app):
    limits = refund_limits(USD="30.00")
    order = make_order(total="500.00", currency="USD")
    under, _ = request_refund(order.order_no, RefundRequest(D("30.00"), "size"), AGENT, NOW)
    over, _ = request_refund(order.order_no, RefundRequest(D("30.01"), "quality"), SUPERVISOR, NOW)
    assert approve_refund(under.id, AGENT, NOW, limits).status == "approved"
    with force_locale("en"), pytest.raises(Forbidden, match=r"one person approves at most \$30\.00 per order"):
        approve_refund(over.id, AGENT, NOW, limits)
    with force_locale("en"), pytest.raises(Forbidden, match=r"Refunds above \$30\.00 need a supervisor's approval"):
        approve_refund(over.id, Actor("user:bob", "agent"), NOW, limits)
    assert approve_refund(over.id, SUPERVISOR, NOW, limits).status == "approved"


def test_in_a_currency_without_a_limit_an_agent_is_refused_and_a_supervisor_approves(app):
    order = make_order(total="80.00", currency="EUR")
    refund, _ = request_refund(order.order_no, RefundRequest(D("0.01"), "size"), AGENT, NOW)
    with force_locale("en"), pytest.raises(Forbidden, match="No approval limit is set for EUR"):
        approve_refund(refund.id, AGENT, NOW, LIMITS)
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "requested"
    assert approve_refund(refund.id, SUPERVISOR, NOW, LIMITS).status == "approved"
    other, _ = request_refund(order.order_no, RefundRequest(D("50.00"), "size"), AGENT, NOW)
    assert approve_refund(other.id, PLATFORM, NOW, LIMITS).status == "approved"  # the platform token always may


def test_the_configured_limits_per_currency_reach_the_service(app):
    app.config["SHOPCS_REFUND_APPROVAL_LIMITS"] = {"USD": D("30.00")}
    app.config["SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS"] = {"USD": D("20.00")}
    limits = approval_limits()
    assert limits == ApprovalLimits({"CNY": D("200.00"), "USD": D("30.00")}, {"USD": D("20.00")})
    assert limits.four_eyes_for("CNY") == D("0")  # four-eyes on, CNY has no amount of its own: every refund
    order = make_order(total="100.00", currency="USD")
    mine, _ = request_refund(order.order_no, RefundRequest(D("25.00"), "size"), AGENT, NOW)
    with force_locale("en"), pytest.raises(Forbidden, match=r"Refunds above \$20\.00 are approved by someone other"):
        approve_refund(mine.id, AGENT, NOW, limits)
    assert approve_refund(mine.id, Actor("user:bob", "agent"), NOW, limits).status == "approved"
