"""The storefront widget's API on SQLite and PostgreSQL: a buyer without an account starts a conversation, writes,
reads the replies sent to them (and nothing internal), and may link the conversation to their order."""

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.reply_status import reply_states
from shopcs.cases.work import add_note, reply
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.conversations.widget_models import WidgetConversation
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import utcnow

from ..builders import make_order, make_user
from ..case_builders import row_counts

SHOP = "https://shop.example.com"


@pytest.fixture
def app_config():
    return {"SHOPCS_WIDGET_ORIGINS": frozenset({SHOP})}


@pytest.fixture
def buyer(client):
    """A conversation's token and helpers that call the widget API with it, from the shop's page."""
    token = client.post("/widget/v1/conversations", json={"lang": "zh"}, headers={"Origin": SHOP}).json["conversation_token"]

    class Buyer:
        headers = {"Authorization": f"Bearer {token}", "Origin": SHOP}
        write = staticmethod(lambda body, **more: client.post("/widget/v1/messages", json={"body": body, **more},
                                                             headers=Buyer.headers))
        read = staticmethod(lambda after=0: client.get(f"/widget/v1/messages?after={after}", headers=Buyer.headers))
        identify = staticmethod(lambda order_no, last4: client.post(
            "/widget/v1/identify", json={"order_no": order_no, "phone_last4": last4}, headers=Buyer.headers))
    Buyer.token = token
    return Buyer


def _agent():
    return Actor.for_user(make_user(role="agent"))


def _case_of(event_id) -> Case:
    return db.session.get(Case, db.session.get(CaseEvent, event_id).case_id)


def test_starting_a_conversation_gives_an_opaque_token_and_writes_one_row(client):
    response = client.post("/widget/v1/conversations", json={}, headers={"Origin": SHOP})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert set(response.json) == {"conversation_token", "open_now", "back_at"}
    key = db.session.scalar(select(WidgetConversation.key))
    assert key not in response.json["conversation_token"]  # the key is inside, signed, not readable as is
    assert db.session.scalar(select(func.count()).select_from(WidgetConversation)) == 1


def test_the_buyers_messages_open_one_chat_case_and_a_retry_with_the_same_client_id_counts_once(buyer):
    first = buyer.write("你好，<b>在吗</b>？", client_id="c-1")
    assert first.status_code == 201 and set(first.json) == {"id", "created_at", "open_now", "back_at"}
    case = _case_of(first.json["id"])
    assert (case.channel, case.body) == ("chat", "你好，<b>在吗</b>？")  # stored as typed
    assert case.customer.external_id.startswith("widget:")
    before = row_counts()
    again = buyer.write("你好，<b>在吗</b>？", client_id="c-1")
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert row_counts() == before
    second = buyer.write("订单什么时候发货？")
    assert second.status_code == 201 and _case_of(second.json["id"]).id == case.id


def test_the_buyer_reads_their_messages_and_sent_replies_only_and_a_fetched_reply_counts_as_delivered(buyer):
    case_id = _case_of(buyer.write("<script>alert(1)</script>").json["id"]).id
    agent, now = _agent(), utcnow()
    answer = reply(case_id, "您好，马上为您查询", agent, now, outbox_channel="manual")
    add_note(case_id, "内部：这位顾客上周退过货", agent, now)
    reply(case_id, "电话里说过了", agent, now, send=False, given_at=now, outbox_channel="manual")
    outbox = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{answer.id}"))
    assert (outbox.channel, outbox.status, outbox.sent_at is not None) == ("widget", "sent", True)

    listed = buyer.read().json["messages"]
    assert [(m["from"], m["body"]) for m in listed] == [("customer", "<script>alert(1)</script>"),
                                                        ("agent", "您好，马上为您查询")]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, outbox.id).status == "delivered"
    assert buyer.read(after=listed[-1]["id"]).json["messages"] == []


def test_a_widget_reply_answers_the_case_as_it_is_written_and_shows_delivered_once_fetched(buyer):
    case_id = _case_of(buyer.write("在吗？").json["id"]).id
    now = utcnow()
    answer = reply(case_id, "在的，请讲", _agent(), now, outbox_channel="manual")
    db.session.expire_all()
    assert db.session.get(Case, case_id).first_responded_at == now  # nothing is left to send: the widget fetches it
    assert reply_states([answer])[answer.id].state == "sent"
    buyer.read()
    db.session.expire_all()
    assert reply_states([answer])[answer.id].state == "delivered"


