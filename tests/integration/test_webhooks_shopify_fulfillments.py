"""Shopify's fulfillments/create and fulfillments/update (tests/fixtures/shopify) as shipments, on both databases."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.services import entries_for_order
from shopcs.extensions import db
from shopcs.followup.settings import save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.details import timeline
from shopcs.orders.models import Shipment

from ..builders import NOW
from ..webhook_builders import SECRETS, counts, deliveries, fixture_bytes, order, post_shopify, refusals

ORDER_NO = "SHOPIFY-1234"


@pytest.fixture
def app_config():
    return dict(SECRETS)


@pytest.fixture
def paid_order(client):
    assert post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-order").status_code == 200


def fulfilment(name="fulfillments_create", **changes) -> bytes:
    data = json.loads(fixture_bytes("shopify", name))
    data.update(changes)
    return json.dumps(data).encode()


def send(client, webhook_id, body=None, topic="fulfillments/create"):
    return post_shopify(client, topic, body or fixture_bytes("shopify", "fulfillments_create"), webhook_id)


def shipments() -> list[tuple]:
    db.session.rollback()
    return [tuple(r) for r in db.session.execute(select(
        Shipment.carrier, Shipment.carrier_name, Shipment.tracking_no, Shipment.source, Shipment.external_id,
        Shipment.flagged, Shipment.flag_reason).order_by(Shipment.id))]


def everything() -> dict:
    db.session.rollback()
    return {**counts(), "shipments": shipments(),
            "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage))}


def test_fulfillments_create_makes_a_shipment_and_ships_the_order(client, paid_order):
    response = send(client, "wh-f1")

    assert response.status_code == 200 and response.get_json() == {"outcome": "shipped"}
    assert shipments() == [("SF", "SF Express", "SF1234567890123", "shopify", "123456", False, None)]
    found = order(ORDER_NO)
    assert found.status == "shipped"
    assert found.shipments[0].shipped_on == date(2022, 1, 2)  # 09:00 New York is 22:00 in Shanghai
    assert deliveries()[-1] == ("shopify", "wh-f1", "shipped")


def test_the_timeline_names_the_shopify_webhook(client, paid_order):
    send(client, "wh-f1")

    events = timeline(order(ORDER_NO), "Asia/Shanghai")
    assert [(e.actor, e.action) for e in events if e.action.startswith(("shipment", "order.status"))][-2:] == [
        ("webhook:Shopify webhook", "order.status"), ("webhook:Shopify webhook", "shipment.created")]


def test_a_replayed_delivery_is_a_duplicate_and_changes_nothing(client, paid_order):
    send(client, "wh-f1")
    before = everything()

    again = send(client, "wh-f1")

    assert again.status_code == 200 and again.get_json() == {"outcome": "duplicate"}
    assert everything() == before


def test_a_new_delivery_of_the_same_fulfilment_unchanged_adds_nothing(client, paid_order):
    send(client, "wh-f1")
    before = everything()

    update = send(client, "wh-f2", topic="fulfillments/update")

    assert update.get_json() == {"outcome": "ignored"}
    assert everything() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}


def test_an_update_with_a_new_tracking_number_changes_that_fulfilments_shipment(client, paid_order):
    send(client, "wh-f1")

    update = send(client, "wh-f2", fixture_bytes("shopify", "fulfillments_update"), topic="fulfillments/update")

    assert update.get_json() == {"outcome": "shipment_updated"}
    assert shipments() == [("SF", "SF Express", "SF1234567890124", "shopify", "123456", False, None)]
    assert order(ORDER_NO).shipments[0].shipment_status == "in_transit"
    changed = [e for e in entries_for_order(order(ORDER_NO).id) if e.action == "shipment.updated"]
    assert (changed[0].actor, changed[0].before, changed[0].after) == (
        "webhook:Shopify webhook", {"tracking_no": "SF1234567890123", "shipment_status": None},
        {"tracking_no": "SF1234567890124", "shipment_status": "in_transit"})


def test_an_update_that_arrives_first_creates_the_shipment(client, paid_order):
    response = send(client, "wh-f2", fixture_bytes("shopify", "fulfillments_update"), topic="fulfillments/update")

    assert response.get_json() == {"outcome": "shipped"}
    assert [s[2] for s in shipments()] == ["SF1234567890124"]


def test_a_wrongly_formatted_number_is_taken_and_flagged_not_refused(client, paid_order):
    response = send(client, "wh-f1", fulfilment(tracking_number="SF12", tracking_numbers=["SF12"]))

    assert response.status_code == 200 and response.get_json() == {"outcome": "shipped"}
    assert shipments() == [("SF", "SF Express", "SF12", "shopify", "123456", True, "format")]
    assert order(ORDER_NO).status == "shipped"


def test_the_published_ups_sample_is_taken_and_flagged_for_its_number_that_is_no_ups_number(client, paid_order):
    response = send(client, "wh-f1", fixture_bytes("shopify", "fulfillments_create_ups"))

    assert response.get_json() == {"outcome": "shipped"}
    assert shipments() == [("UPS", "UPS", "1Z827WK74630", "shopify", "123456", True, "format")]


def test_a_carrier_shopcs_does_not_know_is_kept_by_name_and_flagged(client, paid_order):
    send(client, "wh-f1", fulfilment(tracking_company="Yanwen", tracking_number="UG123456785YP",
                                     tracking_numbers=["UG123456785YP"]))

    assert shipments() == [("OTHER", "Yanwen", "UG123456785YP", "shopify", "123456", True, "unknown_carrier")]


def test_several_tracking_numbers_keep_the_first_and_flag_the_rest_for_a_look(client, paid_order):
    send(client, "wh-f1", fulfilment(tracking_number="SF1234567890123",
                                     tracking_numbers=["SF1234567890123", "SF1234567890125"]))

    assert shipments() == [("SF", "SF Express", "SF1234567890123", "shopify", "123456", True, "several_numbers")]


def test_a_cancelled_fulfilment_flags_the_shipment_it_made(client, paid_order):
    send(client, "wh-f1")

    response = send(client, "wh-f2", fulfilment(status="cancelled"), topic="fulfillments/update")

    assert response.get_json() == {"outcome": "shipment_updated"}
    assert shipments()[0][-2:] == (True, "cancelled")


def test_a_fulfilment_without_a_tracking_number_is_noted_and_writes_no_shipment(client, paid_order):
    response = send(client, "wh-f1", fulfilment(tracking_number=None, tracking_numbers=[]))

    assert response.get_json() == {"outcome": "ignored"} and shipments() == []


def test_a_fulfilment_before_its_order_reached_shopcs_is_refused_and_taken_on_retry(client):
    before = counts()

    early = send(client, "wh-f1")

    assert early.status_code == 422
    assert counts() == {**before, "webhook_deliveries": before["webhook_deliveries"] + 1}
    assert refusals()[0][:3] == ("shopify", "wh-f1", "fulfillments/create")
    post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-order")
    assert send(client, "wh-f1").get_json() == {"outcome": "shipped"}


def test_a_fulfilment_of_a_cancelled_order_is_refused_with_the_reason(client):
    post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_create"), "wh-1")
    post_shopify(client, "orders/cancelled", fixture_bytes("shopify", "orders_cancelled"), "wh-2")

    response = send(client, "wh-f1")

    assert response.status_code == 422 and shipments() == []
    assert "the order is cancelled" in refusals()[0][3]


def test_the_buyers_notice_is_not_queued_by_default(client, paid_order):
    send(client, "wh-f1")

    assert everything()["outbox"] == 0


def test_the_buyers_notice_is_queued_once_per_fulfilment_when_the_setting_is_on(client, paid_order):
    save_settings({"notify_platform_shipments": True}, Actor.system("test"), NOW)

    send(client, "wh-f1")
    send(client, "wh-f2", fixture_bytes("shopify", "fulfillments_update"), topic="fulfillments/update")

    notices = list(db.session.scalars(select(OutboxMessage)))
    assert [n.kind for n in notices] == ["shipping_notice"] and "顺丰速运" in notices[0].body


def test_a_tracking_number_too_long_to_store_is_refused_and_writes_nothing(client, paid_order):
    response = send(client, "wh-f1", fulfilment(tracking_number="SF" + "1" * 60, tracking_numbers=[]))

    assert response.status_code == 422 and shipments() == []
    assert "tracking_no" in refusals()[0][3]
