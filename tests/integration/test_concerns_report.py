"""The buyer-concerns report on hand-built data worked out by hand, its API, and a brute-force check on random data.

Window: March 2026 in Asia/Shanghai (UTC+8). Times below are shop times.
  O1  concerns "price" 02-28 23:59 (before March) and 03-01 00:00; paid 03-02      → price: paid since
  O2  concern "price" 03-10; never paid                                          → price: not paid
  O3  concerns "price" 03-15 and "shipping_time" 03-31 23:59; paid 03-31 23:59:30 → both: paid since
  O4  paid 03-05; concern "size" 03-06 (already paid)                            → size: not paid since
  O5  concern "size" 04-01 00:00 (after March)                                   → not counted
  O6  concerns "payment_method" 03-20 12:00 and 03-21; paid 03-20 12:00 (the instant of the first) → paid since
By category: price 3 concerns, 3 orders, 2 paid since (0.6667); payment_method 2, 1, 1 (1.0000);
shipping_time 1, 1, 1 (1.0000); size 1, 1, 0 (0.0000) — sorted by concerns, then orders, then name.
Totals: 7 concerns on 5 orders (O1 O2 O3 O4 O6), 3 paid since (O1 O3 O6): 0.6000.
"""
from datetime import date, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from shopcs.extensions import db
from shopcs.followup.concerns import CATEGORIES
from shopcs.followup.models import BuyerConcern
from shopcs.orders.models import Customer, Order, OrderItem
from shopcs.reports.concerns import by_category, concerns_report, orders_with, totals
from shopcs.windows import Window

from ..builders import make_order, make_token
from .test_refund_rate_report import local

ZONE = "Asia/Shanghai"
MARCH = Window(date(2026, 3, 1), date(2026, 3, 31))


def concern(order, category, at):
    db.session.add(BuyerConcern(order_id=order.id, category=category, text="", author="user:amy", created_at=at))


def order(order_no, paid_at=None):
    made = make_order(order_no=order_no, status="paid" if paid_at else "unpaid", placed_at=local(2026, 2, 28, 12),
                      paid_at=paid_at, commit=False)
    db.session.flush()
    return made


def march():
    orders = {"O1": order("O1", local(2026, 3, 2, 9)), "O2": order("O2"), "O3": order("O3", local(2026, 3, 31, 23, 59, 30)),
              "O4": order("O4", local(2026, 3, 5, 9)), "O5": order("O5"), "O6": order("O6", local(2026, 3, 20, 12))}
    concern(orders["O1"], "price", local(2026, 2, 28, 23, 59))
    concern(orders["O1"], "price", local(2026, 3, 1, 0, 0))
    concern(orders["O2"], "price", local(2026, 3, 10, 9))
    concern(orders["O3"], "price", local(2026, 3, 15, 9))
    concern(orders["O3"], "shipping_time", local(2026, 3, 31, 23, 59))
    concern(orders["O4"], "size", local(2026, 3, 6, 9))
    concern(orders["O5"], "size", local(2026, 4, 1, 0, 0))
    concern(orders["O6"], "payment_method", local(2026, 3, 20, 12))
    concern(orders["O6"], "payment_method", local(2026, 3, 21, 10))
    db.session.commit()
    return orders


def test_each_category_counts_concerns_orders_and_orders_paid_since(app):
    march()
    assert [(r.category, r.concerns, r.orders, r.paid_since, r.rate) for r in by_category(MARCH, ZONE)] == [
        ("price", 3, 3, 2, D("0.6667")), ("payment_method", 2, 1, 1, D("1.0000")),
        ("shipping_time", 1, 1, 1, D("1.0000")), ("size", 1, 1, 0, D("0.0000"))]
    figures = totals(MARCH, ZONE)
    assert (figures.concerns, figures.orders, figures.paid_since, figures.rate) == (7, 5, 3, D("0.6000"))


def test_an_empty_window_has_no_rate(app):
    march()
    report = concerns_report(Window(date(2025, 1, 1), date(2025, 1, 31)), ZONE)
    assert report.rows == [] and (report.totals.concerns, report.totals.orders, report.totals.rate) == (0, 0, None)


def test_the_orders_behind_a_category_are_the_ones_it_counts(app):
    march()

    def behind(category):
        return [(made.order_no, count) for made, count, _last in db.session.execute(orders_with(MARCH, ZONE, category))]

    assert behind("price") == [("O3", 1), ("O2", 1), ("O1", 1)]  # the latest concern first
    assert behind("payment_method") == [("O6", 2)] and behind("size") == [("O4", 1)] and behind("other") == []


def test_the_api_answers_and_refuses_bad_ranges(app, client):
    march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/concerns?start=2026-03-01&end=2026-03-31", headers=headers).json
    assert {k: v for k, v in body.items() if k != "rows"} == {
        "start": "2026-03-01", "end": "2026-03-31", "concerns": 7, "orders": 5, "paid_since": 3, "rate": "0.6000"}
    assert body["rows"][0] == {"category": "price", "concerns": 3, "orders": 3, "paid_since": 2, "rate": "0.6667"}
    assert client.get("/api/v1/reports/concerns?start=2025-01-01&end=2025-01-01", headers=headers).json["rate"] is None
    answer = client.get("/api/v1/reports/concerns?start=2026-03-02&end=2026-03-01", headers=headers)
    assert answer.status_code == 422 and "end" in answer.json["error"]["fields"]


# -- random data against a brute-force count in Python ------------------------------------------------------

START = local(2026, 2, 1)
minutes = st.integers(min_value=0, max_value=90 * 24 * 60)  # February to April
orders_strategy = st.lists(st.tuples(st.one_of(st.none(), minutes),
                                     st.lists(st.tuples(st.sampled_from(CATEGORIES[:4]), minutes), max_size=4)),
                           max_size=20)


def _brute_force(rows, window):
    """rows: (paid_at or None, [(category, created_at)]) → {category: (concerns, orders, paid since)}, totals."""
    def inside(at):
        return window.start <= at.astimezone(ZoneInfo(ZONE)).date() <= window.end

    found = [(n, paid_at, category, at) for n, (paid_at, concerns) in enumerate(rows) for category, at in concerns if inside(at)]

    def figures(chosen):
        return (len(chosen), len({n for n, *_ in chosen}),
                len({n for n, paid_at, _, at in chosen if paid_at is not None and paid_at >= at}))

    return {category: figures([c for c in found if c[2] == category]) for category in {c[2] for c in found}}, figures(found)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders_strategy, first=st.integers(0, 80), length=st.integers(1, 20))
def test_the_report_equals_a_brute_force_count_over_all_rows(app, data, first, length):
    for table in (BuyerConcern, OrderItem, Order, Customer):
        db.session.execute(delete(table))
    rows = []
    for paid_minute, planned in data:
        paid_at = None if paid_minute is None else START + timedelta(minutes=paid_minute)
        made = order(None, paid_at)
        stored = [(category, START + timedelta(minutes=minute)) for category, minute in planned]
        for category, at in stored:
            concern(made, category, at)
        rows.append((paid_at, stored))
    db.session.commit()
    window = Window(date(2026, 2, 1) + timedelta(days=first), date(2026, 2, 1) + timedelta(days=first + length - 1))
    per_category, overall = _brute_force(rows, window)
    report = concerns_report(window, ZONE)
    assert {row.category: (row.concerns, row.orders, row.paid_since) for row in report.rows} == per_category
    assert (report.totals.concerns, report.totals.orders, report.totals.paid_since) == overall
