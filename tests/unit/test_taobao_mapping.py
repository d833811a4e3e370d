"""One Taobao export row as the API's order payload: statuses, shop-time conversion, address split, pricing."""
from datetime import datetime, timezone

import pytest

from shopcs.orders.schemas import validate_order
from shopcs.orders.taobao_address import AddressError, split_address
from shopcs.orders.taobao_mapping import local_time, map_status, order_payload, schema_column

ROW = {"订单编号": "3051234567890123451", "买家会员名": "李四", "买家应付货款": "99.00", "买家应付邮费": "10.00",
       "总金额": "109.00", "订单状态": "买家已付款，等待卖家发货", "收货人姓名": "李四",
       "收货地址": "浙江省 杭州市 西湖区 文三路 100 号(310000)", "联系手机": "13812345678",
       "订单创建时间": "2026-03-04 09:00:00", "订单付款时间": "2026-03-04 09:05:00", "宝贝标题": "羊毛围巾，针织手套"}


def payload(zone="Asia/Shanghai", **changes):
    return order_payload({**ROW, **changes}, zone)


@pytest.mark.parametrize(("text", "paid", "status"), [
    ("等待买家付款", False, "unpaid"),
    ("买家已付款，等待卖家发货", True, "paid"),
    ("买家已付款,等待卖家发货", True, "paid"),  # a half-width comma, as a re-saved file may have
    ("卖家部分发货", True, "paid"),
    ("卖家已发货，等待买家确认", True, "shipped"),
    ("卖家已发货, 等待买家确认", True, "shipped"),
    ("交易成功", True, "completed"),
    ("交易关闭", True, "closed"),
    ("交易关闭", False, "cancelled"),
    ("交易自动关闭", False, "cancelled"),
])
def test_chinese_statuses_map_to_shopcs_statuses(text, paid, status):
    assert map_status(text, paid) == status


def test_an_unknown_status_is_named_in_the_reason():
    with pytest.raises(ValueError, match="not a Taobao order status ShopCS knows: 退款中"):
        map_status("退款中", True)


def test_export_times_are_shop_time_and_become_utc_through_the_schema():
    assert local_time("2026-03-04 09:05:00", "Asia/Shanghai").utcoffset().total_seconds() == 8 * 3600
    assert local_time("2026/3/4 9:05", "Asia/Shanghai") == local_time("2026-03-04 09:05:00", "Asia/Shanghai")
    assert local_time("", "Asia/Shanghai") is None and local_time("null", "Asia/Shanghai") is None
    order = validate_order(*payload()[:2])
    assert order.paid_at == datetime(2026, 3, 4, 1, 5, tzinfo=timezone.utc)
    in_london = validate_order(*payload(zone="Europe/London")[:2])
    assert in_london.paid_at == datetime(2026, 3, 4, 9, 5, tzinfo=timezone.utc)


def test_a_time_that_is_not_a_time_is_refused():
    with pytest.raises(ValueError, match="not a time"):
        local_time("昨天", "Asia/Shanghai")


