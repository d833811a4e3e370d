"""Out of the chat's business hours the assistant answers "where is my order?" alone (issue 18), on SQLite and
PostgreSQL: at once, in the buyer's language, on the conversation's own channel, once until an agent has answered;
the case stays the agents' (status, owner and first-response clock untouched), marked "answered by the assistant".

The default chat hours are 08:00–24:00 every day (Asia/Shanghai): 03:00 is closed, 10:00 open."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.settings import save_sla_settings, save_triage
from shopcs.cases.work import reply
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Shipment
from shopcs.timeutil import UTC, to_local, utcnow

from ..builders import make_customer, make_order
from ..case_builders import PLATFORM, ZONE
from ..case_page_builders import ENGLISH, client_as
from .test_widget_api import SHOP, app_config, buyer  # noqa: F401 - the widget fixtures

NIGHT = datetime(2026, 3, 4, 3, 0, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
DAY = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
BUYER = {"external_id": "chat-buyer-3", "name": "赵六"}
WHERE = "我的快递到哪了？三天没动了"


def _shipped(customer=None):
    order = make_order(order_no="AA-2001", status="shipped", customer=customer, commit=False,
                       promised_ship_date=date(2026, 3, 2))
    db.session.flush()
    db.session.add(Shipment(order_id=order.id, carrier="SF", tracking_no="SF1234567890123",
                            shipped_on=date(2026, 3, 2), created_by="user:sam", created_at=NIGHT))
    db.session.commit()
    return order


def _ask(body=WHERE, external_id="m1", now=NIGHT, channel="chat"):
    message = IncomingMessage(channel, external_id, body, customer=BUYER if channel == "chat" else
                              {**BUYER, "email": "zhao@example.com"})
    return receive_message(message, PLATFORM, now, ZONE, outbox_channel="webhook")


def _answers(case_id):
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                            CaseEvent.kind == "assistant_reply")))


@pytest.fixture
def order(app):
    return _shipped(make_customer(external_id=BUYER["external_id"]))


def test_a_tracking_question_at_night_is_answered_at_once_and_the_case_stays_the_agents(order):
    received = _ask()
    case = db.session.get(Case, received.case_id)
    [answer] = _answers(case.id)
    assert "AA-2001" in answer.body and "SF1234567890123" in answer.body and "顺丰" in answer.body
    assert "赵六" not in answer.body and order.phone not in answer.body  # the order's facts, nothing of the buyer
    assert (answer.actor, answer.channel) == ("system:assistant", "chat")
    assert case.order_id == order.id and case.assistant_answered_at == NIGHT
    assert (case.status, case.owner_id, case.first_responded_at) == ("new", None, None)  # still the agents' to answer
    [sent] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "assistant_reply")).all()
    assert (sent.channel, sent.status, sent.body, sent.order_id) == ("webhook", "pending", answer.body, order.id)


def test_an_english_question_gets_an_english_answer(order):
    received = _ask("hi, where is my parcel? no tracking update for days")
    [answer] = _answers(received.case_id)
    assert answer.body.startswith("Order AA-2001: shipped") and "SF Express" in answer.body


def test_in_business_hours_an_agent_answers(order):
    assert _answers(_ask(now=DAY).case_id) == []


def test_nothing_is_answered_when_the_shop_turned_it_off(order):
    save_triage({"min_confidence": "60", "default_category": "pre_sale", "auto_answer": "false"}, PLATFORM, NIGHT)
    assert _answers(_ask().case_id) == []


def test_only_a_tracking_question_is_answered(order):
    assert _answers(_ask("东西收到了杯子碎了，要理赔").case_id) == []


def test_an_unsure_reading_is_not_acted_on(order):
    save_triage({"min_confidence": "100", "default_category": "pre_sale", "auto_answer": "true"}, PLATFORM, NIGHT)
    assert _answers(_ask().case_id) == []


def test_without_an_identified_order_nothing_is_answered(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="paid")
    make_order(customer=customer, status="shipped")  # two open orders and no number: which one?
    received = _ask()
    assert db.session.get(Case, received.case_id).order_id is None and _answers(received.case_id) == []


def test_email_is_left_to_the_agents(order):
    assert _answers(_ask(channel="email").case_id) == []


def test_once_until_an_agent_has_answered(order):
    first = _ask()
    _ask("还是没收到，到哪了？", external_id="m2", now=NIGHT + timedelta(minutes=5))
    assert len(_answers(first.case_id)) == 1  # asked again before anyone replied: no second answer
    reply(first.case_id, "您好，已催促快递。", PLATFORM, NIGHT + timedelta(minutes=10), outbox_channel="manual")
    _ask("快递到哪了？", external_id="m3", now=NIGHT + timedelta(minutes=20))
    assert len(_answers(first.case_id)) == 2  # an agent answered since: the assistant may answer the next one


def test_the_answer_reaches_the_widget_and_counts_as_delivered(app, client, buyer):  # noqa: F811
    hour = to_local(utcnow(), ZONE).hour
    opens, closes = ((hour + 2) % 24, (hour + 3) % 24) if hour < 20 else (1, 2)  # closed now
    save_sla_settings({"chat.weekdays": "0,1,2,3,4,5,6", "chat.opens": f"{opens:02d}:00",
                       "chat.closes": f"{closes:02d}:00", "chat.public_holidays_off": "false"}, PLATFORM, utcnow())
    order = _shipped()
    assert buyer.identify(order.order_no, order.phone[-4:]).json == {"linked": True}
    assert buyer.write("快递到哪了？怎么还没到").status_code == 201
    messages = buyer.read().json["messages"]
    assert [m["from"] for m in messages] == ["customer", "assistant"]
    assert "SF1234567890123" in messages[1]["body"]
    outbox = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "assistant_reply"))
    assert (outbox.channel, outbox.status) == ("widget", "delivered")
    case = db.session.get(Case, db.session.get(CaseEvent, messages[0]["id"]).case_id)
    assert case.first_responded_at is None and case.assistant_answered_at is not None


def test_agents_see_it_on_the_case_page(sqlite_app, login):
    _shipped(make_customer(external_id=BUYER["external_id"]))
    received = _ask()
    client, _user = client_as(sqlite_app, login, "agent")
    page = client.get(f"/cases/{received.case_id}", headers=ENGLISH).get_data(as_text=True)
    assert 'data-kind="assistant_reply"' in page and page.count("Answered by the assistant") >= 2  # line and mark
