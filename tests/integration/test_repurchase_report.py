"""The repurchase report on hand-built data worked out by hand, its API, and a brute-force check on random data.

Window: March 2026 in Asia/Shanghai (UTC+8). Times below are shop times of payment.
  P1  paid 03-01 00:00 and 02-28 23:59                     → 1 order in March, returning
  P2  paid 03-05 and 03-06; placed 02-10 but never paid      → 2 orders, not returning (the unpaid one does not count)
  P3  six orders paid in March, one paid 2025-12-20          → "5+", returning
  P4  paid 03-31 23:59:59 and 04-01 00:00                    → 1 order, not returning (April is after, not before)
  P5  paid 04-01 00:00 only                                  → not a customer of March
  P6  paid 02-28 23:59 only                                  → not a customer of March
  P7  placed 02-20 paid 03-02; paid 03-10; paid 03-15 then cancelled → 3 orders, not returning
  P8  four orders paid in March, one paid 2026-01-15         → 4 orders, returning
Customers P1 P2 P3 P4 P7 P8 = 6; returning P1 P3 P8 = 3 (0.5000); with 2+ orders P2 P3 P7 P8 = 4 (0.6667).
Rows: "1" 2 customers (1 returning: P1), "2" 1 (0), "3" 1 (0), "4" 1 (1), "5+" 1 (1).
"""
from datetime import date, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from shopcs.extensions import db
from shopcs.orders.models import Customer, Order, OrderItem
from shopcs.reports.repurchase import by_orders_paid, repurchase, totals
from shopcs.windows import Window

from ..builders import make_customer, make_order, make_token
from .test_refund_rate_report import local

ZONE = "Asia/Shanghai"
MARCH = Window(date(2026, 3, 1), date(2026, 3, 31))


def paid(customer, paid_at, status="paid", placed_at=None):
    made = make_order(customer=customer, status=status, placed_at=placed_at or (paid_at or local(2026, 2, 1)) - timedelta(minutes=1),
                      paid_at=paid_at, commit=False)
    made.paid_at = paid_at  # the builder would invent a payment for an order never paid
    return made


def march():
    people = {name: make_customer(external_id=name) for name in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8")}
    paid(people["P1"], local(2026, 3, 1, 0, 0))
    paid(people["P1"], local(2026, 2, 28, 23, 59))
    paid(people["P2"], local(2026, 3, 5, 10))
    paid(people["P2"], local(2026, 3, 6, 10))
    paid(people["P2"], None, status="unpaid", placed_at=local(2026, 2, 10))
    for day in range(10, 16):
        paid(people["P3"], local(2026, 3, day, 12))
    paid(people["P3"], local(2025, 12, 20, 12))
    paid(people["P4"], local(2026, 3, 31, 23, 59, 59))
    paid(people["P4"], local(2026, 4, 1, 0, 0))
    paid(people["P5"], local(2026, 4, 1, 0, 0))
    paid(people["P6"], local(2026, 2, 28, 23, 59))
    paid(people["P7"], local(2026, 3, 2, 9), placed_at=local(2026, 2, 20))
    paid(people["P7"], local(2026, 3, 10, 9))
    paid(people["P7"], local(2026, 3, 15, 9), status="cancelled")
    for day in (3, 4, 5, 6):
        paid(people["P8"], local(2026, 3, day, 20))
    paid(people["P8"], local(2026, 1, 15, 20))
    db.session.commit()
    return people


def test_customers_returning_and_multi_follow_the_definitions_at_every_edge(app):
    march()
    totals = repurchase(MARCH, ZONE).totals
    assert (totals.customers, totals.returning, totals.multi) == (6, 3, 4)
    assert (totals.returning_rate, totals.multi_rate) == (D("0.5000"), D("0.6667"))


def test_customers_by_the_number_of_orders_they_paid_in_the_window(app):
    march()
    assert [(row.orders_paid, row.customers, row.returning) for row in by_orders_paid(MARCH, ZONE)] == [
        ("1", 2, 1), ("2", 1, 0), ("3", 1, 0), ("4", 1, 1), ("5+", 1, 1)]


def test_the_dashboard_totals_equal_the_report_totals_at_every_edge(app):
    march()
    for window in (MARCH, Window(date(2026, 3, 31), date(2026, 4, 1)), Window(date(2025, 1, 1), date(2026, 12, 31))):
        assert totals(window, ZONE) == repurchase(window, ZONE).totals


def test_two_payments_at_the_same_instant_are_one_customer_who_paid_twice(app):
    buyer, earlier = make_customer(), make_customer()
    paid(buyer, local(2026, 3, 10, 12))
    paid(buyer, local(2026, 3, 10, 12))
    paid(earlier, local(2026, 2, 1, 12))
    paid(earlier, local(2026, 3, 10, 12))
    paid(earlier, local(2026, 3, 10, 12))
    db.session.commit()
    expected = (2, 1, 2)  # customers, returning, multi
    for figures in (totals(MARCH, ZONE), repurchase(MARCH, ZONE).totals):
        assert (figures.customers, figures.returning, figures.multi) == expected


def test_an_empty_window_has_no_rate(app):
    march()
    report = repurchase(Window(date(2025, 1, 1), date(2025, 1, 31)), ZONE)
    assert (report.totals.customers, report.totals.returning_rate, report.totals.multi_rate) == (0, None, None)
    assert [(row.customers, row.returning) for row in report.rows] == [(0, 0)] * 5


def test_the_api_answers_and_refuses_bad_ranges(app, client):
    march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/repurchase?start=2026-03-01&end=2026-03-31", headers=headers).json
    assert {k: v for k, v in body.items() if k != "rows"} == {
        "start": "2026-03-01", "end": "2026-03-31", "customers": 6, "returning": 3, "returning_rate": "0.5000",
        "multi": 4, "multi_rate": "0.6667"}
    assert body["rows"][-1] == {"orders_paid": "5+", "customers": 1, "returning": 1}
    empty = client.get("/api/v1/reports/repurchase?start=2025-01-01&end=2025-01-02", headers=headers).json
    assert (empty["returning_rate"], empty["multi_rate"]) == (None, None)
    for query, field in [("start=2026-03-02&end=2026-03-01", "end"), ("start=2026-03-01&end=2026-02-30", "end"),
                         ("start=2020-01-01&end=2026-03-01", "end"), ("start=2026-03-01", "end")]:
        answer = client.get(f"/api/v1/reports/repurchase?{query}", headers=headers)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], query


