"""What one order write costs the database, counted: the statements of the order API and of Shopify's order webhook,
on both databases (issue 20: orders pour in at a festival midnight, and each statement is CPU in the web worker and
in the database). A budget: a change that needs another statement per write raises the figure here, with its reason.

The figures (bench/README.md, issue 20, has the statements themselves): a new order through the API reads its token,
the order number and the buyer, and inserts the order, its lines and one audit entry (and the buyer when new); it is
not read back for the answer. A payment also takes the order's lock, reads the order and its lines, updates it and
its buyer's previous payments, and reads its shipments and refunds for the answer. Nothing notes the token's use more
than once a minute. A Shopify delivery adds reading its delivery id and the order's state and inserting the delivery's
row. SQLite sends one INSERT per audit entry where PostgreSQL sends one for all.
"""
import copy
import json

import pytest
from sqlalchemy import event

from shopcs.extensions import db

from ..builders import make_token
from ..webhook_builders import SECRETS, fixture_bytes, post_shopify

ORDER = {
    "status": "unpaid", "placed_at": "2026-11-11T00:00:05+08:00", "paid_at": None,
    "customer": {"external_id": "buyer-1", "name": "王小明", "phone": "13812345678", "email": ""},
    "shipping_address": {"recipient": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                         "district": "西湖区", "detail": "文三路 100 号"},
    "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 1, "unit_price": "100.00"}], "total": "100.00",
}
PAID = {**ORDER, "status": "paid", "paid_at": "2026-11-11T00:01:00+08:00"}


@pytest.fixture
def app_config():
    return dict(SECRETS)


@pytest.fixture
def counted(app):
    """counted(send) -> the number of statements `send()` made the app's engine run."""
    seen = []

    def note(*_args):
        seen.append(1)

    def count(send):
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            answer = send()
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        assert answer.status_code in (200, 201), answer.get_data(as_text=True)
        return len(seen)

    return count


@pytest.fixture
def put(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    client.get("/api/v1/orders", headers=headers)  # the token's use of this minute is noted

    def send(order_no, body):
        return lambda: client.put(f"/api/v1/orders/{order_no}", json=copy.deepcopy(body), headers=headers)

    return send


def test_a_new_order_through_the_api_costs_six_statements_and_one_more_for_a_new_buyer(counted, put):
    assert counted(put("T1", ORDER)) == 7
    assert counted(put("T2", ORDER)) == 6


def test_a_payment_through_the_api_costs_ten_statements(counted, put, backend):
    counted(put("T1", ORDER))

    assert counted(put("T1", PAID)) == {"postgresql": 10, "sqlite": 11}[backend]


def test_the_same_order_sent_again_costs_seven_statements(counted, put):
    counted(put("T1", PAID))

    assert counted(put("T1", PAID)) == 7  # token, number, lock, order, lines, shipments, refunds


def shopify(client, name: str, topic: str, webhook_id: str):
    body = json.loads(fixture_bytes("shopify", name))
    body["line_items"] = body["line_items"][:1]
    body["total_price"] = body["subtotal_price"] = body["line_items"][0]["price"]
    body["total_discounts"] = "0.00"
    body["total_shipping_price_set"]["shop_money"]["amount"] = "0.00"
    body["total_tax"] = "0.00"
    return lambda: post_shopify(client, topic, json.dumps(body).encode(), webhook_id)


def test_a_shopify_order_from_a_new_buyer_costs_nine_statements_and_its_payment_ten(counted, client, backend):
    created = counted(shopify(client, "orders_create", "orders/create", "wh-1"))
    paid = counted(shopify(client, "orders_paid", "orders/paid", "wh-2"))

    assert (created, paid) == ({"postgresql": (9, 10), "sqlite": (9, 11)}[backend])
