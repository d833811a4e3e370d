"""Orders in any currency and to any country, through the order API and both platforms' webhooks (issue 19): the
amounts exact in the currency's own decimals, the address as the platform sends it, on both databases."""
import copy
from decimal import Decimal

import pytest

from ..builders import make_token
from ..webhook_builders import SECRETS, fixture_bytes, order, post_shopify, post_woocommerce

USD_ORDER = {
    "status": "paid", "placed_at": "2026-03-04T09:00:00-05:00", "paid_at": "2026-03-04T09:05:00-05:00",
    "customer": {"external_id": "buyer-us", "name": "Jane Roe", "phone": "(212) 555-0123", "email": "jane@example.com"},
    "shipping_address": {"recipient": "Jane Roe", "phone": "212-555-0123", "country": "US", "province": "NY",
                         "city": "New York", "detail": "350 Fifth Avenue", "address_line2": "Suite 3400",
                         "postal_code": "10118"},
    "items": [{"sku": "SCARF", "title": "Wool scarf", "quantity": 2, "unit_price": "24.50"}],
    "shipping_fee": "12.00", "discount": "1.5", "total": "59.50", "currency": "USD",
}
JPY_ORDER = {
    **USD_ORDER,
    "customer": {"external_id": "buyer-jp", "name": "山田太郎", "phone": "", "email": ""},
    "shipping_address": {"recipient": "山田太郎", "phone": "03-1234-5678", "country": "JP", "province": "東京都",
                         "city": "千代田区", "detail": "千代田1-1", "postal_code": "100-0001"},
    "items": [{"sku": "SCARF", "title": "Wool scarf", "quantity": 2, "unit_price": "2400"}],
    "shipping_fee": "1200.00", "discount": "0", "total": "6000", "currency": "JPY",
}


@pytest.fixture
def app_config():
    return dict(SECRETS)


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}

    class Api:
        def put(self, order_no, body):
            return client.put(f"/api/v1/orders/{order_no}", json=body, headers=headers)

        def get(self, order_no):
            return client.get(f"/api/v1/orders/{order_no}", headers=headers).get_json()

    return Api()


def changed(base: dict, **changes) -> dict:
    data = copy.deepcopy(base)
    data.update(changes)
    return data


def test_an_order_in_dollars_to_new_york_is_stored_and_answered_in_dollars(api):
    assert api.put("US-1", USD_ORDER).status_code == 201

    body = api.get("US-1")
    assert (body["currency"], body["total"], body["discount"], body["items_total"], body["items"][0]["unit_price"]) == (
        "USD", "59.50", "1.50", "49.00", "24.50")
    assert body["shipping_address"] == {"recipient": "Jane Roe", "phone": "+12125550123", "country": "US", "province": "NY",
                                        "city": "New York", "district": "", "detail": "350 Fifth Avenue",
                                        "address_line2": "Suite 3400", "postal_code": "10118"}
    assert body["phone_valid"] is True and body["customer"]["phone"] == "+12125550123"


def test_an_order_in_yen_has_no_decimals_and_its_tokyo_phone_is_read_as_japanese(api):
    assert api.put("JP-1", JPY_ORDER).status_code == 201

    body = api.get("JP-1")
    assert (body["currency"], body["total"], body["shipping_fee"], body["discount"], body["items"][0]["unit_price"]) == (
        "JPY", "6000", "1200", "0", "2400")
    assert body["shipping_address"]["phone"] == "+81312345678" and body["phone_valid"] is True
    assert order("JP-1").total == Decimal("6000")


@pytest.mark.parametrize(("changes", "field", "reason"), [
    ({"total": "6000.50"}, "total", "JPY has no decimals"),
    ({"shipping_fee": "1200.5", "total": "6000.5"}, "shipping_fee", "JPY has no decimals"),
    ({"currency": "jpy"}, "currency", "must be an ISO 4217 currency code in capitals, such as CNY, USD or JPY"),
    ({"currency": "XAU"}, "currency", "XAU is not a currency orders are accepted in"),
])
def test_an_amount_or_currency_that_does_not_fit_is_a_field_error_naming_the_currency(api, changes, field, reason):
    response = api.put("JP-1", changed(JPY_ORDER, **changes))

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field] == reason
    assert order("JP-1") is None


