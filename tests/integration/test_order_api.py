import copy
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.audit.services import entries_for_order
from shopcs.extensions import db
from shopcs.orders.models import Customer, HandoffNote, Order, OrderItem
from shopcs.timeutil import to_local

from ..builders import NOW, make_token

PAYLOAD = {
    "status": "paid",
    "placed_at": "2026-03-04T09:00:00+08:00",
    "paid_at": "2026-03-04T09:05:00+08:00",
    "customer": {"external_id": "buyer-1", "name": "李四", "phone": "13812345678", "email": "li@example.com"},
    "shipping_address": {"recipient": "李四", "phone": "138 1234 5678", "province": "浙江省", "city": "杭州市",
                         "district": "西湖区", "detail": "文三路 100 号", "postal_code": "310000"},
    "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 2, "unit_price": "49.50"},
              {"sku": "SKU-2", "title": "手套", "quantity": 1, "unit_price": 20}],
    "shipping_fee": "10.00",
    "discount": "5.00",
    "total": "124.00",
}


def payload(**changes):
    data = copy.deepcopy(PAYLOAD)
    data.update(changes)
    return data


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}

    class Api:
        def put(self, order_no, body):
            return client.put(f"/api/v1/orders/{order_no}", json=body, headers=headers)

        def get(self, url):
            return client.get(url, headers=headers)

    return Api()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_order_is_created_with_201_and_read_back_as_stored(api):
    created = api.put("T100", payload())
    assert created.status_code == 201
    body = api.get("/api/v1/orders/T100").json
    assert body["status"] == "paid" and body["total"] == "124.00" and body["items_total"] == "119.00"
    assert body["paid_at"] == "2026-03-04T01:05:00+00:00" and body["currency"] == "CNY"
    assert body["items"][1] == {"sku": "SKU-2", "title": "手套", "quantity": 1, "unit_price": "20.00"}
    assert body["shipping_address"]["phone"] == "13812345678" and body["phone_valid"] is True
    assert body["customer"]["external_id"] == "buyer-1"
    assert body["refunded_total"] == "0.00" and body["refunds"] == [] and body["shipments"] == []
    assert body["address_confirmed_at"] is None


def test_sending_the_order_again_updates_it_with_200_and_replaces_its_items(api):
    api.put("T100", payload())
    items = [{"sku": "SKU-9", "title": "帽子", "quantity": 1, "unit_price": "30.00"}]
    updated = api.put("T100", payload(status="shipped", items=items, shipping_fee="0", discount="0", total="30.00"))
    assert updated.status_code == 200
    assert [i["sku"] for i in updated.json["items"]] == ["SKU-9"] and updated.json["status"] == "shipped"
    assert count(Order) == 1 and count(OrderItem) == 1 and count(Customer) == 1


def test_create_and_update_leave_audit_entries_with_the_token_as_actor(api):
    api.put("T100", payload())
    api.put("T100", payload(status="shipped", shipping_fee="11.00", total="125.00"))
    order = db.session.scalar(select(Order).where(Order.order_no == "T100"))
    entries = entries_for_order(order.id)
    assert [e.action for e in entries] == ["order.created", "order.status", "order.updated"]
    assert {e.actor for e in entries} == {"token:shop"}
    assert entries[1].before == {"status": "paid"} and entries[1].after == {"status": "shipped"}
    assert entries[2].before == {"shipping_fee": "10.00", "total": "124.00"}
    assert entries[2].after == {"shipping_fee": "11.00", "total": "125.00"}


def test_the_same_order_sent_twice_records_nothing_new(api):
    api.put("T100", payload())
    again = api.put("T100", payload())
    assert again.status_code == 200 and count(AuditEntry) == 1


def test_a_status_going_backwards_is_409_and_changes_nothing(api):
    api.put("T100", payload(status="shipped"))
    response = api.put("T100", payload(status="unpaid", paid_at=None, total="124.00", shipping_fee="10.00"))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict" and "status" in response.json["error"]["fields"]
    assert api.get("/api/v1/orders/T100").json["status"] == "shipped"


def test_a_wrong_total_is_422_naming_the_total_field(api):
    response = api.put("T100", payload(total="100.00"))
    assert response.status_code == 422
    assert "124.00" in response.json["error"]["fields"]["total"]
    assert count(Order) == 0 and count(Customer) == 0


def test_invalid_fields_are_reported_with_dotted_paths(api):
    bad = payload(paid_at=None, currency="XAU")
    bad["items"][0]["unit_price"] = "1.0005"
    bad["items"][1]["quantity"] = 0
    bad["shipping_address"]["city"] = ""
    bad["customer"]["phone"] = 123
    fields = api.put("T100", bad).json["error"]["fields"]
    assert set(fields) == {"items.0.unit_price", "items.1.quantity", "shipping_address.city", "customer.phone",
                           "paid_at", "currency"}
    assert "XAU" in fields["currency"]


