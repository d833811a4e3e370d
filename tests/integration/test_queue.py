from datetime import date, timedelta
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from shopcs.extensions import db
from shopcs.followup.queries import reminders_sent
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Refund, Shipment
from shopcs.orders.queue import QueueQuery, group_counts, list_page, query_from_args

from ..builders import NOW, make_customer, make_order

TODAY = date(2026, 3, 4)


def _nos(query):
    return [row.order_no for row in list_page(query, TODAY).rows]


def _paid(hours_ago):
    return NOW - timedelta(hours=hours_ago)


def _scene():
    """One order per situation, plus orders that need nothing."""
    make_order("C1", paid_at=_paid(3))
    make_order("C2", paid_at=_paid(5), phone="12345")  # unconfirmed and flagged
    make_order("S1", paid_at=_paid(9), address_confirmed_at=NOW, address_confirmed_by="user:amy",
               address_confirm_method="chat")
    make_order("D1", paid_at=_paid(30), promised_ship_date=TODAY, address_confirmed_at=NOW)
    make_order("D2", paid_at=_paid(40), promised_ship_date=TODAY - timedelta(days=2), address_confirmed_at=NOW)
    make_order("LATER", paid_at=_paid(50), promised_ship_date=TODAY + timedelta(days=1), address_confirmed_at=NOW)
    make_order("U1", status="unpaid", phone="n/a", placed_at=_paid(60))  # flagged while unpaid; listed by placing time
    make_order("X1", status="shipped", phone="n/a")  # shipped: its phone no longer matters here
    refunded = make_order("R1", status="shipped", commit=False)
    db.session.flush()
    for amount in ("10.00", "20.00"):  # two open requests: still one order in the group
        db.session.add(Refund(order_id=refunded.id, amount=Decimal(amount), reason="size", status="requested",
                              requested_by="user:amy", requested_at=NOW))
    db.session.add(Shipment(order_id=refunded.id, carrier="SF", tracking_no="SF1234567890123",
                            shipped_on=TODAY, created_by="user:bo", created_at=NOW))
    db.session.commit()


def test_each_group_lists_the_orders_that_need_that_thing_with_its_count(app):
    _scene()
    assert _nos(QueueQuery("confirm")) == ["C2", "C1"]
    assert _nos(QueueQuery("ship")) == ["LATER", "D2", "D1", "S1"]
    assert _nos(QueueQuery("due")) == ["D2", "D1"]
    assert _nos(QueueQuery("refund")) == ["R1"]
    assert _nos(QueueQuery("flagged")) == ["U1", "C2"]
    assert _nos(QueueQuery("unpaid")) == ["U1"]
    assert group_counts(TODAY) == {"confirm": 2, "ship": 4, "due": 2, "refund": 1, "flagged": 2, "unpaid": 1}


def test_the_unpaid_tab_lists_open_unpaid_orders_closing_soonest_first_with_the_reminders_sent(app):
    first, second = make_order("U2", status="unpaid", placed_at=_paid(40)), make_order("U1", status="unpaid", placed_at=_paid(60))
    make_order("CLOSED", status="closed", placed_at=_paid(80), paid_at=None)
    make_order("GONE", status="cancelled", placed_at=_paid(10))
    for order, step, status in [(second, 1, "sent"), (second, 2, "sent"), (first, 1, "sent"), (first, 2, "pending")]:
        db.session.add(OutboxMessage(dedupe_key=f"unpaid_reminder:{order.id}:{step}", kind="unpaid_reminder", order_id=order.id,
                                     body="请付款", scheduled_for=NOW, status=status, created_at=NOW))
    db.session.add(OutboxMessage(dedupe_key="other", kind="shipping_notice", order_id=first.id, body="x", scheduled_for=NOW,
                                 status="sent", created_at=NOW))
    db.session.commit()
    page = list_page(QueueQuery("unpaid"), TODAY)
    assert [row.order_no for row in page.rows] == ["U1", "U2"] and page.total == 2
    assert reminders_sent(page.rows) == {second.id: 2, first.id: 1}
    assert reminders_sent([]) == {}


def test_a_due_date_becomes_due_when_its_day_comes(app):
    _scene()
    assert "LATER" in [r.order_no for r in list_page(QueueQuery("due"), TODAY + timedelta(days=1)).rows]