def test_the_third_decimal_is_refused_for_dollars_and_kept_for_dinars(api):
    dollars = changed(USD_ORDER, total="59.505")
    assert api.put("US-1", dollars).get_json()["error"]["fields"] == {"total": "USD has at most 2 decimals"}

    dinars = changed(USD_ORDER, currency="KWD", items=[{"sku": "S", "title": "Scarf", "quantity": 2, "unit_price": "7.125"}],
                     shipping_fee="1.000", discount="0", total="15.250")
    assert api.put("KW-1", dinars).status_code == 201
    assert (api.get("KW-1")["total"], order("KW-1").items[0].unit_price) == ("15.250", Decimal("7.125"))


def test_the_error_is_in_the_readers_language(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}", "Accept-Language": "zh-CN"}
    response = client.put("/api/v1/orders/JP-1", json=changed(JPY_ORDER, total="6000.50"), headers=headers)
    assert "JPY" in response.get_json()["error"]["fields"]["total"]
    assert response.get_json()["error"]["fields"]["total"] == "JPY 不能有小数"


def test_an_orders_currency_does_not_change_once_taken(api):
    api.put("US-1", USD_ORDER)

    response = api.put("US-1", changed(USD_ORDER, currency="CAD"))

    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"currency": "must stay USD"}
    assert order("US-1").currency == "USD"


def test_a_chinese_address_still_needs_its_province_and_one_abroad_does_not(api):
    domestic = changed(USD_ORDER, currency="CNY")
    domestic["shipping_address"] = {**USD_ORDER["shipping_address"], "country": "CN", "province": ""}
    assert api.put("CN-1", domestic).get_json()["error"]["fields"] == {"shipping_address.province": "is required"}

    singapore = changed(USD_ORDER, currency="SGD")
    singapore["shipping_address"] = {**USD_ORDER["shipping_address"], "country": "SG", "province": "", "postal_code": "018956"}
    assert api.put("SG-1", singapore).status_code == 201

    unknown = changed(USD_ORDER)
    unknown["shipping_address"] = {**USD_ORDER["shipping_address"], "country": "XX"}
    assert api.put("XX-1", unknown).get_json()["error"]["fields"] == {"shipping_address.country": "XX is not a country code"}


def test_an_order_without_a_country_or_currency_is_a_chinese_one_in_yuan_as_before(api):
    data = changed(USD_ORDER, total="59.50")
    del data["currency"]
    data["shipping_address"] = {k: v for k, v in USD_ORDER["shipping_address"].items() if k != "country"}
    assert api.put("CN-2", data).status_code == 201
    body = api.get("CN-2")
    assert (body["currency"], body["shipping_address"]["country"]) == ("CNY", "CN")


def test_a_real_shopify_order_in_australian_dollars_is_taken_as_it_came(client):
    response = post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_paid_aud"), "wh-aud")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order("SHOPIFY-1030")
    assert (found.status, found.currency, found.total, found.shipping_fee, found.discount) == (
        "paid", "AUD", Decimal("59.45"), Decimal("10.00"), Decimal("0.00"))
    assert [(i.sku, i.quantity, i.unit_price) for i in found.items] == [
        ("shopify-variant-37319198802069", 1, Decimal("44.95")), ("TAX", 1, Decimal("4.50"))]
    assert (found.recipient, found.country, found.province, found.city, found.detail, found.postal_code) == (
        "Ryan Waldon", "AU", "Australian Capital Territory", "Canberra", "306 / 39 London Circuit", "2601")


def test_a_woocommerce_order_in_yen_to_tokyo_is_taken_in_whole_yen(client):
    response = post_woocommerce(client, "order.created", fixture_bytes("woocommerce", "order_created_jpy"), "d-jpy")

    assert response.status_code == 200 and response.get_json() == {"outcome": "created"}
    found = order("WOO-727")
    assert (found.currency, found.total, found.shipping_fee) == ("JPY", Decimal("2935"), Decimal("1000"))
    assert [(i.quantity, i.unit_price) for i in found.items] == [(2, Decimal("300")), (1, Decimal("1200")), (1, Decimal("135"))]
    assert (found.country, found.province, found.city, found.postal_code, found.phone, found.phone_valid) == (
        "JP", "JP13", "Chiyoda-ku", "100-0001", "+81312345678", True)


def test_a_shopify_refund_in_another_currency_than_its_orders_is_refused(client):
    post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_paid_aud"), "wh-aud")
    refund = ('{"id": 5, "order_id": 2998557704341, "note": "", "transactions": [{"kind": "refund", "status": "success", '
              '"amount": "10.00", "currency": "USD"}]}').encode()

    response = post_shopify(client, "refunds/create", refund, "wh-r")

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"currency": "must be AUD, the order's currency"}
    assert order("SHOPIFY-1030").refunds == []