def test_a_phone_that_does_not_parse_is_kept_and_flagged(api):
    data = payload()
    data["shipping_address"]["phone"] = "call me maybe"
    assert api.put("T100", data).status_code == 201
    body = api.get("/api/v1/orders/T100").json
    assert body["shipping_address"]["phone"] == "call me maybe" and body["phone_valid"] is False


def test_an_unpaid_order_has_no_paid_time(api):
    assert api.put("T1", payload(status="unpaid", paid_at=None)).status_code == 201
    response = api.put("T2", payload(status="unpaid"))
    assert response.status_code == 422 and "paid_at" in response.json["error"]["fields"]


def test_customers_are_upserted_by_external_id(api):
    api.put("T1", payload())
    data = payload()
    data["customer"]["name"] = "李四四"
    api.put("T2", data)
    assert count(Customer) == 1
    assert db.session.scalar(select(Customer.name)) == "李四四"


def test_an_address_change_after_confirmation_is_audited_and_handed_to_shipping(api):
    api.put("T100", payload())
    order = db.session.scalar(select(Order).where(Order.order_no == "T100"))
    order.address_confirmed_at = NOW
    db.session.commit()
    data = payload()
    data["shipping_address"]["detail"] = "文二路 200 号"
    assert api.put("T100", data).status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "order.address_changed"))
    assert entry.before == {"detail": "文三路 100 号"} and entry.after == {"detail": "文二路 200 号"}
    note = db.session.scalar(select(HandoffNote))
    assert note.department == "shipping" and "详细地址: 文三路 100 号 → 文二路 200 号" in note.body
    local = to_local(NOW, "Asia/Shanghai").strftime("%Y-%m-%d %H:%M")  # the shop's zone and language, never UTC
    assert f"买家于 {local} 确认地址后" in note.body and "UTC" not in note.body and "detail" not in note.body
    assert note.author == "token:shop" and note.done_at is None
    assert api.get("/api/v1/orders/T100").json["address_confirmed_at"] is not None


def test_an_address_change_before_confirmation_makes_no_handoff_note(api):
    api.put("T100", payload())
    data = payload()
    data["shipping_address"]["detail"] = "文二路 200 号"
    api.put("T100", data)
    assert count(HandoffNote) == 0


def test_an_unknown_order_is_404_and_a_missing_token_is_401(api, client):
    assert api.get("/api/v1/orders/NOPE").status_code == 404
    assert api.get("/api/v1/orders/NOPE").json["error"]["code"] == "not_found"
    assert client.get("/api/v1/orders/NOPE").status_code == 401
    assert client.put("/api/v1/orders/T1", json=payload(), headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert count(Order) == 0


def test_the_list_pages_through_orders_by_update_time(api, app):
    for n in range(5):
        api.put(f"T{n}", payload(status="unpaid" if n % 2 else "paid", paid_at=None if n % 2 else PAYLOAD["paid_at"]))
    first = api.get("/api/v1/orders?per_page=2").json
    second = api.get("/api/v1/orders?per_page=2&page=2").json
    assert first["total"] == 5 and first["page"] == 1 and first["per_page"] == 2
    assert [o["order_no"] for o in first["orders"] + second["orders"]] == ["T0", "T1", "T2", "T3"]
    unpaid = api.get("/api/v1/orders?status=unpaid").json
    assert [o["order_no"] for o in unpaid["orders"]] == ["T1", "T3"] and unpaid["total"] == 2


def test_updated_since_returns_only_orders_changed_since_then(api):
    api.put("T1", payload())
    api.put("T2", payload())
    orders = {o.order_no: o for o in db.session.scalars(select(Order))}
    orders["T1"].updated_at, orders["T2"].updated_at = NOW - timedelta(days=3), NOW
    db.session.commit()
    since = (NOW - timedelta(days=1)).isoformat()
    body = api.get(f"/api/v1/orders?updated_since={since.replace('+', '%2B')}").json
    assert [o["order_no"] for o in body["orders"]] == ["T2"]
    unencoded = api.get(f"/api/v1/orders?updated_since={since}").json  # "+" arrives as a space
    assert [o["order_no"] for o in unencoded["orders"]] == ["T2"]


@pytest.mark.parametrize("query", ["updated_since=2026-03-01T00:00:00", "status=lost", "page=0", "per_page=500",
                                   "page=99999999999999999999"])
def test_bad_list_parameters_are_422(api, query):
    response = api.get(f"/api/v1/orders?{query}")
    assert response.status_code == 422 and response.json["error"]["code"] == "validation_error"
