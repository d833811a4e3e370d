"""Malformed, wrong-typed, oversized and hostile input: always a 4xx with the error body, never a changed database."""
import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shopcs.extensions import db

from ..builders import make_order, make_token
from .test_order_api import PAYLOAD

SQL = "'; DROP TABLE orders; --"
HTML = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def row_counts() -> dict:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables}


def set_in(data, path: str, value):
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


def with_(path: str, value):
    return set_in(copy.deepcopy(PAYLOAD), path, value)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


HOSTILE_BODIES = {
    "not json": "{status: paid",
    "truncated json": json.dumps(PAYLOAD)[:-5],
    "a json list": json.dumps([PAYLOAD]),
    "a json string": json.dumps("paid"),
    "null": "null",
    "deeply nested junk": deep(100_000),
    "nested junk in a field": json.dumps(with_("customer", {"a": [[[[[[{"b": [[[]]]}]]]]]]})),
    "unknown status": json.dumps(with_("status", "refunded")),
    "status as a list": json.dumps(with_("status", ["paid"])),
    "negative money": json.dumps(with_("shipping_fee", "-10.00")),
    "three decimals": json.dumps(with_("items.0.unit_price", "49.505")),
    "float money": json.dumps(with_("total", 124.0)),
    "NaN money": '{"total": NaN}',
    "exponent money": json.dumps(with_("total", "1.24e2")),
    "huge money": json.dumps(with_("total", 10**30)),
    "huge quantity": json.dumps(with_("items.0.quantity", 10**30)),
    "boolean quantity": json.dumps(with_("items.0.quantity", True)),
    "items as an object": json.dumps(with_("items", {"sku": "x"})),
    "customer as a list": json.dumps(with_("customer", ["buyer-1"])),
    "address as a string": json.dumps(with_("shipping_address", "somewhere")),
    "item as a string": json.dumps(with_("items.0", "SKU-1")),
    "naive time": json.dumps(with_("placed_at", "2026-03-04T09:00:00")),
    "time out of range": json.dumps(with_("placed_at", "0001-01-01T00:00:00+08:00")),
    "time as a number": json.dumps(with_("placed_at", 1772600000)),
    "overlong recipient": json.dumps(with_("shipping_address.recipient", "x" * 101)),
    "overlong sku": json.dumps(with_("items.0.sku", "x" * 65)),
    "NUL in a name": json.dumps(with_("customer.name", "a\x00b")),
    "lone surrogate": json.dumps(with_("shipping_address.detail", "\ud800")),
    "no items": json.dumps(with_("items", [])),
}


@pytest.fixture
def auth():
    return {"Authorization": f"Bearer {make_token('shop')}"}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_body_is_answered_4xx_and_changes_nothing(app, client, auth, name):
    make_order("T1", total="100.00")
    before = row_counts()
    for order_no in ("T1", "T2"):
        response = client.put(f"/api/v1/orders/{order_no}", data=HOSTILE_BODIES[name], headers=auth,
                              content_type="application/json")
        assert 400 <= response.status_code < 500, (name, response.status_code)
        assert set(response.json["error"]) == {"code", "message", "fields"}
    assert row_counts() == before


def test_a_ten_megabyte_body_is_413(app, client, auth):
    make_order("T9", total="100.00")
    before = row_counts()
    body = json.dumps(with_("shipping_address.detail", "x" * 10 * 1024 * 1024))
    response = client.put("/api/v1/orders/T1", data=body, headers=auth, content_type="application/json")
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    refund = client.post("/api/v1/orders/T9/refunds", data=body, headers=auth, content_type="application/json")
    assert refund.status_code == 413
    assert row_counts() == before


def test_a_body_that_is_not_json_or_not_utf8_is_400(app, client, auth):
    response = client.put("/api/v1/orders/T1", data="status=paid", headers=auth,
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    latin = client.put("/api/v1/orders/T1", data=b'{"status": "\xff"}', headers=auth, content_type="application/json")
    assert latin.status_code == 400 and row_counts()["orders"] == 0


def test_sql_and_html_in_fields_are_stored_verbatim_and_never_run(app, client, auth):
    data = with_("shipping_address.detail", HTML)
    data["customer"]["name"] = SQL
    data["items"][0]["title"] = SQL + HTML
    assert client.put("/api/v1/orders/T1", json=data, headers=auth).status_code == 201
    body = client.get("/api/v1/orders/T1", headers=auth).json
    assert body["shipping_address"]["detail"] == HTML and body["customer"]["name"] == SQL
    assert body["items"][0]["title"] == SQL + HTML
    assert row_counts()["orders"] == 1


@pytest.mark.parametrize("order_no", ["%00", "x" * 65, "%20T1", "a%27%3B--"])
def test_odd_order_numbers_in_the_url_never_break_the_server(app, client, auth, order_no):
    before = row_counts()
    assert client.put(f"/api/v1/orders/{order_no}", json=PAYLOAD, headers=auth).status_code in (201, 404, 422)
    assert client.get(f"/api/v1/orders/{order_no}", headers=auth).status_code in (200, 404)
    assert client.post(f"/api/v1/orders/{order_no}/refunds", json={}, headers=auth).status_code in (404, 409, 422)
    if order_no != "a%27%3B--":
        assert row_counts() == before


@pytest.mark.parametrize("url", ["/api/v1/orders/T1/refunds", "/api/v1/refunds/1/approve", "/api/v1/refunds/1/reject",
                                 "/api/v1/refunds/1/complete"])
@pytest.mark.parametrize("body", ["{oops", deep(50_000), '{"amount": NaN, "reason": "size"}', '[1, 2]',
                                  '{"note": {"a": 1}, "completed_at": [1], "amount": "-1", "reason": 5}'])
def test_hostile_refund_bodies_are_4xx_and_change_nothing(app, client, auth, url, body):
    make_order("T1", total="100.00")
    before = row_counts()
    response = client.post(url, data=body, headers=auth, content_type="application/json")
    assert 400 <= response.status_code < 500 and "error" in response.json
    assert row_counts() == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
FIELDS = ["status", "placed_at", "paid_at", "customer", "customer.phone", "shipping_address", "shipping_address.city",
          "items", "items.0", "items.0.quantity", "items.0.unit_price", "shipping_fee", "discount", "total", "currency"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, min_size=1, max_size=4))
def test_random_json_values_in_any_field_never_cause_a_500(app, changes):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_token()}"}
    data = copy.deepcopy(PAYLOAD)
    for path, value in changes.items():
        try:
            set_in(data, path, value)
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # an earlier change replaced the parent with something else
    response = client.put("/api/v1/orders/F1", json=data, headers=headers)
    assert response.status_code in (200, 201, 409, 422), response.get_data(as_text=True)



@pytest.mark.parametrize("url", ["/api/v1/orders?page=²", "/api/v1/outbox?per_page=²", "/api/v1/orders?page=-1",
                                 "/api/v1/outbox?customer=%00", "/api/v1/reports/concerns?start=0001-01-01&end=0001-01-02"])
def test_odd_query_parameters_are_422_not_a_server_error(app, client, auth, url):
    """'²'.isdigit() is true but int('²') fails; PostgreSQL refuses NUL; year 1 has no UTC midnight: all were 500s."""
    response = client.get(url, headers=auth)
    assert response.status_code == 422 and response.json["error"]["code"] == "validation_error"


def test_an_opt_out_for_a_customer_id_with_nul_is_404(app, client, auth):
    response = client.post("/api/v1/customers/a%00b/opt-out", headers=auth)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
