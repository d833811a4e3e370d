from datetime import timedelta

from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.orders.exclusions import load_exclusions
from shopcs.orders.models import HandoffNote, Order, Shipment
from shopcs.timeutil import local_date, utcnow

from ..builders import NOW, make_order, make_user

ADDRESS = {"recipient": "李四", "phone": "13912345678", "province": "浙江省", "city": "宁波市", "district": "鄞州区",
           "detail": "中山路 1 号", "postal_code": "315000"}


def _client(app, login, role="agent", name="amy"):
    make_user(name, role=role)
    client = app.test_client()
    login(client, name)
    return client


def _order(order_no="T100"):
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def _today():
    return local_date(utcnow(), "Asia/Shanghai")


def test_an_agent_corrects_the_address_and_it_is_saved(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login)
    assert 'data-test="address-form"' in client.get("/orders/T100/address").get_data(as_text=True)
    response = client.post("/orders/T100/address", data=ADDRESS)
    assert response.status_code == 302
    order = _order()
    assert (order.recipient, order.city, order.postal_code) == ("李四", "宁波市", "315000")


def test_a_blank_recipient_is_a_field_error_and_nothing_changes(sqlite_app, login):
    make_order("T100", recipient="张三")
    response = _client(sqlite_app, login).post("/orders/T100/address", data={**ADDRESS, "recipient": ""})
    assert response.status_code == 200 and 'data-test="error-recipient"' in response.get_data(as_text=True)
    assert _order().recipient == "张三"


def test_a_phone_that_does_not_parse_is_saved_and_flagged_on_the_order_page(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login)
    client.post("/orders/T100/address", data={**ADDRESS, "phone": "555-01"})
    assert _order().phone == "555-01" and _order().phone_valid is False
    assert 'data-test="phone-flag"' in client.get("/orders/T100").get_data(as_text=True)


def test_correcting_a_confirmed_address_puts_a_note_before_the_shipping_form(sqlite_app, login):
    make_order("T100", address_confirmed_at=NOW, address_confirmed_by="user:amy", address_confirm_method="chat")
    _client(sqlite_app, login).post("/orders/T100/address", data=ADDRESS)
    shipper = _client(sqlite_app, login, role="shipping", name="bo")
    html = shipper.get("/orders/T100/ship").get_data(as_text=True)
    assert 'data-test="shipping-note"' in html and "中山路 1 号" in html
    assert html.index('data-test="shipping-notes"') < html.index('data-test="tracking-input"')
    assert db.session.scalar(select(func.count()).select_from(HandoffNote)) == 1


def test_shipping_staff_may_not_correct_addresses(sqlite_app, login):
    make_order("T100")
    assert _client(sqlite_app, login, role="shipping").post("/orders/T100/address", data=ADDRESS).status_code == 403


def test_a_wrong_tracking_number_shows_the_carriers_format_then_the_right_one_ships(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login, role="shipping")
    form = client.get("/orders/T100/ship").get_data(as_text=True)
    assert 'data-test="carrier-select"' in form and f'value="{_today().isoformat()}"' in form
    wrong = client.post("/orders/T100/ship", data={"carrier": "YTO", "tracking_no": "123", "shipped_on": _today().isoformat()})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and 'data-test="error-tracking_no"' in html and "YT1234567890123" in html
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 0
    right = client.post("/orders/T100/ship", data={"carrier": "YTO", "tracking_no": "YT1234567890123",
                                                   "shipped_on": _today().isoformat()}, follow_redirects=True)
    assert 'data-test="shipment-row"' in right.get_data(as_text=True)
    assert _order().status == "shipped"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_duplicate_tracking_number_and_a_future_date_are_field_errors(sqlite_app, login):
    make_order("T100")
    make_order("T200")
    client = _client(sqlite_app, login)
    day = _today().isoformat()
    client.post("/orders/T100/ship", data={"carrier": "SF", "tracking_no": "SF1234567890123", "shipped_on": day})
    duplicate = client.post("/orders/T200/ship", data={"carrier": "SF", "tracking_no": "SF1234567890123", "shipped_on": day},
                            headers={"Accept-Language": "en"})
    assert duplicate.status_code == 200 and "already recorded" in duplicate.get_data(as_text=True)
    future = (_today() + timedelta(days=2)).isoformat()
    later = client.post("/orders/T200/ship", data={"carrier": "SF", "tracking_no": "SF1234567890124", "shipped_on": future})
    assert 'data-test="error-shipped_on"' in later.get_data(as_text=True)
    assert _order("T200").status == "paid"


def test_an_unpaid_order_offers_no_ship_form(sqlite_app, login):
    make_order("T100", status="unpaid")
    client = _client(sqlite_app, login)
    assert 'data-test="cannot-ship"' in client.get("/orders/T100/ship").get_data(as_text=True)
    response = client.post("/orders/T100/ship", data={"carrier": "SF", "tracking_no": "SF1234567890123",
                                                      "shipped_on": _today().isoformat()})
    assert response.status_code == 302 and _order().status == "unpaid"


def test_an_operator_may_not_ship(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login, role="operator")
    assert client.get("/orders/T100/ship").status_code == 403


def test_the_promised_ship_date_is_set_on_the_order_page_and_a_past_one_is_refused(sqlite_app, login):
    make_order("T100")
    client = _client(sqlite_app, login)
    later = _today() + timedelta(days=3)
    assert client.post("/orders/T100/promised-ship-date", data={"promised_ship_date": later.isoformat()}).status_code == 302
    assert _order().promised_ship_date == later
    past = client.post("/orders/T100/promised-ship-date", data={"promised_ship_date": (_today() - timedelta(days=1)).isoformat()})
    assert past.status_code == 200 and 'data-test="error-promised_ship_date"' in past.get_data(as_text=True)
    assert _order().promised_ship_date == later


def test_a_supervisor_edits_where_carriers_do_not_deliver(sqlite_app, login):
    client = _client(sqlite_app, login, role="supervisor", name="sam")
    page = client.get("/carriers/exclusions").get_data(as_text=True)
    assert 'data-test="exclusions-ZTO"' in page and "西藏自治区" in page
    response = client.post("/carriers/exclusions", data={"excluded_SF": "西藏自治区\n青海省", "excluded_ZTO": ""})
    assert response.status_code == 302
    exclusions = load_exclusions()
    assert exclusions["SF"] == ["西藏自治区", "青海省"] and exclusions["ZTO"] == [] and exclusions["YTO"]


def test_agents_may_not_edit_carrier_coverage(sqlite_app, login):
    client = _client(sqlite_app, login)
    assert client.get("/carriers/exclusions").status_code == 403
    assert client.post("/carriers/exclusions", data={"excluded_SF": "西藏"}).status_code == 403
