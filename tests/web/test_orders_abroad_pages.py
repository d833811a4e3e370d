"""An order shipped abroad: its address as it is written there in both languages, its correction, the ship form's
international carriers and their formats, no province reach check; a domestic order keeps its carriers."""
from datetime import date

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.errors import Invalid
from shopcs.extensions import db
from shopcs.orders.handling import ShipmentInput, record_shipment
from shopcs.orders.models import CarrierExclusion, Order, Shipment
from shopcs.timeutil import local_date, utcnow

from ..builders import NOW, client_as, make_order

ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en-US"}


def us_order(order_no="U100", **changes) -> Order:
    values = dict(country="US", recipient="Jane Doe", phone="(212) 555-0123", province="NY", city="New York",
                  district="", detail="350 Fifth Avenue", address_line2="Suite 2", currency="USD", total="59.45")
    order = make_order(order_no, commit=False, **{**values, **changes})
    order.postal_code = "10118"
    db.session.commit()
    return order


def _order(order_no="U100") -> Order:
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def _today() -> str:
    return local_date(utcnow(), "Asia/Shanghai").isoformat()


def _ship(client, order_no="U100", **data):
    return client.post(f"/orders/{order_no}/ship", data={"shipped_on": _today(), **data}, headers=EN)


def _options(html: str, name: str = "carrier") -> list[str]:
    start = html.index(f'name="{name}"')
    select_html = html[start:html.index("</select>", start)]
    return [part.split('"', 1)[0] for part in select_html.split('value="')[1:]]


@pytest.mark.parametrize(("headers", "country"), [(ZH, "美国"), (EN, "United States")])
def test_the_order_page_shows_an_address_abroad_as_it_is_written_there(app, login, headers, country):
    us_order()
    html = client_as(app, login, "agent").get("/orders/U100", headers=headers).get_data(as_text=True)
    start = html.index('data-test="order-address"')
    block = html[start:html.index("</section>", start)]
    assert "Jane Doe" in block and "+12125550123" in block and 'data-test="phone-flag"' not in block
    lines = [block.index(text) for text in ("350 Fifth Avenue", "Suite 2", "New York, NY 10118", country)]
    assert lines == sorted(lines)  # line 1, line 2, city state postal code, country: in that order
    assert 'data-country="US"' in block


def test_an_address_in_china_reads_as_before(app, login):
    make_order("T100")
    html = client_as(app, login, "agent").get("/orders/T100", headers=EN).get_data(as_text=True)
    assert '<p data-test="address-text">浙江省 杭州市 西湖区 文三路 100 号 </p>' in html


def test_a_us_order_ships_with_ups_and_a_number_that_is_no_ups_number_is_a_field_error(app, login):
    us_order()
    client = client_as(app, login, "shipping")
    form = client.get("/orders/U100/ship", headers=EN).get_data(as_text=True)
    assert _options(form) == ["SF", "EMS", "UPS", "DHL", "FEDEX", "USPS", "OTHER"]
    assert 'data-test="carrier-warning"' not in form and "United States" in form

    wrong = _ship(client, carrier="UPS", tracking_no="1Z827WK74630").get_data(as_text=True)
    assert 'data-test="error-tracking_no"' in wrong and "1Z999AA10123456784" in wrong
    assert _order().status == "paid"

    right = _ship(client, carrier="UPS", tracking_no="1z999aa1 0123456784")
    assert right.status_code == 302 and _order().status == "shipped"
    assert db.session.execute(select(Shipment.carrier, Shipment.tracking_no)).one() == ("UPS", "1Z999AA10123456784")


def test_a_china_post_number_abroad_is_checked_by_its_s10_check_digit(app, login):
    us_order()
    client = client_as(app, login, "shipping")
    wrong = _ship(client, carrier="EMS", tracking_no="EE123456784CN").get_data(as_text=True)
    assert 'data-test="error-tracking_no"' in wrong and "check digit" in wrong
    assert _ship(client, carrier="EMS", tracking_no="EE123456785CN").status_code == 302


def test_a_carrier_of_another_name_is_kept_by_the_name_the_agent_gives(app, login):
    us_order()
    client = client_as(app, login, "shipping")
    assert _ship(client, carrier="OTHER", carrier_name=" Yanwen ", tracking_no="UG123456785YP").status_code == 302
    assert db.session.execute(select(Shipment.carrier, Shipment.carrier_name)).one() == ("OTHER", "Yanwen")
    html = client.get("/orders/U100", headers=EN).get_data(as_text=True)
    assert "Yanwen" in html[html.index('data-test="shipments"'):]