def test_search_finds_an_order_by_number_buyer_name_or_phone_in_any_state(app):
    buyer = make_customer(name="王芳")
    make_order("A-100", recipient="李四", phone="13900001111", customer=buyer, status="shipped")
    make_order("A-200", recipient="赵六", phone="13700002222")
    assert _nos(QueueQuery("search", q="A-100")) == ["A-100"]
    assert _nos(QueueQuery("search", q="李四")) == ["A-100"]
    assert _nos(QueueQuery("search", q="王芳")) == ["A-100"]
    assert _nos(QueueQuery("search", q="139 0000 1111")) == ["A-100"]
    assert _nos(QueueQuery("search", q="+86 137-0000-2222")) == ["A-200"]
    assert _nos(QueueQuery("search", q="1390000")) == []  # phones match whole, not in part
    assert _nos(QueueQuery("search", q="")) == []


def test_search_inside_a_group_keeps_the_group(app):
    make_order("A-1", recipient="李四")
    make_order("A-2", recipient="李四", address_confirmed_at=NOW)
    assert _nos(QueueQuery("confirm", q="李四")) == ["A-1"]


def test_the_list_sorts_oldest_paid_first_newest_first_or_by_total(app):
    make_order("OLD", paid_at=_paid(10), total="50.00")
    make_order("MID", paid_at=_paid(5), total="300.00")
    make_order("NEW", paid_at=_paid(1), total="120.00")
    assert _nos(QueueQuery("confirm")) == ["OLD", "MID", "NEW"]
    assert _nos(QueueQuery("confirm", sort="newest")) == ["NEW", "MID", "OLD"]
    assert _nos(QueueQuery("confirm", sort="total")) == ["MID", "NEW", "OLD"]


def test_the_list_pages_by_fifty_and_a_page_past_the_end_shows_the_last(app):
    customer = make_customer()
    for i in range(55):
        make_order(f"P{i:03d}", customer=customer, paid_at=_paid(100 - i), commit=False)
    db.session.commit()
    first, second = list_page(QueueQuery("confirm"), TODAY), list_page(QueueQuery("confirm", page=2), TODAY)
    assert (len(first.rows), first.total, first.pages) == (50, 55, 2)
    assert [r.order_no for r in second.rows] == [f"P{i:03d}" for i in range(50, 55)]
    assert list_page(QueueQuery("confirm", page=9), TODAY).page == 2


def test_filters_narrow_a_group_by_province_or_by_a_carrier_that_does_not_reach_it(app):
    make_order("ZJ", province="浙江省")
    make_order("XJ", province="新疆维吾尔自治区")
    make_order("XZ", province="西藏")
    assert _nos(QueueQuery("confirm", province="新疆")) == ["XJ"]
    assert sorted(_nos(QueueQuery("confirm", unreachable=("新疆维吾尔自治区", "西藏自治区")))) == ["XJ", "XZ"]
    assert _nos(QueueQuery("confirm", unreachable=())) == []  # a carrier that reaches everywhere


def test_rows_carry_what_the_list_shows_in_one_query(app):
    make_order("ONE", recipient="李四", customer=make_customer(name="王芳"), phone="13812345678")
    row = list_page(QueueQuery("confirm"), TODAY).rows[0]
    assert (row.recipient, row.customer_name, row.phone, row.phone_valid, row.total) == (
        "李四", "王芳", "13812345678", True, Decimal("100.00"))


def test_query_parameters_fall_back_to_defaults_when_they_make_no_sense(app):
    exclusions = {"ZTO": ["西藏自治区"], "SF": []}
    junk = query_from_args(MultiDict({"group": "drop table", "sort": "x", "page": "²", "unreachable": "nope"}), exclusions)
    assert junk == QueueQuery()
    searched = query_from_args(MultiDict({"q": " 李四 ", "page": "3", "unreachable": "ZTO", "sort": "total"}), exclusions)
    assert (searched.group, searched.q, searched.page, searched.unreachable, searched.sort) == (
        "search", "李四", 3, ("西藏自治区",), "total")
    assert query_from_args(MultiDict({"unreachable": "SF"}), exclusions).unreachable == ()


def test_a_page_reuses_the_group_count_unless_a_search_or_filter_narrows_it(app):
    make_order("ONE", province="浙江省")
    counts = group_counts(TODAY)
    assert list_page(QueueQuery("confirm"), TODAY, counts).total == 1
    assert list_page(QueueQuery("confirm", province="西藏"), TODAY, counts).total == 0
