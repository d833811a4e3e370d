"""Conversations through the API on SQLite and PostgreSQL: POST /api/v1/messages threads a buyer's messages into one
case per channel, counts each message once; POST /api/v1/cases/<id>/replies answers; GET /api/v1/cases lists."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shopcs.actor import Actor
from shopcs.cases.models import Case, CaseEvent
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import utcnow

from ..builders import make_order, make_token
from ..case_builders import row_counts

BUYER = {"external_id": "chat-buyer-1", "name": "李雷", "phone": "13812345678"}
MESSAGE = {"channel": "chat", "external_id": "msg-1", "customer": BUYER, "body": "你好，我的快递到哪了？\n订单刚付款"}


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('chat-system')}"}

    class Api:
        post = staticmethod(lambda url, body: client.post(url, json=body, headers=headers))
        get = staticmethod(lambda url: client.get(url, headers=headers))
    return Api


def _events(case_id):
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def test_the_first_message_opens_a_case_and_the_same_message_again_writes_nothing(api):
    first = api.post("/api/v1/messages", MESSAGE)
    assert first.status_code == 201 and first.json["case_created"] is True
    assert first.json["suggested_category"] == "tracking" and 0 < first.json["confidence"] <= 1  # the assistant's
    case = db.session.get(Case, first.json["case_id"])
    # sure enough (above the default 60 %): the case takes the assistant's category and keeps its reading
    assert first.json["confidence"] >= 0.6
    assert (case.channel, case.category, case.subject) == ("chat", "tracking", "你好，我的快递到哪了？")
    assert (case.suggested_category, case.suggested_confidence) == ("tracking", first.json["confidence"])
    assert [(e.kind, e.external_id) for e in _events(case.id)] == [("customer_message", "msg-1")]
    assert _events(case.id)[0].data["reading"]["category"] == "tracking"
    before = row_counts()
    again = api.post("/api/v1/messages", {**MESSAGE, "body": "a retry may even differ"})
    assert again.status_code == 200
    assert again.json == {**first.json, "case_created": False}
    assert row_counts() == before


def test_the_buyers_next_message_on_the_channel_joins_the_case_and_another_channel_opens_its_own(api):
    first = api.post("/api/v1/messages", MESSAGE).json
    second = api.post("/api/v1/messages", {**MESSAGE, "external_id": "msg-2", "body": "还在吗？"})
    assert second.status_code == 201 and second.json["case_id"] == first["case_id"]
    assert second.json["case_created"] is False
    assert [e.body for e in _events(first["case_id"])][-1] == "还在吗？"
    mail = api.post("/api/v1/messages", {**MESSAGE, "channel": "email", "external_id": "<m1@example.com>",
                                         "subject": "快递"}).json
    assert mail["case_created"] is True and mail["case_id"] != first["case_id"]
    assert db.session.get(Case, mail["case_id"]).subject == "快递"


def _set(case_id, **values):
    db.session.execute(update(Case).where(Case.id == case_id).values(**values))
    db.session.commit()


def test_a_case_resolved_this_week_reopens_one_resolved_longer_ago_or_closed_does_not(api):
    case_id = api.post("/api/v1/messages", MESSAGE).json["case_id"]
    _set(case_id, status="resolved", resolved_at=utcnow() - timedelta(days=6))
    reopened = api.post("/api/v1/messages", {**MESSAGE, "external_id": "msg-2"}).json
    assert reopened["case_id"] == case_id and db.session.get(Case, case_id).status == "open"
    _set(case_id, status="resolved", resolved_at=utcnow() - timedelta(days=8))
    later = api.post("/api/v1/messages", {**MESSAGE, "external_id": "msg-3"}).json
    assert later["case_created"] is True and later["case_id"] != case_id
    _set(later["case_id"], status="closed", closed_at=utcnow())
    after_close = api.post("/api/v1/messages", {**MESSAGE, "external_id": "msg-4"}).json
    assert after_close["case_created"] is True and after_close["case_id"] not in (case_id, later["case_id"])


def test_a_message_naming_an_order_reaches_its_buyers_case_and_an_unknown_order_is_404(api):
    order = make_order("T900")
    created = api.post("/api/v1/messages", {**MESSAGE, "customer": None, "order_no": "T900"}).json
    case = db.session.get(Case, created["case_id"])
    assert case.order_id == order.id and case.customer_id == order.customer_id
    before = row_counts()
    missing = api.post("/api/v1/messages", {**MESSAGE, "external_id": "x", "customer": None, "order_no": "NOPE"})
    assert missing.status_code == 404 and row_counts() == before


@pytest.mark.parametrize("change, field", [
    ({"external_id": ""}, "external_id"),
    ({"external_id": "x" * 201}, "external_id"),
    ({"channel": "phone"}, "channel"),
    ({"body": "  "}, "body"),
    ({"body": "字" * 5001}, "body"),
    ({"customer": None}, "customer"),
    ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
    ({"received_at": "2026-01-01T00:00:00"}, "received_at"),
])
def test_a_bad_message_names_its_field_and_writes_nothing(api, change, field):
    before = row_counts()
    refused = api.post("/api/v1/messages", {**MESSAGE, **change})
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert row_counts() == before


def test_the_same_message_sent_twice_at_once_is_written_once(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    results, errors = [], []
    message = IncomingMessage(channel="chat", external_id="race-1", body="在吗", customer=BUYER)

    def send():
        with app.app_context():
            try:
                results.append(receive_message(message, Actor.system("chat"), utcnow(), "Asia/Shanghai", outbox_channel="manual"))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({(r.case_id, r.event_id) for r in results}) == 1
    assert db.session.scalar(select(db.func.count()).select_from(CaseEvent)) == 1


def test_an_integration_replies_through_the_cases_channel(api):
    case_id = api.post("/api/v1/messages", MESSAGE).json["case_id"]
    answered = api.post(f"/api/v1/cases/{case_id}/replies", {"body": "您好，包裹已在派送中。"})
    assert answered.status_code == 201
    assert answered.json["kind"] == "reply" and answered.json["actor"] == "token:chat-system"
    queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_reply")).one()
    assert queued.body == "您好，包裹已在派送中。"
    assert api.post(f"/api/v1/cases/{case_id}/replies", {"body": ""}).status_code == 422
    assert api.post("/api/v1/cases/999999/replies", {"body": "hi"}).status_code == 404


def test_cases_are_listed_by_update_time_filtered_and_paged_without_their_timelines(api):
    chat = api.post("/api/v1/messages", MESSAGE).json["case_id"]
    mail = api.post("/api/v1/messages", {**MESSAGE, "channel": "email", "external_id": "<m@x>"}).json["case_id"]
    listed = api.get("/api/v1/cases?per_page=1")
    assert listed.status_code == 200
    assert (listed.json["total"], listed.json["page"], listed.json["per_page"]) == (2, 1, 1)
    assert [c["id"] for c in listed.json["cases"]] == [chat] and "events" not in listed.json["cases"][0]
    assert [c["id"] for c in api.get("/api/v1/cases?channel=email").json["cases"]] == [mail]
    assert api.get("/api/v1/cases?status=closed").json["total"] == 0
    since = (utcnow() + timedelta(minutes=5)).isoformat()
    assert api.get(f"/api/v1/cases?updated_since={since}").json["total"] == 0
    assert api.get("/api/v1/cases?channel=fax").status_code == 422
