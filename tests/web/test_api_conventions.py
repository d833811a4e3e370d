"""API points every endpoint shares: a 405 names the allowed methods (RFC 9110) with the error body, and an empty
query value means the same as leaving the parameter out, as the description says of each query parameter."""
import pytest

from ..builders import make_order, make_token


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/openapi.json"])
def test_an_api_405_carries_allow_and_the_method_not_allowed_code(sqlite_app, path):
    response = sqlite_app.test_client().delete(path)
    assert response.status_code == 405
    assert "GET" in {m.strip() for m in response.headers["Allow"].split(",")}
    assert "DELETE" not in response.headers["Allow"]
    assert response.is_json and response.json["error"]["code"] == "method_not_allowed"
    assert response.json["error"]["message"] and response.json["error"]["fields"] == {}


def test_a_webhook_405_carries_allow_and_the_error_body(sqlite_app):
    response = sqlite_app.test_client().get("/webhooks/shopify")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"POST", "OPTIONS"}
    assert response.json["error"]["code"] == "method_not_allowed"


def test_a_page_405_is_an_html_page_with_allow(sqlite_app):
    response = sqlite_app.test_client().put("/login")
    assert response.status_code == 405
    assert response.content_type.startswith("text/html") and "POST" in response.headers["Allow"]


def test_the_description_lists_method_not_allowed_among_the_error_codes(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").json
    assert "method_not_allowed" in document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]


@pytest.mark.parametrize("query", ["status=", "updated_since=", "status=&updated_since=&page=&per_page="])
def test_an_empty_order_filter_is_no_filter(sqlite_app, query):
    token = make_token()
    make_order("E1", status="paid")
    make_order("E2", status="unpaid")
    client = sqlite_app.test_client()
    plain = client.get("/api/v1/orders", headers=_auth(token)).json
    empty = client.get(f"/api/v1/orders?{query}", headers=_auth(token))
    assert empty.status_code == 200 and empty.json == plain and empty.json["total"] == 2


@pytest.mark.parametrize("query", ["kind=", "status=", "order_no=", "customer=", "kind=&status=&order_no=&customer="])
def test_an_empty_outbox_filter_is_no_filter(sqlite_app, query):
    token = make_token()
    client = sqlite_app.test_client()
    plain = client.get("/api/v1/outbox", headers=_auth(token)).json
    empty = client.get(f"/api/v1/outbox?{query}", headers=_auth(token))
    assert empty.status_code == 200 and empty.json == plain


def test_an_empty_report_breakdown_takes_its_default_and_an_empty_required_day_is_missing(sqlite_app):
    token, client = make_token(), sqlite_app.test_client()
    by_day = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-03&by=day", headers=_auth(token)).json
    empty = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-03&by=", headers=_auth(token))
    assert empty.status_code == 200 and empty.json == by_day
    missing = client.get("/api/v1/reports/refund-rate?start=&end=2026-03-03", headers=_auth(token))
    assert missing.status_code == 422 and missing.json["error"]["fields"] == {"start": "is required"}


def test_every_query_parameter_says_what_an_empty_value_means(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").json
    described = [(path, p) for path, methods in document["paths"].items() for op in methods.values()
                 for p in op["parameters"] if p["in"] == "query"]
    assert described
    for path, parameter in described:
        assert f"empty (?{parameter['name']}=)" in parameter["description"].lower(), (path, parameter)
    status = next(p for p in document["paths"]["/api/v1/orders"]["get"]["parameters"] if p["name"] == "status")
    assert status["description"].endswith("Empty (?status=) or left out: no filter.")
