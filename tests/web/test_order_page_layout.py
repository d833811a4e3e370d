"""The order page's shape: forms that are done go, rare ones fold, people by display name, the buyer's concerns."""
import re
from datetime import date, timedelta
from decimal import Decimal

from shopcs.actor import Actor
from shopcs.auth.services import create_user
from shopcs.followup.concerns import record_concern
from shopcs.followup.notices import shipping_notices
from shopcs.orders.handling import ShipmentInput, confirm_address, record_shipment
from shopcs.orders.notes import add_note
from shopcs.orders.refund_service import RefundRequest, approve_refund, request_refund

from ..builders import NOW, PASSWORD, make_customer, make_order, make_user, refund_limits


def _page(app, login, order_no, role="agent", username=None):
    user = make_user(username or role.replace("_", "-"), role=role)
    client = app.test_client()
    login(client, user.username, PASSWORD)
    return client.get(f"/orders/{order_no}").get_data(as_text=True)


def _section(html: str, test: str) -> str:
    """The markup of the element marked data-test=<test> up to the next card (enough to look inside one section)."""
    start = html.index(f'data-test="{test}"')
    end = html.find('<section class="card"', start)
    return html[start:end if end > 0 else len(html)]


def test_an_unconfirmed_address_offers_the_confirmation_form(sqlite_app, login):
    make_order("T100")
    html = _page(sqlite_app, login, "T100")
    address = _section(html, "order-address")
    assert 'data-test="confirm-form"' in address and 'data-test="address-unconfirmed"' in address


def test_a_confirmed_address_shows_who_confirmed_it_and_no_confirmation_form(sqlite_app, login):
    make_order("T100")
    create_user("xw", "agent", PASSWORD, NOW, display_name="小王")
    confirm_address("T100", "phone", Actor("user:xw", "agent"), NOW, {})
    address = _section(_page(sqlite_app, login, "T100"), "order-address")
    assert 'data-test="address-confirmed"' in address and "小王" in address
    assert 'data-test="confirm-form"' not in address and 'data-test="confirm-address"' not in address
    assert 'data-test="edit-address"' in address  # a correction stays possible


def test_rarely_used_forms_are_folded_behind_a_summary(sqlite_app, login):
    make_order("T100")
    html = _page(sqlite_app, login, "T100", role="supervisor")
    for fold, form in (("refund-fold", "refund-form"), ("note-fold", "note-form"), ("promise-fold", "promise-form")):
        folded = re.search(rf'<details class="fold" data-test="{fold}">\s*<summary>[^<]+</summary>(.*?)</details>', html, re.S)
        assert folded and f'data-test="{form}"' in folded.group(1), fold


def test_the_return_checkbox_sits_inside_its_label_on_one_line(sqlite_app, login):
    make_order("T100")
    html = _page(sqlite_app, login, "T100")
    label = re.search(r'<label class="check">(.*?)</label>', html, re.S)
    assert label and 'type="checkbox"' in label.group(1) and 'data-test="refund-with-return"' in label.group(1)


def test_people_are_shown_by_display_name_on_refunds_notes_shipments_and_the_timeline(sqlite_app, login):
    create_user("xw", "agent", PASSWORD, NOW, display_name="小王")
    create_user("lzhou", "shipping", PASSWORD, NOW, display_name="仓库老周")
    create_user("boss", "supervisor", PASSWORD, NOW, display_name="陈组长")
    make_order("T100", total="300.00")
    agent, shipper = Actor("user:xw", "agent"), Actor("user:lzhou", "shipping")
    confirm_address("T100", "chat", agent, NOW, {})
    record_shipment("T100", ShipmentInput("SF", "SF1234567890123", date(2026, 3, 4)), shipper, NOW, date(2026, 3, 4), {},
                    shipping_notices("manual"))
    add_note("T100", "shipping", "易碎，多包一层", agent, NOW)
    refund, _ = request_refund("T100", RefundRequest(Decimal("20.00"), "size"), agent, NOW)
    approve_refund(refund.id, Actor("user:boss", "supervisor"), NOW, refund_limits())
    html = _page(sqlite_app, login, "T100", role="operator")
    refunds, notes, shipping = _section(html, "refunds"), _section(html, "notes"), _section(html, "order-shipping")
    timeline = _section(html, "order-timeline")
    assert "小王" in refunds and "陈组长" in refunds and "小王" in notes and "仓库老周" in shipping
    assert "小王" in timeline and "仓库老周" in timeline and "陈组长" in timeline
    for login_name in (">xw<", " xw<", ">lzhou<", "boss<", "user:"):
        assert login_name not in refunds + notes + shipping + timeline, login_name


