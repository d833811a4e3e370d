"""Carrier names as platforms write them, the flags a platform's shipment earns, and Shopify's fulfilment facts."""
from datetime import datetime, timezone

import pytest

from shopcs.errors import Invalid
from shopcs.orders.shipping import carrier_code, platform_flags
from shopcs.webhooks.shopify import fulfillment_facts


@pytest.mark.parametrize(("name", "code"), [
    ("SF Express", "SF"), ("sf", "SF"), ("  SF   Express ", "SF"), ("顺丰速运", "SF"), ("YTO Express", "YTO"),
    ("China Post", "EMS"), ("China EMS (ePacket)", "EMS"), ("ZTO Express", "ZTO"), ("Yunda", "YUNDA"),
    ("STO", "STO"), ("jd", "JD"), ("京东物流", "JD"),
])
def test_a_carrier_named_as_a_platform_names_it_has_our_code(name, code):
    assert carrier_code(name) == code


@pytest.mark.parametrize("name", ["Yanwen", "Best Express", "", "Other", "other"])
def test_a_carrier_we_do_not_know_has_no_code(name):
    assert carrier_code(name) is None


def test_a_known_carrier_with_a_fitting_number_earns_no_flag():
    assert platform_flags("SF", "SF1234567890123", known_carrier=True) == []


def test_a_number_that_does_not_fit_earns_the_format_flag():
    assert platform_flags("SF", "SF12", known_carrier=True) == ["format"]


def test_an_unknown_carrier_is_flagged_and_its_number_checked_loosely():
    assert platform_flags("OTHER", "1Z827WK74630", known_carrier=False) == ["unknown_carrier"]
    assert platform_flags("OTHER", "1Z", known_carrier=False) == ["unknown_carrier", "format"]


def test_a_fulfilment_gives_its_ids_numbers_and_the_order_number_from_its_name():
    facts = fulfillment_facts({"id": 123456, "order_id": 820982911946154508, "name": "#1234.2", "status": "success",
                               "tracking_company": "SF Express", "tracking_number": "SF1", "tracking_numbers": ["SF1", "SF2"],
                               "shipment_status": "in_transit", "created_at": "2022-01-02T09:00:00-05:00"})
    assert (facts.fulfillment_id, facts.order_id, facts.order_name, facts.failed) == ("123456", "820982911946154508", "1234", False)
    assert facts.tracking_numbers == ("SF1", "SF2") and facts.shipment_status == "in_transit"
    assert facts.created_at == datetime(2022, 1, 2, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("status", ["cancelled", "error", "failure"])
def test_a_fulfilment_that_shipped_nothing_is_failed(status):
    assert fulfillment_facts({"id": 1, "order_id": 2, "status": status}).failed


def test_a_name_that_is_not_a_plain_order_number_gives_none():
    assert fulfillment_facts({"id": 1, "order_id": 2, "name": "SO-12.1"}).order_name == ""


def test_a_fulfilment_without_its_ids_cannot_be_mapped():
    with pytest.raises(Invalid) as caught:
        fulfillment_facts({"tracking_number": "SF1"})
    assert set(caught.value.fields) == {"id", "order_id"}
