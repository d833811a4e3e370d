"""The webhook rules without an app: signatures, status mapping, and the platform JSON as order payloads."""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from shopcs.errors import Invalid
from shopcs.webhooks import shopify, woocommerce
from shopcs.webhooks.verification import is_signed, signature

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(platform, name, **changes):
    data = json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_the_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id":820982911946154508}'
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert signature("secret", body) == expected
    assert is_signed("secret", body, expected)
    assert is_signed("secret", body, f" {expected} ")


@pytest.mark.parametrize("secret, body, header", [
    ("secret", b"{}", None), ("secret", b"{}", ""), ("", b"{}", signature("", b"{}")),
    ("secret", b"{} ", signature("secret", b"{}")), ("secret", b"{}", signature("other", b"{}")),
    ("secret", b"{}", "not base64 at all \u00e9"),
])
def test_anything_but_the_matching_signature_of_a_configured_secret_is_refused(secret, body, header):
    assert not is_signed(secret, body, header)


@pytest.mark.parametrize("financial, fulfillment, cancelled_at, delivered, ours", [
    ("pending", None, None, False, "unpaid"),
    ("authorized", None, None, False, "unpaid"),
    ("partially_paid", None, None, False, "unpaid"),
    ("paid", None, None, False, "paid"),
    ("paid", "partial", None, False, "paid"),
    ("paid", "fulfilled", None, False, "shipped"),
    ("paid", "fulfilled", None, True, "completed"),
    ("partially_refunded", "fulfilled", None, False, "shipped"),
    ("refunded", None, None, False, "closed"),
    ("refunded", "fulfilled", "2021-12-31T19:00:00-05:00", False, "closed"),
    ("voided", None, None, False, "cancelled"),
    ("voided", None, "2021-12-31T19:00:00-05:00", False, "cancelled"),
    ("pending", None, "2021-12-31T19:00:00-05:00", False, "cancelled"),
    ("paid", None, "2021-12-31T19:00:00-05:00", False, "closed"),
])
def test_shopify_statuses_map_onto_ours(financial, fulfillment, cancelled_at, delivered, ours):
    assert shopify.shopify_status(financial, fulfillment, cancelled_at, delivered) == ours


def test_an_unknown_shopify_financial_status_is_invalid():
    with pytest.raises(Invalid) as caught:
        shopify.shopify_status("on_a_boat", None, None)
    assert "financial_status" in caught.value.fields


@pytest.mark.parametrize("status, paid, ours", [
    ("pending", False, "unpaid"), ("on-hold", False, "unpaid"), ("failed", False, "unpaid"),
    ("processing", True, "paid"), ("completed", True, "completed"), ("cancelled", False, "cancelled"),
    ("cancelled", True, "closed"), ("refunded", True, "closed"),
])
def test_woocommerce_statuses_map_onto_ours(status, paid, ours):
    assert woocommerce.woocommerce_status(status, paid) == ours


def test_an_unknown_woocommerce_status_is_invalid():
    with pytest.raises(Invalid) as caught:
        woocommerce.woocommerce_status("trash", False)
    assert "status" in caught.value.fields


def test_order_numbers_and_buyers_carry_the_platform_prefix():
    assert shopify.order_no(load("shopify", "orders_create")) == "SHOPIFY-1234"
    assert woocommerce.order_no(load("woocommerce", "order_created")) == "WOO-727"
    assert shopify.order_payload(load("shopify", "orders_create"))["customer"]["external_id"] == "shopify-115310627314723954"
    guest = shopify.order_payload(load("shopify", "orders_create", customer=None))
    assert guest["customer"]["external_id"] == "shopify-guest-820982911946154508"


def test_a_shopify_line_without_sku_is_named_by_its_variant_or_line():
    order = load("shopify", "orders_create")
    order["line_items"][0].update(sku="", variant_id=447654529)
    order["line_items"][1].update(sku=None, variant_id=None)
    skus = [i["sku"] for i in shopify.order_payload(order)["items"]]
    assert skus == ["shopify-variant-447654529", "shopify-line-976318377106520349", "SKU2006-035"]


