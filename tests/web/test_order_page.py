import re
from decimal import Decimal

from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.handling import correct_address
from shopcs.orders.models import Order, Refund

from ..builders import NOW, make_customer, make_order, make_user


def _client(app, login, role="agent", name="amy"):
    make_user(name, role=role)
    client = app.test_client()
    login(client, name)
    return client


def test_the_order_page_shows_items_money_buyer_and_history(sqlite_app, login):
    buyer = make_customer(external_id="buyer-7", name="王芳", phone="13912345678", email="wf@example.com")
    earlier = make_order("OLD", customer=buyer, status="completed", total="30.00")
    db.session.add(Refund(order_id=earlier.id, amount=Decimal("30.00"), reason="size", status="completed",
                          requested_by="user:amy", requested_at=NOW))
    db.session.commit()
    make_order("T100", customer=buyer, total="88.00", title="羊毛围巾", phone="13812345678")
    html = _client(sqlite_app, login).get("/orders/T100").get_data(as_text=True)
    assert "羊毛围巾" in html and "¥88.00" in html and "wf@example.com" in html and "buyer-7" in html
    assert "13812345678" in html  # the full phone on the order page, not masked
    assert 'data-test="buyer-paid-orders">2<' in html and 'data-test="buyer-earlier-refunds">1<' in html


def test_the_timeline_shows_the_audit_trail_with_actor_and_before_after(sqlite_app, login):
    make_order("T100", recipient="张三")
    correct_address("T100", {"recipient": "李四"}, Actor("user:bob", "agent"), NOW)
    html = _client(sqlite_app, login).get("/orders/T100").get_data(as_text=True)
    timeline = html[html.index('data-test="timeline"'):]
    assert 'data-action="order.placed"' in timeline and 'data-action="address.corrected"' in timeline
    assert "bob" in timeline and "张三 → 李四" in re.sub(r"<[^>]+>", "", timeline)  # names and stored text are marked as data


def test_an_unknown_order_is_a_404_page(sqlite_app, login):
    assert _client(sqlite_app, login).get("/orders/NOPE").status_code == 404


def test_confirming_warns_next_to_the_button_and_in_the_flash_when_a_carrier_does_not_deliver(sqlite_app, login):
    make_order("T100", province="西藏自治区")
    client = _client(sqlite_app, login)
    page = client.get("/orders/T100").get_data(as_text=True)
    assert 'data-test="carrier-warning"' in page and 'data-test="confirm-address"' in page
    response = client.post("/orders/T100/confirm-address", data={"method": "chat"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "flash-warning" in html and "中通快递" in html and 'data-test="address-confirmed"' in html  # ZTO, by name
    order = db.session.scalar(select(Order).where(Order.order_no == "T100"))
    assert order.address_confirmed_by == "user:amy" and order.address_confirm_method == "chat"


def test_a_bad_confirmation_method_re_renders_with_a_field_error_and_writes_nothing(sqlite_app, login):
    make_order("T100")
    response = _client(sqlite_app, login).post("/orders/T100/confirm-address", data={"method": "fax"})
    assert response.status_code == 200 and 'data-test="error-method"' in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEntry)).first() is None


def test_shipping_staff_may_not_confirm_addresses(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login, role="shipping")
    assert 'data-test="confirm-address"' not in client.get("/orders/T100").get_data(as_text=True)
    assert client.post("/orders/T100/confirm-address", data={"method": "chat"}).status_code == 403


def test_an_operator_reads_the_order_but_sees_no_action_buttons(sqlite_app, login):
    make_order("T100")
    html = _client(sqlite_app, login, role="operator").get("/orders/T100").get_data(as_text=True)
    assert 'data-test="order-title"' in html
    assert 'data-test="confirm-address"' not in html and 'data-test="ship-link"' not in html
