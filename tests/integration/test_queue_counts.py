"""The queue's counts stop at a cap (capped_counts), so a busy festival week costs a page what a quiet day costs:
exact below the cap, "at least the cap" at it, in the tabs and in a list's pager. Both databases."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.orders.queue import PER_PAGE, QueueQuery, group_counts, list_page

from ..builders import NOW, make_customer, make_order

TODAY = date(2026, 3, 4)


def _unconfirmed(count: int, prefix: str = "P") -> None:
    customer = make_customer()
    for i in range(count):
        make_order(f"{prefix}{i:03d}", customer=customer, paid_at=NOW - timedelta(minutes=200 - i), commit=False)
    db.session.commit()


def _request_refunds(order, *amounts: str, status: str = "requested") -> None:
    for amount in amounts:
        db.session.add(Refund(order_id=order.id, amount=Decimal(amount), reason="size", status=status,
                              requested_by="user:amy", requested_at=NOW))
    db.session.commit()


def test_each_tab_counts_exactly_below_the_cap_and_stops_at_it(app):
    _unconfirmed(4)
    make_order("U1", status="unpaid")
    assert group_counts(TODAY, cap=5)["confirm"] == 4
    assert group_counts(TODAY, cap=4)["confirm"] == 4  # reached: "3+"
    assert group_counts(TODAY, cap=3) == {"confirm": 3, "ship": 0, "due": 0, "refund": 0, "flagged": 0, "unpaid": 1}


def test_an_order_with_two_open_refund_requests_counts_once_below_and_at_the_cap(app):
    first, second, third = (make_order(no, status="shipped") for no in ("R1", "R2", "R3"))
    _request_refunds(first, "10.00", "20.00")
    _request_refunds(second, "5.00", "6.00", "7.00")
    _request_refunds(third, "8.00")
    _request_refunds(make_order("R4", status="shipped"), "9.00", status="approved")  # decided: not counted
    assert group_counts(TODAY)["refund"] == 3
    assert group_counts(TODAY, cap=4)["refund"] == 3  # six requests, three orders: below a cap of four
    assert group_counts(TODAY, cap=3)["refund"] == 3 and group_counts(TODAY, cap=2)["refund"] == 2


def test_a_list_past_the_cap_knows_there_is_more_and_pages_on(app):
    _unconfirmed(PER_PAGE + 3)
    cap = PER_PAGE + 1
    counts = group_counts(TODAY, cap=cap)
    first = list_page(QueueQuery("confirm"), TODAY, counts, cap=cap)
    assert (len(first.rows), first.total, first.more, first.has_next) == (PER_PAGE, cap, True, True)
    second = list_page(QueueQuery("confirm", page=2), TODAY, counts, cap=cap)  # counts on from the page: exact again
    assert (len(second.rows), second.total, second.more, second.pages) == (3, PER_PAGE + 3, False, 2)
    assert list_page(QueueQuery("confirm", page=9), TODAY, counts, cap=cap).page == 2  # past the end: the last page


def test_a_list_below_the_cap_counts_exactly_and_a_search_or_filter_too(app):
    _unconfirmed(3)
    make_order("XJ", province="新疆维吾尔自治区")
    page = list_page(QueueQuery("confirm"), TODAY, group_counts(TODAY))
    assert (page.total, page.more, page.pages) == (4, False, 1)
    narrowed = list_page(QueueQuery("confirm", province="新疆"), TODAY, group_counts(TODAY))
    assert ([r.order_no for r in narrowed.rows], narrowed.total, narrowed.more) == (["XJ"], 1, False)


def test_a_cap_that_does_not_reach_past_a_page_is_refused(app):
    with pytest.raises(ValueError):
        list_page(QueueQuery("confirm"), TODAY, cap=PER_PAGE)