def test_another_conversation_sees_nothing_of_this_one(client, buyer):
    buyer.write("我的私事")
    other = client.post("/widget/v1/conversations").json["conversation_token"]
    listed = client.get("/widget/v1/messages?after=0", headers={"Authorization": f"Bearer {other}"})
    assert listed.status_code == 200 and listed.json == {"messages": []}


def test_a_reply_to_a_buyer_outside_the_widget_still_waits_on_the_shops_channel(app):
    received = receive_message(IncomingMessage("chat", "api-1", "hi", {"external_id": "chat-buyer"}), Actor.system(),
                               utcnow(), "Asia/Shanghai", outbox_channel="manual")
    answer = reply(received.case_id, "hello", _agent(), utcnow(), outbox_channel="manual")
    outbox = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{answer.id}"))
    assert (outbox.channel, outbox.status) == ("manual", "pending")


def test_the_right_order_and_digits_link_the_conversation_and_its_case_to_the_order(buyer):
    order = make_order(phone="13812345678")
    case_id = _case_of(buyer.write("我的快递呢").json["id"]).id
    assert buyer.identify(order.order_no, "5678").json == {"linked": True}
    case = db.session.get(Case, case_id)
    assert (case.order_id, case.customer_id) == (order.id, order.customer_id)
    trail = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.order_linked")).one()
    assert trail.order_id == order.id  # the order's timeline shows who linked it
    nxt = buyer.write("还在吗")
    assert _case_of(nxt.json["id"]).id == case_id  # threads into the same case under the order's customer
    # still the widget's, under the order's customer
    answer = reply(case_id, "已查到，明天送达", _agent(), utcnow(), outbox_channel="manual")
    assert db.session.scalar(select(OutboxMessage.channel).where(OutboxMessage.dedupe_key == f"case_reply:{answer.id}")) == "widget"
    assert [m["body"] for m in buyer.read().json["messages"]] == ["我的快递呢", "还在吗", "已查到，明天送达"]


def test_a_wrong_pair_and_an_unknown_order_get_the_same_answer_and_change_nothing(buyer):
    order = make_order(phone="13812345678")
    case_id = _case_of(buyer.write("hi").json["id"]).id
    before = row_counts()
    wrong, unknown = buyer.identify(order.order_no, "0000"), buyer.identify("NO-SUCH-ORDER", "5678")
    assert (wrong.status_code, wrong.json) == (unknown.status_code, unknown.json) == (200, {"linked": False})
    assert row_counts() == before and db.session.get(Case, case_id).order_id is None


def test_a_sixth_identify_try_in_an_hour_is_429(buyer):
    order = make_order(phone="13812345678")
    for _ in range(5):
        assert buyer.identify(order.order_no, "0000").status_code == 200
    refused = buyer.identify(order.order_no, "5678")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert db.session.scalar(select(WidgetConversation.order_id)) is None


def test_the_twenty_first_message_in_a_minute_is_429_with_retry_after_and_not_written(buyer):
    for n in range(20):
        assert buyer.write(f"消息 {n}").status_code == 201
    before = row_counts()
    refused = buyer.write("one too many")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Access-Control-Allow-Origin"] == SHOP  # the widget can read why
    assert row_counts() == before


def test_the_eleventh_conversation_from_one_address_in_a_minute_is_429(client):
    for _ in range(10):
        assert client.post("/widget/v1/conversations").status_code == 201
    refused = client.post("/widget/v1/conversations")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert db.session.scalar(select(func.count()).select_from(WidgetConversation)) == 10


def test_outside_the_chat_hours_the_answer_says_when_the_team_is_back(client, buyer):
    from shopcs.cases.settings import load_sla_settings, save_sla_settings
    from shopcs.timeutil import local_date
    values = load_sla_settings().as_json()
    later = (local_date(utcnow(), "Asia/Shanghai").weekday() + 2) % 7  # open only the day after tomorrow
    values["targets"]["chat"].update(weekdays=[later], opens="08:00", closes="24:00")
    save_sla_settings(values, Actor.system(), utcnow())
    written = buyer.write("半夜来问")
    assert written.status_code == 201 and written.json["open_now"] is False
    assert written.json["back_at"] > utcnow().isoformat()
