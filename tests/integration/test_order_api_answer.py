"""PUT /api/v1/orders/<no> answers with the order as stored: the same JSON a GET then reads, for a new order and for
every kind of update, in any currency and time zone, on both databases (the answer is built from what the request
wrote, not read back: issue 20)."""
import copy

import pytest
from sqlalchemy import select

from shopcs.extensions import db
from shopcs.orders.models import Order

from ..builders import NOW, make_token

PAYLOAD = {
    "status": "unpaid", "placed_at": "2026-03-04T09:00:00+08:00", "paid_at": None,
    "customer": {"external_id": "buyer-1", "name": "李四", "phone": "13812345678", "email": "li@example.com"},
    "shipping_address": {"recipient": "李四", "phone": "138 1234 5678", "province": "浙江省", "city": "杭州市",
                         "district": "西湖区", "detail": "文三路 100 号", "postal_code": "310000"},
    "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 2, "unit_price": "49.5"},
              {"sku": "SKU-2", "title": "手套", "quantity": 1, "unit_price": 20}],
    "shipping_fee": "10", "discount": "5.00", "total": "124.00",
}
ABROAD = {
    **PAYLOAD, "placed_at": "2026-03-04T09:00:00-05:00", "currency": "JPY",
    "customer": {"external_id": "buyer-jp", "name": "山田太郎", "phone": "", "email": ""},
    "shipping_address": {"recipient": "山田太郎", "phone": "03-1234-5678", "country": "JP", "province": "東京都",
                         "city": "千代田区", "detail": "千代田1-1", "address_line2": "2F", "postal_code": "100-0001"},
    "items": [{"sku": "SCARF", "title": "Wool scarf", "quantity": 2, "unit_price": "2400.00"}],
    "shipping_fee": "1200", "discount": "0", "total": "6000",
}


def payload(base=PAYLOAD, **changes):
    data = copy.deepcopy(base)
    data.update(changes)
    return data


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}

    class Api:
        def put(self, order_no, body):
            return client.put(f"/api/v1/orders/{order_no}", json=body, headers=headers)

        def post(self, url, body=None):
            return client.post(url, json=body, headers=headers)

        def get(self, order_no):
            return client.get(f"/api/v1/orders/{order_no}", headers=headers).json

    return Api()


def paid(base=PAYLOAD, **changes):
    return payload(base, **{"status": "paid", "paid_at": "2026-03-04T09:05:30.123456+08:00", **changes})


@pytest.mark.parametrize("body", [payload(), paid(), payload(ABROAD), paid(ABROAD)], ids=["cny", "cny-paid", "jpy", "jpy-paid"])
def test_the_answer_to_a_new_order_is_what_a_read_then_gives(api, body):
    answer = api.put("T1", body)

    assert answer.status_code == 201
    assert answer.json == api.get("T1")
    assert answer.json["shipments"] == [] and answer.json["refunds"] == []


def test_the_answer_to_a_payment_is_what_a_read_then_gives(api):
    api.put("T1", payload())

    answer = api.put("T1", paid())

    assert answer.status_code == 200 and answer.json["status"] == "paid"
    assert answer.json == api.get("T1")


def test_the_answer_to_new_items_a_new_buyer_and_a_new_address_is_what_a_read_then_gives(api):
    api.put("T1", paid())
    order = db.session.scalar(select(Order).where(Order.order_no == "T1"))
    order.address_confirmed_at = NOW
    db.session.commit()
    body = paid(items=[{"sku": "SKU-9", "title": "帽子", "quantity": 3, "unit_price": "38"}], total="119.00",
                customer={"external_id": "buyer-2", "name": "王五", "phone": "+86 139 1234 5678", "email": ""})
    body["shipping_address"]["detail"] = "文二路 200 号"

    answer = api.put("T1", body)

    assert answer.status_code == 200 and [i["sku"] for i in answer.json["items"]] == ["SKU-9"]
    assert answer.json["customer"]["external_id"] == "buyer-2" and answer.json["address_confirmed_at"] is not None
    assert answer.json == api.get("T1")


def test_the_answer_shows_the_shipments_and_refunds_the_order_already_has(api):
    api.put("T1", paid())
    refund = api.post("/api/v1/orders/T1/refunds", {"amount": "24.00", "reason": "size"}).json
    api.post(f"/api/v1/refunds/{refund['id']}/approve")
    api.post(f"/api/v1/refunds/{refund['id']}/complete")
    api.post("/api/v1/orders/T1/shipments", {"carrier": "SF", "tracking_no": "SF1234567890123",
                                             "shipped_at": "2026-03-04T15:30:00+08:00"})

    answer = api.put("T1", paid(status="shipped"))

    assert answer.status_code == 200 and answer.json["refunded_total"] == "24.00"
    assert len(answer.json["shipments"]) == 1 and len(answer.json["refunds"]) == 1
    assert answer.json == api.get("T1")


def test_the_answer_to_the_same_order_sent_again_is_what_a_read_then_gives(api):
    first = api.put("T1", paid()).json

    again = api.put("T1", paid())

    assert again.status_code == 200 and again.json == first == api.get("T1")
