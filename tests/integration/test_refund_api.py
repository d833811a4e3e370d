from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopcs.audit.services import entries_for_order
from shopcs.extensions import db
from shopcs.orders.models import Order, Refund

from ..builders import make_order, make_token


@pytest.fixture
def post(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}

    def do_post(url, body=None, **extra_headers):
        return client.post(url, json=body, headers={**headers, **extra_headers})

    do_post.get = lambda url: client.get(url, headers=headers)
    return do_post


def refunds_count():
    return db.session.scalar(select(func.count()).select_from(Refund))


def test_a_refund_is_requested_approved_and_completed_through_the_api(post):
    order = make_order("T1", total="500.00")
    created = post("/api/v1/orders/T1/refunds", {"amount": "300.00", "reason": "quality", "with_return": True,
                                                 "note": "broken zip"})
    assert created.status_code == 201
    refund = created.json
    assert refund["order_no"] == "T1" and refund["amount"] == "300.00" and refund["status"] == "requested"
    assert refund["with_return"] is True and refund["note"] == "broken zip" and refund["approved_at"] is None
    approved = post(f"/api/v1/refunds/{refund['id']}/approve")
    assert approved.status_code == 200 and approved.json["status"] == "approved"  # above ¥200: a token may
    done = post(f"/api/v1/refunds/{refund['id']}/complete", {"completed_at": "2026-03-05T10:00:00+08:00"})
    assert done.json["status"] == "completed" and done.json["completed_at"] == "2026-03-05T02:00:00+00:00"
    shown = post.get("/api/v1/orders/T1").json
    assert shown["refunded_total"] == "300.00" and [r["status"] for r in shown["refunds"]] == ["completed"]
    actions = [e.action for e in entries_for_order(order.id)]
    assert actions == ["refund.requested", "refund.approved", "refund.completed"]


def test_the_same_idempotency_key_returns_the_same_refund_with_200(post):
    make_order("T1", total="100.00")
    body = {"amount": "10.00", "reason": "size"}
    first = post("/api/v1/orders/T1/refunds", body, **{"Idempotency-Key": "k-1"})
    again = post("/api/v1/orders/T1/refunds", {**body, "amount": "20.00"}, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["amount"] == "10.00"
    other = post("/api/v1/orders/T1/refunds", body, **{"Idempotency-Key": "k-2"})
    assert other.status_code == 201 and refunds_count() == 2


def test_a_platform_may_backdate_the_request(post):
    make_order("T1", total="100.00")
    response = post("/api/v1/orders/T1/refunds", {"amount": "10", "reason": "size",
                                                  "requested_at": "2026-03-01T08:00:00+08:00"})
    assert response.json["requested_at"] == "2026-03-01T00:00:00+00:00"


def test_a_rejection_keeps_its_note(post):
    make_order("T1", total="100.00")
    refund = post("/api/v1/orders/T1/refunds", {"amount": "10.00", "reason": "other"}).json
    rejected = post(f"/api/v1/refunds/{refund['id']}/reject", {"note": "photos show no damage"})
    assert rejected.json["status"] == "rejected" and "photos show no damage" in rejected.json["note"]
    assert rejected.json["rejected_at"] is not None


def test_more_than_was_paid_is_422_on_the_amount(post):
    make_order("T1", total="100.00")
    response = post("/api/v1/orders/T1/refunds", {"amount": "100.01", "reason": "quality"})
    assert response.status_code == 422 and "amount" in response.json["error"]["fields"]
    assert refunds_count() == 0


@pytest.mark.parametrize("body, field", [
    ({"amount": 1.5, "reason": "size"}, "amount"),
    ({"amount": "-1.00", "reason": "size"}, "amount"),
    ({"amount": "1.005", "reason": "size"}, "amount"),
    ({"amount": "1.00", "reason": "because"}, "reason"),
    ({"amount": "1.00", "reason": "size", "with_return": "yes"}, "with_return"),
    ({"amount": "1.00", "reason": "size", "requested_at": "2026-03-01T08:00:00"}, "requested_at"),
    ({"amount": "1.00", "reason": "size", "note": ["x"]}, "note"),
])
def test_invalid_refund_requests_are_422_naming_the_field(post, body, field):
    make_order("T1", total="100.00")
    response = post("/api/v1/orders/T1/refunds", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert refunds_count() == 0


def test_refunding_an_unpaid_order_is_409(post):
    make_order("T1", status="unpaid", total="100.00")
    assert post("/api/v1/orders/T1/refunds", {"amount": "1.00", "reason": "size"}).status_code == 409


def test_unknown_orders_and_refunds_are_404(post):
    assert post("/api/v1/orders/NOPE/refunds", {"amount": "1.00", "reason": "size"}).status_code == 404
    for action in ("approve", "reject", "complete"):
        response = post(f"/api/v1/refunds/999/{action}")
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert post("/api/v1/refunds/99999999999999999999/approve").status_code == 404


def test_completing_a_requested_refund_is_409(post):
    make_order("T1", total="100.00")
    refund = post("/api/v1/orders/T1/refunds", {"amount": "10.00", "reason": "size"}).json
    response = post(f"/api/v1/refunds/{refund['id']}/complete")
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


def test_refund_endpoints_need_a_token(client):
    make_order("T1", total="100.00")
    assert client.post("/api/v1/orders/T1/refunds", json={"amount": "1.00", "reason": "size"}).status_code == 401
    assert client.post("/api/v1/refunds/1/approve").status_code == 401
    assert refunds_count() == 0


def test_a_full_refund_closes_the_order(post):
    make_order("T1", total="80.00", status="shipped")
    refund = post("/api/v1/orders/T1/refunds", {"amount": "80.00", "reason": "damaged"}).json
    post(f"/api/v1/refunds/{refund['id']}/approve")
    post(f"/api/v1/refunds/{refund['id']}/complete")
    assert db.session.scalar(select(Order.status)) == "closed"


def test_a_token_acts_for_the_platform_and_approves_split_refunds_on_one_order_whatever_the_four_eyes_setting(app, post):
    """Tokens name no person (the approve body is empty), so neither the per-order limit nor four-eyes binds them."""
    app.config["SHOPCS_REFUND_FOUR_EYES_ABOVE"] = Decimal("50.00")
    make_order("T-SPLIT", total="1000.00")
    ids = [post("/api/v1/orders/T-SPLIT/refunds", {"amount": "200.00", "reason": "quality"}, **{"Idempotency-Key": f"s-{i}"}).json["id"]
           for i in range(3)]
    answers = [post(f"/api/v1/refunds/{refund_id}/approve") for refund_id in ids]
    assert [(a.status_code, a.json["status"]) for a in answers] == [(200, "approved")] * 3


def test_a_jpy_refund_with_decimals_is_a_field_error_naming_jpy_and_writes_nothing(post):
    make_order("T-JPY", total="5000", currency="JPY")
    refused = post("/api/v1/orders/T-JPY/refunds", {"amount": "12.50", "reason": "size"})
    assert refused.status_code == 422 and refused.json["error"]["fields"] == {"amount": "JPY has no decimals"}
    assert refunds_count() == 0
    created = post("/api/v1/orders/T-JPY/refunds", {"amount": "1200", "reason": "size"})
    assert created.status_code == 201 and created.json["amount"] == "1200"