def test_shopify_tax_added_on_top_becomes_a_line_and_included_tax_does_not():
    on_top = shopify.order_payload(load("shopify", "orders_create", total_tax="12.00", taxes_included=False))
    included = shopify.order_payload(load("shopify", "orders_create", total_tax="12.00", taxes_included=True))
    assert on_top["items"][-1] == {"sku": "TAX", "title": "Tax", "quantity": 1, "unit_price": "12.00"}
    assert [i["sku"] for i in included["items"]] == ["SKU2006-001", "SKU2006-020", "SKU2006-035"]


def test_a_known_shopify_payment_time_is_kept():
    known = datetime(2022, 1, 1, 0, 5, tzinfo=timezone.utc)
    assert shopify.order_payload(load("shopify", "orders_updated"), known)["paid_at"] == known.isoformat()
    assert shopify.order_payload(load("shopify", "orders_updated"))["paid_at"] == "2022-01-02T10:00:00-05:00"
    assert shopify.order_payload(load("shopify", "orders_create"), known)["paid_at"] is None


def test_a_shopify_order_is_completed_once_every_shipment_is_delivered():
    order = load("shopify", "orders_updated", fulfillments=[{"shipment_status": "delivered"}])
    assert shopify.order_payload(order)["status"] == "completed"
    order["fulfillments"].append({"shipment_status": "in_transit"})
    assert shopify.order_payload(order)["status"] == "shipped"


def test_the_refund_amount_is_the_sum_of_its_successful_refund_transactions():
    refund = load("shopify", "refunds_create", transactions=[
        {"kind": "refund", "status": "success", "amount": "10.00", "currency": "CNY"},
        {"kind": "refund", "status": "failure", "amount": "99.00", "currency": "CNY"},
        {"kind": "refund", "status": "success", "amount": "5.50", "currency": "CNY"}])
    facts = shopify.refund_facts(refund)
    assert (facts.refund_id, facts.order_id, facts.amount) == ("890088186047892319", "820982911946154508", Decimal("15.50"))


@pytest.mark.parametrize("changes, field", [
    ({"transactions": [{"kind": "refund", "status": "success", "amount": "1.00", "currency": "USD"},
                       {"kind": "refund", "status": "success", "amount": "1.00", "currency": "CNY"}]},
     "transactions.1.currency"),
    ({"transactions": [{"kind": "refund", "status": "success", "amount": 1.5}]}, "transactions.0.amount"),
    ({"order_id": None}, "order_id"),
])
def test_an_unreadable_refund_is_invalid(changes, field):
    with pytest.raises(Invalid) as caught:
        shopify.refund_facts(load("shopify", "refunds_create", **changes))
    assert field in caught.value.fields


def test_woocommerce_times_without_offset_are_utc():
    assert woocommerce.utc_text("2017-03-22T19:28:02") == "2017-03-22T19:28:02+00:00"
    assert woocommerce.utc_text("2017-03-22T19:28:02Z") == "2017-03-22T19:28:02Z"
    assert woocommerce.utc_text("2017-03-22T19:28:02-03:00") == "2017-03-22T19:28:02-03:00"
    assert woocommerce.utc_text(None) is None


def test_a_woocommerce_order_without_shipping_address_is_reached_at_the_billing_address():
    order = load("woocommerce", "order_created", shipping={"first_name": "", "address_1": ""})
    address = woocommerce.order_payload(order)["shipping_address"]
    assert (address["recipient"], address["detail"], address["phone"]) == ("John Doe", "969 Market", "(555) 555-5555")


def test_woocommerce_fees_are_lines_and_an_unpaid_order_has_no_payment_time():
    order = load("woocommerce", "order_created", status="on-hold", fee_lines=[{"id": 9, "name": "Gift &amp; wrap", "total": "2.00"}])
    payload = woocommerce.order_payload(order)
    assert payload["items"][2] == {"sku": "woocommerce-fee-9", "title": "Gift & wrap", "quantity": 1, "unit_price": "2.00"}
    assert (payload["status"], payload["paid_at"]) == ("unpaid", None)
