"""A buyer's concerns across their orders, kept for the next sale (both databases)."""
from datetime import timedelta

from shopcs.actor import Actor
from shopcs.followup.concerns import concerns_for_customer, record_concern

from ..builders import NOW, make_customer, make_order

AGENT = Actor("user:amy", "agent")


def test_a_buyers_concerns_come_from_all_their_orders_newest_first_and_never_from_another_buyer(app):
    buyer, stranger = make_customer(external_id="b-1"), make_customer(external_id="b-2")
    first = make_order("C1", customer=buyer, status="unpaid", placed_at=NOW - timedelta(days=5))
    second = make_order("C2", customer=buyer, status="unpaid", placed_at=NOW - timedelta(days=1))
    make_order("S1", customer=stranger, status="unpaid", placed_at=NOW - timedelta(days=1))
    record_concern("C1", "price", "贵", AGENT, NOW - timedelta(days=4))
    record_concern("C2", "size", "", AGENT, NOW - timedelta(hours=20))
    record_concern("S1", "other", "别人的", AGENT, NOW - timedelta(hours=10))
    rows = concerns_for_customer(buyer.id)
    assert [(r.order_no, r.concern.category) for r in rows] == [("C2", "size"), ("C1", "price")]
    assert [r.order_no for r in concerns_for_customer(buyer.id, except_order_id=second.id)] == ["C1"]
    assert concerns_for_customer(buyer.id, except_order_id=first.id, limit=1)[0].order_no == "C2"
