"""/api/v1/openapi.json: valid OpenAPI 3.1, every /api/v1/ rule in it, and real answers matching what it says."""
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from openapi_spec_validator import validate

from shopcs.apischema.document import api_rules, openapi_path, public, undescribed
from shopcs.cases.api import CASE_BODY
from shopcs.orders.refund_schemas import REFUND_BODY
from shopcs.orders.schemas import ORDER_BODY

from ..builders import make_order, make_token
from .test_case_api import CASE
from .test_order_api import PAYLOAD
from .test_refund_rate_report import mixed_march


@pytest.fixture
def document(sqlite_app):
    response = sqlite_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.json


def test_the_description_is_public_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1") and document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_rule_and_method_is_described(sqlite_app, document):
    assert undescribed(sqlite_app) == []
    for rule in api_rules(sqlite_app):
        path, _params = openapi_path(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"].get(path, {}), f"{method} {rule.rule} is not in openapi.json"
    assert len(api_rules(sqlite_app)) >= 16


def test_a_new_api_rule_without_a_description_is_caught(sqlite_app):
    sqlite_app.add_url_rule("/api/v1/secret", "secret", lambda: "")
    assert undescribed(sqlite_app) == ["/api/v1/secret"]


def test_the_description_is_english_whatever_the_reader_asks_for(sqlite_app, document):
    chinese = sqlite_app.test_client().get("/api/v1/openapi.json", headers={"Accept-Language": "zh-CN"}).json
    assert chinese == document


def test_the_order_body_declares_the_validators_limits(document):
    body = document["paths"]["/api/v1/orders/{order_no}"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["customer"]["properties"]["external_id"]["maxLength"] == 100
    assert body["properties"]["items"]["maxItems"] == 500
    assert set(body["required"]) >= {"status", "placed_at", "items", "total"}
    assert "x-parse" not in str(document) and "x-message" not in str(document)


def test_the_described_bodies_are_the_declarations_the_views_check_with(sqlite_app, document):
    def body(path, method):
        return document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]

    with sqlite_app.test_request_context(headers={"Accept-Language": "en"}):
        assert body("/api/v1/orders/{order_no}", "put") == public(ORDER_BODY)
        assert body("/api/v1/orders/{order_no}/refunds", "post") == public(REFUND_BODY)
        assert body("/api/v1/cases", "post") == public(CASE_BODY)


def _response_schema(document, path, method, status):
    schema = document["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _conforms(document, path, method, response):
    assert str(response.status_code) in document["paths"][path][method]["responses"], (path, response.status_code)
    jsonschema.validate(response.json, _response_schema(document, path, method, response.status_code),
                        format_checker=jsonschema.FormatChecker())


def test_real_answers_match_their_described_schemas(sqlite_app, document):
    client, headers = sqlite_app.test_client(), {"Authorization": f"Bearer {make_token('shop')}"}
    make_order("T1", total="100.00")
    calls = [
        ("/api/v1/orders/{order_no}", "put", client.put("/api/v1/orders/T2", json=PAYLOAD, headers=headers)),
        ("/api/v1/orders/{order_no}", "get", client.get("/api/v1/orders/T2", headers=headers)),
        ("/api/v1/orders/{order_no}", "get", client.get("/api/v1/orders/NOPE", headers=headers)),
        ("/api/v1/orders", "get", client.get("/api/v1/orders?status=paid", headers=headers)),
        ("/api/v1/orders", "get", client.get("/api/v1/orders?page=0", headers=headers)),
        ("/api/v1/orders/{order_no}/refunds", "post",
         client.post("/api/v1/orders/T1/refunds", json={"amount": "10.00", "reason": "size"}, headers=headers)),
        ("/api/v1/refunds/{refund_id}/approve", "post", client.post("/api/v1/refunds/1/approve", headers=headers)),
        ("/api/v1/refunds/{refund_id}/complete", "post", client.post("/api/v1/refunds/1/complete", headers=headers)),
        ("/api/v1/refunds/{refund_id}/reject", "post", client.post("/api/v1/refunds/1/reject", headers=headers)),
        ("/api/v1/cases", "post", client.post("/api/v1/cases", json=CASE, headers=headers)),
        ("/api/v1/cases/{case_id}", "get", client.get("/api/v1/cases/1", headers=headers)),
        ("/api/v1/outbox", "get", client.get("/api/v1/outbox", headers=headers)),
        ("/api/v1/customers/{external_id}/opt-out", "post", client.post("/api/v1/customers/buyer-9/opt-out", headers=headers)),
        ("/api/v1/customers/{external_id}/opt-out", "post", client.post("/api/v1/customers/nobody/opt-out", headers=headers)),
        ("/api/v1/orders", "get", client.get("/api/v1/orders")),
    ]
    for by in ("day", "product", "reason", "agent"):
        calls.append(("/api/v1/reports/refund-rate", "get",
                      client.get(f"/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by={by}", headers=headers)))
    for report in ("unpaid-recovery", "repurchase", "concerns"):
        calls.append((f"/api/v1/reports/{report}", "get",
                      client.get(f"/api/v1/reports/{report}?start=2026-03-01&end=2026-03-31", headers=headers)))
    for path, method, response in calls:
        _conforms(document, path, method, response)
    assert [r.status_code for _p, _m, r in calls][:6] == [201, 200, 404, 200, 422, 201]



def test_report_answers_with_money_in_several_currencies_match_their_described_schemas(sqlite_app, document):
    """A shop selling in CNY, USD and JPY (no decimals): each amount is a list of {currency, amount}."""
    mixed_march()
    march_10 = datetime(2026, 3, 10, 2, tzinfo=UTC)
    make_order("J1", total="1200", currency="JPY", sku="SKU-J", placed_at=march_10, paid_at=march_10 + timedelta(hours=2))
    client, headers = sqlite_app.test_client(), {"Authorization": f"Bearer {make_token('shop')}"}
    for by in ("day", "product", "reason", "agent"):
        answer = client.get(f"/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by={by}", headers=headers)
        assert [money["currency"] for money in answer.json["paid_amount"]] == ["CNY", "JPY", "USD"]
        _conforms(document, "/api/v1/reports/refund-rate", "get", answer)
    answer = client.get("/api/v1/reports/unpaid-recovery?start=2026-03-01&end=2026-03-31", headers=headers)
    assert len(answer.json["recovered_amount"]) > 1 and {"currency": "JPY", "amount": "1200"} in answer.json["recovered_amount"]
    _conforms(document, "/api/v1/reports/unpaid-recovery", "get", answer)
