"""The order-status answer built from an order in memory (no app, no database): the widget's data and the one-line
text for an automatic reply, in Chinese and English, with nothing personal in either."""
from datetime import date

import pytest

from shopcs.assistant.order_status import public_status, status_text
from shopcs.orders.models import Order, Shipment

PERSONAL = ("王小明", "13812345678", "浙江省", "杭州市", "文三路 100 号")


def _order(status="shipped", promised=date(2026, 12, 2), shipments=()):
    return Order(order_no="T1001", status=status, recipient="王小明", phone="13812345678", province="浙江省",
                 city="杭州市", district="西湖区", detail="文三路 100 号", promised_ship_date=promised,
                 shipments=list(shipments))


def _parcel(carrier="SF", tracking_no="SF1234567890123", shipped_on=date(2026, 12, 1), **more):
    return Shipment(carrier=carrier, tracking_no=tracking_no, shipped_on=shipped_on, **more)


def test_public_status_holds_the_status_the_promised_date_and_the_parcels_only():
    order = _order(shipments=[_parcel()])
    assert public_status(order, "en") == {"status": "shipped", "promised_ship_date": "2026-12-02", "shipments": [
        {"carrier": "SF", "carrier_name": "SF Express", "tracking_no": "SF1234567890123", "shipped_at": "2026-12-01"}]}
    assert public_status(order, "zh_CN")["shipments"][0]["carrier_name"] == "顺丰速运"
    assert [word for word in PERSONAL if word in repr(public_status(order, "zh_CN"))] == []


def test_a_parcel_the_platform_cancelled_is_left_out_and_an_unknown_carrier_keeps_the_platforms_name():
    order = _order(shipments=[_parcel(flag_reason="format,cancelled"),
                              _parcel(carrier="OTHER", tracking_no="DHL123456", carrier_name="DHL Express")])
    assert public_status(order, "zh")["shipments"] == [
        {"carrier": "OTHER", "carrier_name": "DHL Express", "tracking_no": "DHL123456", "shipped_at": "2026-12-01"}]


def test_no_promised_date_is_null():
    assert public_status(_order(status="paid", promised=None), "en") == {
        "status": "paid", "promised_ship_date": None, "shipments": []}


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Order T1001: shipped with SF Express, tracking SF1234567890123, shipped 2026-12-01"),
    ("zh_CN", "订单 T1001：已发货，顺丰速运 SF1234567890123（2026-12-01 发出）"),
    ("zh-CN", "订单 T1001：已发货，顺丰速运 SF1234567890123（2026-12-01 发出）"),
])
def test_a_shipped_order_reads_as_carrier_tracking_number_and_ship_date(language, expected):
    assert status_text(_order(shipments=[_parcel()]), language) == expected


def test_several_parcels_are_listed_in_one_line():
    order = _order(shipments=[_parcel(), _parcel(carrier="ZTO", tracking_no="773012345678901", shipped_on=date(2026, 12, 2))])
    assert status_text(order, "en") == ("Order T1001: shipped with SF Express, tracking SF1234567890123, shipped "
                                        "2026-12-01; with ZTO Express, tracking 773012345678901, shipped 2026-12-02")
    assert status_text(order, "zh") == ("订单 T1001：已发货，顺丰速运 SF1234567890123（2026-12-01 发出）；"
                                        "中通快递 773012345678901（2026-12-02 发出）")


@pytest.mark.parametrize(("promised", "language", "expected"), [
    (date(2026, 12, 3), "en", "Order T1001: paid, promised to ship by 2026-12-03"),
    (date(2026, 12, 3), "zh_CN", "订单 T1001：已付款，预计 2026-12-03 前发货"),
    (None, "en", "Order T1001: paid, not shipped yet"),
    (None, "zh_CN", "订单 T1001：已付款，尚未发货"),
])
def test_a_paid_order_not_yet_shipped_reads_as_its_promised_date(promised, language, expected):
    assert status_text(_order(status="paid", promised=promised), language) == expected


@pytest.mark.parametrize(("status", "en", "zh"), [
    ("unpaid", "Order T1001: awaiting payment", "订单 T1001：待付款"),
    ("cancelled", "Order T1001: cancelled", "订单 T1001：已取消"),
    ("closed", "Order T1001: closed", "订单 T1001：已关闭"),
])
def test_other_statuses_are_one_word(status, en, zh):
    order = _order(status=status, promised=date(2026, 12, 3))
    assert (status_text(order, "en"), status_text(order, "zh_CN")) == (en, zh)


def test_an_unknown_language_gets_english_and_nothing_personal_is_in_the_text():
    text = status_text(_order(shipments=[_parcel()]), "fr")
    assert text.startswith("Order T1001: shipped")
    assert [word for word in PERSONAL if word in text + status_text(_order(), "zh_CN")] == []