@pytest.mark.parametrize(("text", "parts"), [
    ("浙江省 杭州市 西湖区 文三路 100 号(310000)", ("浙江省", "杭州市", "西湖区", "文三路 100 号", "310000")),
    ("浙江省 杭州市 西湖区 文新街道 文三路100号（310012）", ("浙江省", "杭州市", "西湖区", "文新街道 文三路100号", "310012")),
    ("上海 上海市 浦东新区 张江路 1 号", ("上海", "上海市", "浦东新区", "张江路 1 号", "")),
    ("上海市 浦东新区 张江路 1 号", ("上海市", "上海市", "浦东新区", "张江路 1 号", "")),
    ("北京 朝阳区 建国路 88 号", ("北京", "北京市", "朝阳区", "建国路 88 号", "")),
    ("广东省 东莞市 长安镇振安路2号", ("广东省", "东莞市", "", "长安镇振安路2号", "")),
    ("广东省 东莞市 长安镇振安路 2 号", ("广东省", "东莞市", "", "长安镇振安路 2 号", "")),
    ("广东省 东莞市 长安镇 振安路 2 号", ("广东省", "东莞市", "长安镇", "振安路 2 号", "")),
    ("浙江省 杭州市 文三路 100 号", ("浙江省", "杭州市", "", "文三路 100 号", "")),
    ("内蒙古自治区 呼伦贝尔市 鄂温克族自治旗 巴彦托海镇 1 号", ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗", "巴彦托海镇 1 号", "")),
    ("江苏省\u3000南京市  建邺区 沙洲街道****", ("江苏省", "南京市", "建邺区", "沙洲街道****", "")),
])
def test_the_address_splits_into_province_city_district_and_detail(text, parts):
    address = split_address(text)
    assert tuple(address[k] for k in ("province", "city", "district", "detail", "postal_code")) == parts


@pytest.mark.parametrize("text", ["", "杭州市西湖区文三路100号", "浙江省 杭州市"])
def test_an_address_without_its_parts_is_refused(text):
    with pytest.raises(AddressError, match="省 市 区 详细地址"):
        split_address(text)


def test_the_order_is_one_line_priced_so_that_the_total_holds():
    order_no, data, problems = payload()
    order = validate_order(order_no, data)
    assert problems == [] and order_no == "3051234567890123451"
    assert [(i.sku, i.title, i.quantity, str(i.unit_price)) for i in order.items] == [("TAOBAO", "羊毛围巾，针织手套", 1, "99.00")]
    assert (str(order.shipping_fee), str(order.discount), str(order.total)) == ("10.00", "0.00", "109.00")
    assert order.customer == {"external_id": "李四", "name": "李四", "phone": "13812345678", "email": ""}
    assert order.address["city"] == "杭州市" and order.address["phone"] == "13812345678"


def test_a_merchant_code_becomes_the_sku_and_a_long_title_is_shortened():
    order = validate_order(*payload(商家编码="SCARF-01", 宝贝标题="围巾" * 150)[:2])
    assert order.items[0].sku == "SCARF-01" and len(order.items[0].title) == 200 and order.items[0].title.endswith("…")


def test_without_the_goods_amount_column_the_paid_amount_minus_postage_is_used():
    row = {k: v for k, v in ROW.items() if k != "买家应付货款"} | {"买家实际支付金额": "109.00"}
    order = validate_order(*order_payload(row, "Asia/Shanghai")[:2])
    assert str(order.items[0].unit_price) == "99.00" and str(order.total) == "109.00"


def test_the_modified_address_wins_and_the_landline_stands_in_for_a_missing_mobile():
    order = validate_order(*payload(修改后的收货地址="浙江省 宁波市 鄞州区 天童路 1 号", 联系手机="", 联系电话="0571-88886666")[:2])
    assert order.address["city"] == "宁波市" and order.address["phone"] == "0571-88886666"


def test_a_closed_order_never_paid_is_cancelled_and_one_paid_is_closed():
    assert payload(订单状态="交易关闭", 订单付款时间="")[1]["status"] == "cancelled"
    assert payload(订单状态="交易关闭")[1]["status"] == "closed"


def test_every_problem_of_a_row_is_named_by_its_export_column():
    order_no, _data, problems = payload(订单编号="3.05123E+18", 订单状态="退款中", 买家应付货款="12.3.4", 订单创建时间="昨天",
                                        收货地址="杭州")
    assert order_no == "3.05123E+18"
    assert {p.column for p in problems} == {"订单编号", "订单状态", "买家应付货款", "订单创建时间", "收货地址"}
    assert "Excel rounded it" in next(p.reason for p in problems if p.column == "订单编号")


def test_a_blank_goods_amount_is_required_and_a_blank_postage_is_zero():
    _no, data, problems = payload(买家应付货款="", 买家应付邮费="")
    assert [(p.column, p.reason) for p in problems] == [("买家应付货款", "is required")]
    assert data["shipping_fee"] == "0.00"


@pytest.mark.parametrize(("path", "column"), [
    ("status", "订单状态"), ("paid_at", "订单付款时间"), ("placed_at", "订单创建时间"), ("customer.external_id", "买家会员名"),
    ("shipping_address.recipient", "收货人姓名"), ("shipping_address.detail", "收货地址"), ("shipping_address.phone", "联系手机"),
    ("items.0.title", "宝贝标题"), ("items.0.unit_price", "买家应付货款"), ("total", "买家应付货款"), ("order_no", "订单编号"),
])
def test_schema_error_paths_point_back_to_the_export_columns(path, column):
    assert schema_column(path, ROW) == column