def test_a_user_without_a_display_name_and_the_platform_are_shown_by_their_names(sqlite_app, login):
    make_order("T100")
    make_user("amy", role="agent")
    confirm_address("T100", "chat", Actor("user:amy", "agent"), NOW, {})
    timeline = _section(_page(sqlite_app, login, "T100"), "order-timeline")
    assert "amy" in timeline and "user:amy" not in timeline


def test_the_concern_form_is_offered_on_unpaid_orders_only(sqlite_app, login):
    make_order("U1", status="unpaid", placed_at=NOW - timedelta(hours=1))
    make_order("P1", status="paid")
    assert 'data-test="concern-form"' in _page(sqlite_app, login, "U1")
    assert 'data-test="concern-form"' not in _page(sqlite_app, login, "P1", username="agent-2")


def test_a_buyers_concerns_show_on_their_later_orders_but_not_a_strangers(sqlite_app, login):
    buyer, stranger = make_customer(external_id="buyer-1"), make_customer(external_id="buyer-2")
    make_order("OLD", customer=buyer, status="unpaid", placed_at=NOW - timedelta(days=3))
    make_order("NEW", customer=buyer, status="unpaid", placed_at=NOW - timedelta(hours=1))
    make_order("OTHER", customer=stranger, status="unpaid", placed_at=NOW - timedelta(hours=1))
    record_concern("OLD", "shipping_time", "怕春节前到不了", Actor("user:xw", "agent"), NOW)
    later = _section(_page(sqlite_app, login, "NEW"), "order-buyer")
    assert 'data-test="earlier-concerns"' in later and "怕春节前到不了" in later and 'href="/orders/OLD"' in later
    assert 'data-test="earlier-concerns"' not in _page(sqlite_app, login, "OLD", username="agent-2")  # its own are in the panel
    assert "怕春节前到不了" not in _page(sqlite_app, login, "OTHER", username="agent-3")


def test_the_customer_page_lists_the_buyers_concerns_with_their_orders(sqlite_app, login):
    buyer = make_customer(external_id="buyer-1")
    make_order("OLD", customer=buyer, status="unpaid", placed_at=NOW - timedelta(days=3))
    create_user("xw", "agent", PASSWORD, NOW, display_name="小王")
    record_concern("OLD", "payment_method", "没有支付宝", Actor("user:xw", "agent"), NOW)
    client = sqlite_app.test_client()
    login(client, make_user("agent", role="agent").username, PASSWORD)
    html = client.get("/customers/buyer-1").get_data(as_text=True)
    concerns = html[html.index('data-test="customer-concerns-card"'):html.index('data-test="customer-messages"')]
    assert 'data-category="payment_method"' in concerns and "没有支付宝" in concerns and "小王" in concerns
    assert 'href="/orders/OLD"' in concerns
    make_customer(external_id="buyer-9")
    assert 'data-test="customer-concerns-empty"' in client.get("/customers/buyer-9").get_data(as_text=True)


def test_the_audit_log_names_a_user_by_display_name_and_keeps_the_stored_label_at_hand(sqlite_app, login):
    make_order("T100")
    create_user("xw", "agent", PASSWORD, NOW, display_name="小王")
    confirm_address("T100", "chat", Actor("user:xw", "agent"), NOW, {})
    client = sqlite_app.test_client()
    login(client, make_user("boss", role="supervisor").username, PASSWORD)
    html = client.get("/audit?actor=xw").get_data(as_text=True)  # the filter still takes the login
    assert '<td title="user:xw" translate="no" data-test="audit-actor-name"><span translate="no">小王</span></td>' in html