def test_a_domestic_order_is_offered_the_domestic_carriers_as_before(app, login):
    make_order("T100")
    client = client_as(app, login, "shipping")
    assert _options(client.get("/orders/T100/ship").get_data(as_text=True)) == [
        "SF", "ZTO", "YTO", "STO", "YUNDA", "JD", "EMS", "OTHER"]
    response = _ship(client, "T100", carrier="UPS", tracking_no="1Z999AA10123456784")
    assert 'data-test="error-carrier"' in response.get_data(as_text=True) and _order("T100").status == "paid"


def test_the_service_refuses_a_carrier_that_does_not_ship_where_the_order_goes(app):
    us_order()
    make_order("T100")
    shipper = Actor(label="user:bo", role="shipping")
    for order_no, carrier, number in (("U100", "ZTO", "773012345678901"), ("T100", "DHL", "1234567890")):
        with pytest.raises(Invalid) as refused:
            record_shipment(order_no, ShipmentInput(carrier, number, date(2026, 3, 4)), shipper, NOW, date(2026, 3, 4),
                            {}, lambda *_: None)
        assert set(refused.value.fields) == {"carrier"}
    assert db.session.scalar(select(Shipment.id)) is None


def test_the_province_reach_lists_are_not_applied_to_an_address_abroad(app, login):
    db.session.add(CarrierExclusion(carrier="SF", province="NY"))
    db.session.commit()
    us_order()
    make_order("T100", province="NY")  # the same list does warn about an address in China with that "province"
    client = client_as(app, login, "shipping")
    assert 'data-test="carrier-warning"' in client.get("/orders/T100/ship").get_data(as_text=True)
    assert 'data-test="carrier-warning"' not in client.get("/orders/U100/ship").get_data(as_text=True)
    assert 'data-test="carrier-warning"' not in client.get("/orders/U100").get_data(as_text=True)
    shipped = _ship(client, carrier="SF", tracking_no="SF1234567890123")
    assert shipped.status_code == 302
    flashed = client.get("/orders/U100", headers=EN).get_data(as_text=True)
    assert "does not deliver" not in flashed and _order().status == "shipped"


def test_confirming_an_address_abroad_warns_of_no_carrier(app, login):
    db.session.add(CarrierExclusion(carrier="SF", province="NY"))
    db.session.commit()
    us_order()
    client = client_as(app, login, "agent")
    response = client.post("/orders/U100/confirm-address", data={"method": "chat"}, headers=EN, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Address confirmed." in html and "do not deliver" not in html


def test_correcting_an_address_abroad_keeps_its_country_and_reads_the_phone_there(app, login):
    us_order()
    client = client_as(app, login, "agent")
    form = client.get("/orders/U100/address", headers=EN).get_data(as_text=True)
    assert 'data-test="address-line2"' in form and "State / region" in form and 'data-test="address-district"' not in form
    assert '<option selected value="US">' in form or '<option value="US" selected>' in form
    response = client.post("/orders/U100/address", data={
        "recipient": "Jane Doe", "phone": "646 555 0199", "country": "US", "province": "", "city": "New York",
        "detail": "350 Fifth Avenue", "address_line2": "Suite 3", "postal_code": "10118"})
    assert response.status_code == 302
    order = _order()
    assert (order.country, order.address_line2, order.province) == ("US", "Suite 3", "")
    assert (order.phone, order.phone_valid) == ("+16465550199", True)


def test_a_province_is_still_needed_in_china(app, login):
    make_order("T100")
    response = client_as(app, login, "agent").post("/orders/T100/address", data={
        "recipient": "李四", "phone": "13912345678", "province": "", "city": "宁波市", "detail": "中山路 1 号"})
    assert response.status_code == 200 and 'data-test="error-province"' in response.get_data(as_text=True)
    assert _order("T100").province == "浙江省"


@pytest.mark.parametrize(("headers", "destination"), [(ZH, '<span translate="no">New York</span>, 美国'),
                                                    (EN, '<span translate="no">New York</span>, United States')])
def test_the_queue_shows_an_order_abroad_by_its_city_and_country(app, login, headers, destination):
    us_order()
    make_order("T100")
    html = client_as(app, login, "agent").get("/?group=confirm", headers=headers).get_data(as_text=True)
    assert f"<td>{destination}</td>" in html and "<td>浙江省 杭州市</td>" in html
