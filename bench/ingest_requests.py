"""The ingest requests of the benches: order API bodies and signed Shopify deliveries, as the platforms send them.

A shop's festival midnight: new orders, most from new buyers and some from repeat buyers (`customers` of them),
then each order paid. Through the order API that is `PUT /api/v1/orders/<no>` twice (unpaid, then paid); through
Shopify it is an orders/create delivery, then an orders/paid one. Bodies are built before anything is timed.
"""
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOPIFY_FIXTURES = os.path.join(ROOT, "tests", "fixtures", "shopify")  # Shopify's published example payloads
SHOPIFY_SECRET = "bench-shopify-secret"
MIDNIGHT = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 11.11 00:00 in Shanghai
KINDS = ("api_new", "api_paid", "shopify_create", "shopify_paid")


@dataclass(frozen=True)
class Call:
    """One HTTP request: what the client sends."""

    method: str
    path: str
    body: bytes
    headers: dict


def _placed(number: int) -> datetime:
    return MIDNIGHT + timedelta(milliseconds=40 * number)


def order_body(number: int, customers: int, paid: bool) -> dict:
    placed = _placed(number)
    return {
        "status": "paid" if paid else "unpaid", "placed_at": placed.isoformat(),
        "paid_at": (placed + timedelta(seconds=50)).isoformat() if paid else None,
        "customer": {"external_id": f"buyer-{number % customers}", "name": "王小明", "phone": "13812345678",
                     "email": "wang@example.com"},
        "shipping_address": {"recipient": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                             "district": "西湖区", "detail": "文三路 100 号"},
        "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 1, "unit_price": "100.00"},
                  {"sku": "SKU-2", "title": "手套", "quantity": 2, "unit_price": "35.50"}],
        "shipping_fee": "10.00", "discount": "5.00", "total": "176.00",
    }


def api_call(number: int, customers: int, paid: bool, token: str) -> Call:
    body = json.dumps(order_body(number, customers, paid), ensure_ascii=False).encode()
    return Call("PUT", f"/api/v1/orders/BENCH-{number:08d}", body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def _shopify_fixture(name: str) -> dict:
    with open(os.path.join(SHOPIFY_FIXTURES, f"{name}.json"), "rb") as handle:
        return json.load(handle)


_CREATE, _PAID = _shopify_fixture("orders_create"), _shopify_fixture("orders_paid")


def shopify_call(number: int, customers: int, paid: bool, offset: int = 0) -> Call:
    """An orders/create (or orders/paid) delivery for Shopify order `number`, signed with SHOPIFY_SECRET. `offset`
    keeps the numbers of two runs on one database apart."""
    from shopcs.webhooks.verification import signature

    number += offset
    data = json.loads(json.dumps(_PAID if paid else _CREATE))
    placed = _placed(number)
    data.update(id=9_000_000_000 + number, order_number=100_000 + number, name=f"#{100_000 + number}",
                created_at=placed.isoformat(), updated_at=(placed + timedelta(seconds=50 if paid else 0)).isoformat())
    data["customer"] = {**data["customer"], "id": 7_000_000 + number % customers}
    body = json.dumps(data).encode()
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/paid" if paid else "orders/create",
               "X-Shopify-Webhook-Id": f"bench-{'paid' if paid else 'create'}-{number}",
               "X-Shopify-Shop-Domain": "bench.myshopify.com", "X-Shopify-API-Version": "2025-01",
               "X-Shopify-Hmac-Sha256": signature(SHOPIFY_SECRET, body)}
    return Call("POST", "/webhooks/shopify", body, headers)


def calls(kind: str, numbers: range, customers: int, token: str) -> list[Call]:
    """The requests of one kind for these order numbers (api_paid and shopify_paid update the orders that
    api_new and shopify_create made with the same numbers)."""
    if kind.startswith("api_"):
        return [api_call(n, customers, kind == "api_paid", token) for n in numbers]
    return [shopify_call(n, customers, kind == "shopify_paid") for n in numbers]
