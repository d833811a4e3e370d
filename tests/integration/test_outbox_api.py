"""GET /api/v1/outbox: filters, paging, and clear answers to a missing token or a bad filter."""
from datetime import timedelta

import pytest

from shopcs.extensions import db
from shopcs.notify.outbox import enqueue

from ..builders import NOW, make_customer, make_order, make_token


@pytest.fixture
def get(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    return lambda url: client.get(url, headers=headers)


@pytest.fixture
def messages():
    li, wang = make_customer(external_id="buyer-li"), make_customer(external_id="buyer-wang")
    first, second = make_order(order_no="T1", customer=li, status="unpaid"), make_order(order_no="T2", customer=wang)
    rows = [
        enqueue(kind="unpaid_reminder", dedupe_key="r1", body="您好，订单还未付款", now=NOW, customer_id=li.id,
                order_id=first.id, channel="manual"),
        enqueue(kind="shipping_notice", dedupe_key="s2", body="已发货", now=NOW + timedelta(minutes=1),
                customer_id=wang.id, order_id=second.id, channel="webhook"),
        enqueue(kind="holiday_greeting", dedupe_key="g1", body="端午安康", now=NOW + timedelta(minutes=2),
                customer_id=li.id, channel="email"),
    ]
    rows[1].status, rows[1].attempts, rows[1].last_error = "failed", 1, "HTTP 500: nope"
    db.session.commit()
    return rows


def test_the_outbox_lists_every_message_in_schedule_order_with_its_order_and_customer(get, messages):
    body = get("/api/v1/outbox").json
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 50
    assert [m["kind"] for m in body["messages"]] == ["unpaid_reminder", "shipping_notice", "holiday_greeting"]
    assert body["messages"][1] == {
        "id": messages[1].id, "kind": "shipping_notice", "order_no": "T2", "customer": "buyer-wang",
        "channel": "webhook", "status": "failed", "scheduled_for": "2026-03-04T02:01:00+00:00", "sent_at": None,
        "body": "已发货", "attempts": 1, "last_error": "HTTP 500: nope", "next_attempt_at": None, "cancel_reason": None}
    assert body["messages"][2]["order_no"] is None


@pytest.mark.parametrize("query, kinds", [
    ("order_no=T1", ["unpaid_reminder"]),
    ("customer=buyer-li", ["unpaid_reminder", "holiday_greeting"]),
    ("kind=shipping_notice", ["shipping_notice"]),
    ("status=failed", ["shipping_notice"]),
    ("customer=buyer-li&kind=holiday_greeting", ["holiday_greeting"]),
    ("order_no=T404", []),
])
def test_the_outbox_filters_by_order_customer_kind_and_status(get, messages, query, kinds):
    assert [m["kind"] for m in get(f"/api/v1/outbox?{query}").json["messages"]] == kinds


def test_the_outbox_is_paged(get, messages):
    body = get("/api/v1/outbox?page=2&per_page=2").json
    assert body["total"] == 3 and [m["kind"] for m in body["messages"]] == ["holiday_greeting"]


def test_the_outbox_needs_a_token(client, messages):
    response = client.get("/api/v1/outbox")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("query, field", [
    ("status=lost", "status"), ("kind=sms", "kind"), ("page=0", "page"), ("per_page=1000", "per_page"),
    ("order_no=" + "x" * 101, "order_no"),
])
def test_a_bad_filter_is_a_422_that_names_the_field(get, query, field):
    response = get(f"/api/v1/outbox?{query}")
    assert response.status_code == 422 and field in response.json["error"]["fields"]