# -- random data against a brute-force count in Python ------------------------------------------------------

START = local(2026, 2, 1)
minutes = st.integers(min_value=0, max_value=90 * 24 * 60)  # February to April
orders_strategy = st.lists(st.tuples(st.integers(0, 5), st.one_of(st.none(), minutes)), max_size=30)


def _brute_force(rows, window):
    """rows: (customer, paid_at or None) → {bucket: (customers, returning)}, customers, returning, multi."""
    def day(at):
        return at.astimezone(ZoneInfo(ZONE)).date()

    inside = {}
    for customer, paid_at in rows:
        if paid_at is not None and window.start <= day(paid_at) <= window.end:
            inside[customer] = inside.get(customer, 0) + 1
    before = {customer for customer, paid_at in rows if paid_at is not None and day(paid_at) < window.start}
    buckets = {name: (0, 0) for name in ("1", "2", "3", "4", "5+")}
    for customer, count in inside.items():
        name = str(count) if count < 5 else "5+"
        buckets[name] = (buckets[name][0] + 1, buckets[name][1] + (customer in before))
    return buckets, len(inside), len(set(inside) & before), sum(1 for count in inside.values() if count >= 2)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders_strategy, first=st.integers(0, 80), length=st.integers(1, 20))
def test_the_report_equals_a_brute_force_count_over_all_rows(app, data, first, length):
    for table in (OrderItem, Order, Customer):
        db.session.execute(delete(table))
    people = [make_customer() for _ in range(6)]
    rows = []
    for customer, paid_minute in data:
        paid_at = None if paid_minute is None else START + timedelta(minutes=paid_minute)
        paid(people[customer], paid_at, status="paid" if paid_at else "unpaid")
        rows.append((customer, paid_at))
    db.session.commit()
    window = Window(date(2026, 2, 1) + timedelta(days=first), date(2026, 2, 1) + timedelta(days=first + length - 1))
    buckets, customers, returning, multi = _brute_force(rows, window)
    report = repurchase(window, ZONE)
    assert {row.orders_paid: (row.customers, row.returning) for row in report.rows} == buckets
    assert (report.totals.customers, report.totals.returning, report.totals.multi) == (customers, returning, multi)
    assert totals(window, ZONE) == report.totals  # the dashboard's statement, without the rows
