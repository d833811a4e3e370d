"""orders.previous_paid_at stays exact through every ORM write: new orders, payments, a payment time corrected,
an order moved to another customer, an order deleted — several in one flush or one at a time — and ties.

The brute force: for each paid order, the latest payment of the same customer that comes before it by
(paid_at, id); null for the first payment and for an unpaid order.
"""
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from shopcs.extensions import db
from shopcs.orders.models import Customer, Order, OrderItem

from ..builders import make_customer, make_order

START = datetime(2026, 3, 1, 8, tzinfo=UTC)


def at(minute):
    return None if minute is None else START + timedelta(minutes=minute)


def stored_previous() -> dict[int, datetime | None]:
    return dict(db.session.execute(select(Order.id, Order.previous_paid_at)).all())


def expected_previous() -> dict[int, datetime | None]:
    rows = db.session.execute(select(Order.id, Order.customer_id, Order.paid_at)).all()
    expected = {}
    for order_id, customer_id, paid_at in rows:
        earlier = [other_paid for other_id, other_customer, other_paid in rows
                   if other_customer == customer_id and other_paid is not None and paid_at is not None
                   and (other_paid, other_id) < (paid_at, order_id)]
        expected[order_id] = max(earlier) if earlier else None
    return expected


def order_for(customer, minute):
    made = make_order(customer=customer, status="paid" if minute is not None else "unpaid",
                      placed_at=START - timedelta(days=1), paid_at=at(minute), commit=False)
    made.paid_at = at(minute)  # the builder invents a payment for an order never paid
    return made


def test_the_first_payment_has_none_and_each_later_one_the_payment_before(app):
    buyer, other = make_customer(), make_customer()
    second, first, unpaid = order_for(buyer, 60), order_for(buyer, 0), order_for(buyer, None)
    elsewhere = order_for(other, 30)
    db.session.commit()
    assert (first.previous_paid_at, second.previous_paid_at, unpaid.previous_paid_at) == (None, at(0), None)
    assert elsewhere.previous_paid_at is None

    unpaid.paid_at = at(30)  # paid now, between the two: the later one's previous payment moves
    db.session.commit()
    assert (unpaid.previous_paid_at, second.previous_paid_at) == (at(0), at(30))

    first.customer = other  # the earliest payment moves to the other customer
    db.session.commit()
    assert (unpaid.previous_paid_at, second.previous_paid_at) == (None, at(30))
    assert (first.previous_paid_at, elsewhere.previous_paid_at) == (None, at(0))

    db.session.delete(unpaid)
    db.session.commit()
    assert second.previous_paid_at is None
    assert stored_previous() == expected_previous()


def test_an_order_moved_by_its_customer_id_updates_both_customers(app):
    buyer, other = make_customer(), make_customer()
    first, second = order_for(buyer, 0), order_for(buyer, 20)
    db.session.commit()
    first.customer_id = other.id
    db.session.commit()
    assert (first.previous_paid_at, second.previous_paid_at) == (None, None)
    assert stored_previous() == expected_previous()


def test_two_payments_at_the_same_instant_come_in_order_of_their_ids(app):
    buyer = make_customer()
    first, second, third = order_for(buyer, 10), order_for(buyer, 10), order_for(buyer, 10)
    db.session.commit()
    assert first.id < second.id < third.id
    assert (first.previous_paid_at, second.previous_paid_at, third.previous_paid_at) == (None, at(10), at(10))


def test_a_rolled_back_change_leaves_the_stored_payments_as_they_were(app):
    buyer = make_customer()
    first, second = order_for(buyer, 0), order_for(buyer, 20)
    db.session.commit()
    first.paid_at = at(40)
    db.session.flush()
    assert second.previous_paid_at is None  # inside the transaction: recomputed at the flush
    db.session.rollback()
    assert (first.previous_paid_at, second.previous_paid_at) == (None, at(0))
    assert stored_previous() == expected_previous()


minutes = st.one_of(st.none(), st.integers(0, 12))  # a small range: ties happen
operations = st.lists(st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), minutes),
    st.tuples(st.just("pay"), st.integers(0, 20), minutes),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("move_id"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 20), st.none()),
    st.tuples(st.just("commit"), st.none(), st.none()),
), max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_any_sequence_of_writes_keeps_every_previous_payment_exact(app, steps):
    for table in (OrderItem, Order, Customer):
        db.session.execute(delete(table))
    people = [make_customer() for _ in range(3)]
    orders = []
    for action, target, value in steps:
        if action == "add":
            orders.append(order_for(people[target], value))
        elif action == "commit":
            db.session.commit()
        elif orders:
            order = orders[target % len(orders)]
            if action == "pay":
                order.paid_at = at(value)
            elif action == "move":
                order.customer = people[value]
            elif action == "move_id":  # the column itself, as a bulk fix would
                order.customer_id = people[value].id
            else:  # an order not flushed yet is just dropped
                (db.session.expunge if order in db.session.new else db.session.delete)(order)
                orders.remove(order)
    db.session.commit()
    assert stored_previous() == expected_previous()
