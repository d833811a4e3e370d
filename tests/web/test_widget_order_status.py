"""GET /widget/v1/order-status on SQLite and PostgreSQL: the buyer names the order and the last 4 digits of its phone
and reads its status, promised ship date and parcels — nothing else of theirs; guessing is cut off after 10 failed
tries in 10 minutes from one conversation or one address, and a buyer's successful looks never count."""
import json
from datetime import date

import pytest

from shopcs.conversations.widget_service import issue_token
from shopcs.extensions import db
from shopcs.orders.models import Shipment

from ..builders import NOW, make_customer, make_order
from ..case_builders import row_counts

SHOP = "https://shop.example.com"
PHONE, LAST4 = "13812345678", "5678"
PERSONAL = ("王小明", "王先生", PHONE, "138****", "浙江省", "杭州市", "西湖区", "文三路 100 号", "buyer@example.com")


@pytest.fixture
def app_config():
    return {"SHOPCS_WIDGET_ORIGINS": frozenset({SHOP})}


def _start(client, address="10.0.0.1") -> str:
    response = client.post("/widget/v1/conversations", json={}, headers={"Origin": SHOP},
                           environ_base={"REMOTE_ADDR": address})
    return response.json["conversation_token"]


def _ask(client, token, order_no, last4, address="10.0.0.1", lang="en"):
    headers = {"Origin": SHOP, "Accept-Language": lang}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get("/widget/v1/order-status", query_string={"order_no": order_no, "phone_last4": last4},
                      headers=headers, environ_base={"REMOTE_ADDR": address})


def _shipped_order():
    customer = make_customer(name="王先生", phone=PHONE, email="buyer@example.com")
    order = make_order(order_no="WS-1001", status="shipped", phone=PHONE, recipient="王小明", customer=customer,
                       promised_ship_date=date(2026, 3, 5), commit=False)
    db.session.flush()
    db.session.add(Shipment(order_id=order.id, carrier="SF", tracking_no="SF1234567890123", shipped_on=date(2026, 3, 4),
                            created_by="user:sam", created_at=NOW))
    db.session.commit()
    return order


def test_the_right_pair_shows_status_promised_date_and_parcels_and_nothing_personal(client):
    _shipped_order()
    token = _start(client)
    for lang, name in (("en", "SF Express"), ("zh-CN", "顺丰速运")):
        response = _ask(client, token, "WS-1001", LAST4, lang=lang)
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == SHOP
        assert response.json == {"status": "shipped", "promised_ship_date": "2026-03-05", "shipments": [
            {"carrier": "SF", "carrier_name": name, "tracking_no": "SF1234567890123", "shipped_at": "2026-03-04"}]}
        text = json.dumps(response.json, ensure_ascii=False) + response.get_data(as_text=True)  # decoded and as sent
        assert [word for word in PERSONAL if word in text] == []


def test_a_paid_order_not_yet_shipped_shows_its_promised_date_and_no_parcels(client):
    make_order(order_no="WS-2002", status="paid", phone=PHONE, promised_ship_date=date(2026, 3, 6))
    response = _ask(client, _start(client), " WS-2002 ", LAST4)  # outer spaces as a buyer pastes them
    assert response.status_code == 200
    assert response.json == {"status": "paid", "promised_ship_date": "2026-03-06", "shipments": []}


def test_a_wrong_pair_and_an_unknown_order_get_the_same_404(client):
    _shipped_order()
    token = _start(client)
    before = row_counts()
    wrong, unknown = _ask(client, token, "WS-1001", "0000"), _ask(client, token, "NO-SUCH-ORDER", LAST4)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.data == unknown.data
    assert wrong.json["error"]["code"] == "not_found" and wrong.json["error"]["fields"] == {}
    assert row_counts() == before


@pytest.mark.parametrize(("order_no", "last4", "fields"), [
    (None, LAST4, {"order_no": "is required"}),
    ("   ", LAST4, {"order_no": "is required"}),
    ("W" * 65, LAST4, {"order_no": "must be at most 64 characters"}),
    ("WS-1001", None, {"phone_last4": "must be 4 digits"}),
    ("WS-1001", "567", {"phone_last4": "must be 4 digits"}),
    ("WS-1001", "45678", {"phone_last4": "must be 4 digits"}),
    ("WS-1001", "56a8", {"phone_last4": "must be 4 digits"}),
    ("WS-1001", "５６７８", {"phone_last4": "must be 4 digits"}),  # full-width digits are not ASCII digits
    (None, None, {"order_no": "is required", "phone_last4": "must be 4 digits"}),
])
def test_bad_input_is_422_with_a_reason_per_field(client, order_no, last4, fields):
    response = _ask(client, _start(client), order_no, last4)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error" and response.json["error"]["fields"] == fields


def test_field_reasons_are_in_the_readers_language(client):
    response = _ask(client, _start(client), "WS-1001", "12", lang="zh-CN")
    assert response.status_code == 422 and response.json["error"]["fields"] == {"phone_last4": "须为 4 位数字"}


@pytest.mark.parametrize("token", [None, "", "not-a-token", "Zm9v.YmFy.YmF6"])
def test_without_a_valid_conversation_token_it_is_401(client, token):
    _shipped_order()
    response = _ask(client, token, "WS-1001", LAST4)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert "shipments" not in response.get_data(as_text=True)


def test_a_token_signed_with_another_key_is_401(client):
    _shipped_order()
    _start(client)
    forged = issue_token("0" * 32, "another-secret")
    assert _ask(client, forged, "WS-1001", LAST4).status_code == 401


def _assert_429(response):
    assert response.status_code == 429 and response.json["error"]["code"] == "too_many_requests"
    assert 0 < int(response.headers["Retry-After"]) <= 600
    assert response.headers["Access-Control-Allow-Origin"] == SHOP  # the widget can read why


def test_the_eleventh_failed_try_of_a_conversation_in_10_minutes_is_429_from_any_address(client):
    _shipped_order()
    token = _start(client)
    for n in range(10):
        assert _ask(client, token, "WS-1001", f"{n:04d}", address=f"10.0.1.{n}").status_code == 404
    _assert_429(_ask(client, token, "WS-1001", LAST4, address="10.0.2.1"))  # even the right pair, from elsewhere
    other = _start(client, address="10.0.3.1")
    assert _ask(client, other, "WS-1001", LAST4, address="10.0.3.1").status_code == 200


def test_the_eleventh_failed_try_from_an_address_in_10_minutes_is_429_in_any_conversation(client):
    _shipped_order()
    first, second, third = _start(client), _start(client), _start(client)
    for n in range(10):
        assert _ask(client, first if n % 2 else second, "WS-1001", f"{n:04d}").status_code == 404
    _assert_429(_ask(client, third, "WS-1001", LAST4))
    assert _ask(client, third, "WS-1001", LAST4, address="10.9.9.9").status_code == 200


def test_successful_looks_and_malformed_ones_do_not_count_as_failures(client):
    _shipped_order()
    token = _start(client)
    for _ in range(12):
        assert _ask(client, token, "WS-1001", LAST4).status_code == 200
        assert _ask(client, token, "WS-1001", "12").status_code == 422
    for n in range(10):
        assert _ask(client, token, "WS-1001", f"{n:04d}").status_code == 404
    _assert_429(_ask(client, token, "WS-1001", "0042"))


def test_requests_without_a_valid_token_do_not_count_against_a_conversation(client):
    _shipped_order()
    for _ in range(12):
        assert _ask(client, "not-a-token", "WS-1001", "0000", address="10.0.4.1").status_code == 401
    assert _ask(client, _start(client), "WS-1001", LAST4).status_code == 200
