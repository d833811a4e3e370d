"""POST /api/v1/orders/<order_no>/shipments: the platform's or ERP's shipments, once each, on both databases."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.audit.services import entries_for_order
from shopcs.extensions import db
from shopcs.followup.settings import save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Order, Shipment

from ..builders import NOW, make_order, make_token

BODY = {"carrier": "SF", "tracking_no": "SF1234567890123", "shipped_at": "2026-03-04T15:30:00+08:00"}


@pytest.fixture
def post(client):
    headers = {"Authorization": f"Bearer {make_token('erp')}"}

    def send(order_no, body=None, **changes):
        return client.post(f"/api/v1/orders/{order_no}/shipments", json={**(body or BODY), **changes}, headers=headers)

    return send


def counts() -> dict:
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Shipment, AuditEntry, OutboxMessage)}


def stored(order_no: str) -> Order:
    db.session.rollback()
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def test_a_new_shipment_is_201_and_the_paid_order_becomes_shipped(post):
    make_order("T100", status="paid")

    response = post("T100")

    assert response.status_code == 201
    assert response.json | {"id": None, "created_at": None} == {
        "id": None, "carrier": "SF", "carrier_name": "SF", "tracking_no": "SF1234567890123", "shipped_on": "2026-03-04",
        "shipped_at": "2026-03-04T07:30:00+00:00", "source": "api", "shipment_status": None, "flagged": False,
        "flag_reasons": [], "created_at": None}
    order = stored("T100")
    assert order.status == "shipped"
    assert [(e.actor, e.action) for e in entries_for_order(order.id)] == [
        ("token:erp", "order.status"), ("token:erp", "shipment.created")]


def test_the_order_api_lists_the_shipment_with_the_same_facts(post, client):
    make_order("T100")
    created = post("T100").json

    order = client.get("/api/v1/orders/T100", headers={"Authorization": f"Bearer {make_token()}"}).json

    assert order["status"] == "shipped" and order["shipments"] == [created]


def test_the_same_carrier_and_number_again_is_200_with_the_same_shipment_and_nothing_new(post):
    make_order("T100")
    first = post("T100")
    before = counts()

    again = post("T100", tracking_no="sf 1234 5678 90123", carrier="SF Express")

    assert again.status_code == 200 and again.json == first.json
    assert counts() == before


def test_a_number_our_form_recorded_already_is_answered_200_with_that_shipment(post, app):
    make_order("T100")
    from shopcs.followup.notices import shipping_notices
    from shopcs.orders.handling import ShipmentInput, record_shipment
    form_shipment, _ = record_shipment("T100", ShipmentInput("SF", "SF1234567890123", NOW.date()),
                                       Actor.system("form"), NOW, NOW.date(), {}, shipping_notices("manual"))
    before = counts()

    response = post("T100")

    assert response.status_code == 200 and response.json["id"] == form_shipment.id
    assert response.json["source"] == "shopcs" and counts() == before


def test_bad_input_is_422_naming_each_field_and_writes_nothing(post):
    make_order("T100")
    before = counts()

    response = post("T100", {"carrier": "", "tracking_no": 123, "shipped_at": "2026-03-04 15:30"})

    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"carrier", "tracking_no", "shipped_at"}
    assert counts() == before and stored("T100").status == "paid"


def test_a_ship_time_in_the_future_is_422_but_a_little_clock_skew_is_not(post):
    make_order("T100")
    now = datetime.now(timezone.utc)

    later = post("T100", shipped_at=(now + timedelta(hours=1)).isoformat())
    skewed = post("T100", shipped_at=(now + timedelta(minutes=1)).isoformat())

    assert later.status_code == 422 and later.json["error"]["fields"] == {"shipped_at": "is in the future"}
    assert skewed.status_code == 201


def test_an_unknown_order_is_404_and_writes_nothing(post):
    before = counts()

    response = post("NOPE")

    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert counts() == before


@pytest.mark.parametrize("status", ["cancelled", "closed"])
def test_an_order_the_platform_cancelled_or_closed_is_409_and_stays_as_it_is(post, status):
    make_order("T100", status=status)
    before = counts()

    response = post("T100")

    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert response.json["error"]["fields"] == {"order_no": f"the order is {status}"}
    assert counts() == before and stored("T100").status == status


def test_an_unpaid_order_the_platform_ships_becomes_shipped_and_paid_at_the_latest_when_shipped(post):
    make_order("T100", status="unpaid")

    assert post("T100").status_code == 201

    order = stored("T100")
    assert order.status == "shipped" and order.paid_at == datetime(2026, 3, 4, 7, 30, tzinfo=timezone.utc)
    status_change = [e for e in entries_for_order(order.id) if e.action == "order.status"][0]
    assert (status_change.before, status_change.after) == (
        {"status": "unpaid", "paid_at": None}, {"status": "shipped", "paid_at": "2026-03-04 07:30:00+00:00"})


def test_an_order_shopcs_closed_itself_for_want_of_payment_takes_the_platforms_shipment_and_says_so(post):
    order = make_order("T100", status="closed", paid_at=None, closed_here_at=NOW)

    assert post("T100").status_code == 201
    stored_order = stored("T100")
    assert stored_order.status == "shipped" and stored_order.closed_here_at is None and stored_order.paid_at is not None
    actions = [entry.action for entry in entries_for_order(order.id)]
    assert "order.paid_after_local_close" in actions and "order.status" not in actions


def test_a_shipment_of_a_completed_order_is_taken_and_the_order_stays_completed(post):
    make_order("T100", status="completed")

    assert post("T100").status_code == 201
    assert stored("T100").status == "completed"


def test_a_second_parcel_of_a_shipped_order_is_a_second_shipment(post):
    make_order("T100")
    post("T100")

    second = post("T100", tracking_no="SF1234567890124")

    assert second.status_code == 201 and len(stored("T100").shipments) == 2


def test_a_number_already_recorded_for_another_order_is_409(post):
    make_order("T100")
    make_order("T200")
    post("T100")
    before = counts()

    response = post("T200")

    assert response.status_code == 409 and response.json["error"]["fields"] == {
        "tracking_no": "is already recorded for another order"}
    assert counts() == before


def test_a_number_that_does_not_fit_the_carriers_format_is_taken_and_flagged(post):
    make_order("T100")

    response = post("T100", tracking_no="12345")

    assert response.status_code == 201
    assert (response.json["flagged"], response.json["flag_reasons"]) == (True, ["format"])
    assert stored("T100").status == "shipped"


@pytest.mark.parametrize(("name", "code"), [("SF Express", "SF"), ("顺丰", "SF"), ("China Post", "EMS"),
                                            ("ZTO Express", "ZTO"), ("yunda", "YUNDA"), ("STO", "STO")])
def test_carrier_names_as_platforms_write_them_become_our_codes(post, name, code):
    make_order("T100")
    numbers = {"SF": "SF1234567890123", "EMS": "EA123456785CN", "ZTO": "773012345678901", "YUNDA": "4312345678901",
               "STO": "7730123456789"}

    response = post("T100", carrier=name, tracking_no=numbers[code])

    assert response.status_code == 201
    assert (response.json["carrier"], response.json["carrier_name"], response.json["flagged"]) == (code, name, False)


def test_a_carrier_shopcs_does_not_know_is_kept_by_its_name_and_flagged(post):
    make_order("T100")

    response = post("T100", carrier="Best Express", tracking_no="BEST12345678")

    assert response.status_code == 201
    assert response.json["carrier"] == "OTHER" and response.json["carrier_name"] == "Best Express"
    assert response.json["flag_reasons"] == ["unknown_carrier"]


def test_the_buyers_notice_is_not_queued_by_default(post):
    make_order("T100")

    post("T100")

    assert counts()["outbox_messages"] == 0


def test_the_buyers_notice_is_queued_once_when_the_setting_is_on(post):
    save_settings({"notify_platform_shipments": True}, Actor.system("test"), NOW)
    make_order("T100")

    post("T100")
    post("T100")

    notices = list(db.session.scalars(select(OutboxMessage)))
    assert [n.kind for n in notices] == ["shipping_notice"] and "SF1234567890123" in notices[0].body
