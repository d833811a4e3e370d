"""POST /api/v1/cases and GET /api/v1/cases/<id> on SQLite and PostgreSQL: answers, errors, nothing half-written."""
import pytest

from ..builders import make_order, make_token
from ..case_builders import escalations, row_counts

BUYER = {"external_id": "buyer-9", "name": "王五", "phone": "13812345678", "email": "w@example.com"}
CASE = {"category": "tracking", "channel": "chat", "customer": BUYER, "subject": "快递到哪了",
        "body": "您好，我的包裹三天没动了", "received_at": "2026-03-04T10:00:00+08:00"}


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}

    class Api:
        post = staticmethod(lambda url, body: client.post(url, json=body, headers=headers))
        get = staticmethod(lambda url: client.get(url, headers=headers))
        raw = staticmethod(lambda url, data: client.post(url, data=data, headers={**headers,
                                                                                   "Content-Type": "application/json"}))
    return Api


def test_a_case_is_opened_through_the_api_with_its_due_time_and_location(api):
    created = api.post("/api/v1/cases", CASE)
    assert created.status_code == 201
    case = created.json
    assert created.headers["Location"].endswith(f"/api/v1/cases/{case['id']}")
    assert case["status"] == "new" and case["severity"] == "normal" and case["customer"] == "buyer-9"
    assert case["received_at"] == "2026-03-04T02:00:00+00:00"
    assert case["first_response_due_at"] == "2026-03-04T02:05:00+00:00"  # chat: 5 minutes in business hours
    shown = api.get(created.headers["Location"])
    assert shown.status_code == 200 and shown.json["id"] == case["id"]
    assert [(e["kind"], e["body"]) for e in shown.json["events"]] == [("customer_message", CASE["body"])]


def test_a_case_about_an_order_is_linked_to_it_and_its_customer(api):
    order = make_order("T100")
    case = api.post("/api/v1/cases", {**CASE, "customer": None, "order_no": "T100", "channel": "phone"}).json
    assert case["order_no"] == "T100" and case["customer"] == order.customer.external_id
    assert case["first_response_due_at"] == "2026-03-04T02:03:00+00:00"  # phone: 3 minutes


def test_html_in_the_message_comes_back_as_it_was_sent(api):
    body = '<img src=x onerror="alert(1)">我要投诉'
    case = api.post("/api/v1/cases", {**CASE, "body": body}).json
    assert api.get(f"/api/v1/cases/{case['id']}").json["events"][0]["body"] == body


def test_a_serious_complaint_through_the_api_is_escalated_at_once(api):
    case = api.post("/api/v1/cases", {**CASE, "category": "complaint", "severity": "critical"}).json
    assert case["escalation_reason"] == "complaint" and case["escalated_at"] is not None
    assert len(escalations()) == 1


@pytest.mark.parametrize("change, status, field", [
    ({"category": "gossip"}, 422, "category"),
    ({"channel": "fax"}, 422, "channel"),
    ({"severity": "extreme"}, 422, "severity"),
    ({"customer": None}, 422, "customer"),
    ({"customer": {"name": "no id"}}, 422, "customer.external_id"),
    ({"customer": None, "order_no": "NOPE"}, 404, "order_no"),
    ({"received_at": "2026-03-04T10:00:00"}, 422, "received_at"),
    ({"received_at": "2099-01-01T10:00:00+08:00"}, 422, "received_at"),
    ({"received_at": "yesterday"}, 422, "received_at"),
    ({"body": "长" * 5001}, 422, "body"),
    ({"body": ""}, 422, "body"),
    ({"subject": "s" * 201}, 422, "subject"),
    ({"subject": 42}, 422, "subject"),
])
def test_a_bad_case_gets_a_clear_error_and_writes_nothing(api, change, status, field):
    before = row_counts()
    response = api.post("/api/v1/cases", {**CASE, **change})
    assert response.status_code == status
    assert field in response.json["error"]["fields"] and response.json["error"]["message"]
    assert row_counts() == before


def test_unparsable_json_is_400_a_missing_token_401_and_an_unknown_case_404(api, client):
    assert api.raw("/api/v1/cases", "{not json").status_code == 400
    assert api.post("/api/v1/cases", ["a list"]).status_code == 422
    no_token = client.post("/api/v1/cases", json=CASE)
    assert no_token.status_code == 401 and no_token.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/cases/1").status_code == 401
    missing = api.get("/api/v1/cases/999999")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert api.get("/api/v1/cases/99999999999").status_code == 404
    assert row_counts()["Case"] == 0


def test_a_body_above_one_mebibyte_is_413_and_writes_nothing(api):
    before = row_counts()
    response = api.post("/api/v1/cases", {**CASE, "body": "x" * (1024 * 1024)})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert row_counts() == before
