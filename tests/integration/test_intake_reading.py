"""Every buyer's message is read by the assistant when it is written (issue 18), on SQLite and PostgreSQL: the reading
is kept with the message and the case, a new conversation takes the category when the assistant is sure enough (the
shop's setting), and the order the message is about is linked when the message or the buyer makes it plain."""
import pytest
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.rules import TriageSettings
from shopcs.cases.settings import load_triage, save_triage
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.errors import Invalid
from shopcs.extensions import db

from ..builders import NOW, make_customer, make_order
from ..case_builders import PLATFORM, ZONE, row_counts

TRACKING = "你好，我的快递到哪了？三天了还没动"
BUYER = {"external_id": "chat-buyer-9", "name": "韩梅梅", "phone": "13812345678"}


def _receive(body, external_id, customer=BUYER, order_no=None):
    message = IncomingMessage("chat", external_id, body, customer=None if order_no else customer, order_no=order_no)
    return receive_message(message, PLATFORM, NOW, ZONE, outbox_channel="manual")


def _case(received) -> Case:
    return db.session.get(Case, received.case_id)


def _event(received) -> CaseEvent:
    return db.session.get(CaseEvent, received.event_id)


def test_a_sure_reading_gives_the_new_case_its_category(app):
    case = _case(_receive(TRACKING, "m1"))
    assert case.category == case.suggested_category == "tracking" and case.suggested_confidence >= 0.6
    assert case.events[0].data["reading"] == {"category": "tracking",
                                              "confidence": round(case.suggested_confidence, 4)}


def test_below_the_shops_threshold_the_case_takes_the_teams_default(app):
    save_triage({"min_confidence": "100", "default_category": "after_sales"}, PLATFORM, NOW)
    case = _case(_receive(TRACKING, "m1"))
    assert case.suggested_category == "tracking" and case.suggested_confidence < 1
    assert case.category == "after_sales"  # the reading is kept all the same, for the accuracy report


def test_each_later_message_keeps_its_own_reading(app):
    first = _receive(TRACKING, "m1")
    later = _receive("东西收到了，但是杯子碎了一个，要理赔", "m2")
    assert later.case_id == first.case_id and not later.case_created
    assert _event(later).data["reading"]["category"] == "claim"
    assert _case(first).suggested_category == "tracking"  # the case's reading is its first message's


def test_the_triage_settings_are_checked_saved_once_and_audited(app):
    before = row_counts()
    with pytest.raises(Invalid) as caught:
        save_triage({"min_confidence": "200", "default_category": "tracking"}, PLATFORM, NOW)
    assert set(caught.value.fields) == {"min_confidence"}
    assert row_counts() == before and load_triage() == TriageSettings()
    save_triage({"min_confidence": "80", "default_category": "tracking"}, PLATFORM, NOW)
    save_triage({"min_confidence": "80", "default_category": "tracking"}, PLATFORM, NOW)
    assert load_triage() == TriageSettings(80, "tracking", True)
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_assistant.settings_changed")))
    assert len(entries) == 1
    assert entries[0].after == {"min_confidence": 80, "default_category": "tracking"}  # auto_answer unchanged


# ---- the order the message is about ----

def test_an_order_number_the_buyer_owns_is_linked(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="paid")
    named = make_order(customer=customer, status="shipped")
    case = _case(_receive(f"订单{named.order_no}到哪了", "m1"))
    assert case.order_id == named.id and case.customer_id == customer.id


def test_someone_elses_order_number_is_not_linked(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="completed")
    stranger = make_order(status="paid")
    case = _case(_receive(f"订单 {stranger.order_no} 到哪了", "m1"))
    assert case.order_id is None  # not theirs, and no open order of their own


def test_the_buyers_only_open_order_is_linked(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="completed")
    make_order(customer=customer, status="cancelled")
    only_open = make_order(customer=customer, status="shipped")
    assert _case(_receive(TRACKING, "m1")).order_id == only_open.id


def test_two_open_orders_and_no_number_link_nothing(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="paid")
    make_order(customer=customer, status="unpaid")
    assert _case(_receive(TRACKING, "m1")).order_id is None


def test_a_later_message_naming_the_order_links_the_conversation_and_audits_it(app):
    customer = make_customer(external_id=BUYER["external_id"])
    make_order(customer=customer, status="paid")
    named = make_order(customer=customer, status="paid")
    first = _receive("在吗", "m1")
    assert _case(first).order_id is None
    _receive(f"我的订单是 {named.order_no}", "m2")
    assert _case(first).order_id == named.id
    linked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.order_linked"))
    assert linked.after["order_no"] == named.order_no


def test_a_conversation_with_an_order_keeps_it(app):
    customer = make_customer(external_id=BUYER["external_id"])
    first_order = make_order(customer=customer, status="paid")
    other = make_order(customer=customer, status="paid")
    first = _receive(f"订单 {first_order.order_no}", "m1")
    _receive(f"还有 {other.order_no}", "m2")
    assert _case(first).order_id == first_order.id
