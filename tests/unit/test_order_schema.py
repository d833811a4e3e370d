import copy
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shopcs.errors import Invalid
from shopcs.orders.schemas import validate_order

GOOD = {
    "status": "paid",
    "placed_at": "2026-03-04T09:00:00+08:00",
    "paid_at": "2026-03-04T01:05:00Z",
    "customer": {"external_id": "b1", "name": "李四", "phone": "13812345678"},
    "shipping_address": {"recipient": "李四", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                         "detail": "文三路 100 号"},
    "items": [{"sku": "A", "title": "围巾", "quantity": 3, "unit_price": "10.10"}],
    "shipping_fee": 8,
    "total": "38.30",
}


def fields_of(data, order_no="T1") -> dict:
    with pytest.raises(Invalid) as caught:
        validate_order(order_no, data)
    return caught.value.fields


def changed(**changes):
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def test_a_good_payload_becomes_an_order_input_with_decimals_and_utc_times():
    order = validate_order("T1", GOOD)
    assert order.placed_at == datetime(2026, 3, 4, 1, 0, tzinfo=timezone.utc)
    assert order.total == Decimal("38.30") and order.shipping_fee == Decimal("8.00") and order.discount == Decimal("0.00")
    assert order.items[0].quantity == 3 and order.currency == "CNY"
    assert order.customer["email"] == "" and order.address["district"] == ""


def test_the_total_must_equal_items_plus_shipping_minus_discount():
    assert validate_order("T1", changed(discount="8.00", total="30.30")).total == Decimal("30.30")
    assert "38.30" in fields_of(changed(total="38.31"))["total"]


def test_every_problem_is_reported_at_once_with_dotted_paths():
    data = changed(status="lost", items=[{"sku": "", "title": "x", "quantity": "2", "unit_price": 1.5}, "junk"])
    data["customer"] = {"name": "no id"}
    data["shipping_address"]["city"] = "x" * 51
    assert set(fields_of(data)) == {"status", "items.0.sku", "items.0.quantity", "items.0.unit_price", "items.1",
                                    "customer.external_id", "shipping_address.city"}


@pytest.mark.parametrize("value", [-1, "-38.30", "38.305", "38.3001", "3.83e1", "NaN", 38.3, True, None, [], {"v": 1}])
def test_money_that_is_not_a_plain_non_negative_amount_is_refused(value):
    reason = fields_of(changed(total=value))["total"]
    assert "must equal" not in reason


def test_a_naive_or_missing_time_is_refused():
    assert "offset" in fields_of(changed(placed_at="2026-03-04T09:00:00"))["placed_at"]
    assert fields_of(changed(placed_at=None))["placed_at"] == "is required"


def test_paid_orders_need_a_paid_time_and_unpaid_ones_must_not_have_one():
    assert "paid_at" in fields_of(changed(paid_at=None))
    assert "paid_at" in fields_of(changed(status="unpaid"))
    assert validate_order("T1", changed(status="cancelled", paid_at=None)).paid_at is None


def test_texts_are_limited_to_the_column_sizes_and_must_be_strings():
    data = changed()
    data["items"][0]["title"] = "x" * 201
    data["customer"]["phone"] = 13812345678
    assert set(fields_of(data)) == {"items.0.title", "customer.phone"}
    assert "order_no" in fields_of(GOOD, order_no="x" * 65)


def test_objects_and_lists_must_have_the_right_shape():
    fields = fields_of(changed(customer=["b1"], shipping_address="here", items={"sku": "A"}))
    assert fields == {"customer": "must be an object", "shipping_address": "must be an object", "items": "must be a list"}
    assert fields_of([GOOD]) == {"": "must be an object"}


@pytest.mark.parametrize("order_no, reason", [("A/B", "must not contain /"), (" T1", "must not start or end with spaces"),
                                              ("", "is required"), ("T" * 65, "must be at most 64 characters")])
def test_an_order_number_must_be_usable_in_the_orders_page_address(order_no, reason):
    assert fields_of(GOOD, order_no=order_no) == {"order_no": reason}
