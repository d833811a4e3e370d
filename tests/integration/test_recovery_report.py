"""The unpaid-recovery report on hand-built data worked out by hand, its API, and a brute-force check on random data.

Window: March 2026 in Asia/Shanghai (UTC+8); grace 30 minutes. Times below are shop times.
  A  placed 03-01 00:00, never paid; reminders 1 sent 00:30, 2 sent 12:00              → in, step 2, not recovered
  B  placed 02-28 23:59, never paid                                                     → out (placed before March)
  C  placed 03-31 23:59, paid 04-01 01:00; reminder 1 sent 04-01 00:29                  → in, step 1, 31 min = 1860 s
  D  placed 04-01 00:00, never paid                                                     → out (placed after March)
  E  placed 03-10 10:00:00.5, paid 10:30:00.4 (a tenth of a second inside the grace)   → out
  F  placed 03-10 11:00, paid 11:30:00 (exactly at the grace: not within it); none sent → in, none, recovered
  G  placed 03-12 09:00, paid 20:00; reminder 1 sent 09:30, 2 sent 20:00 (the instant of payment: counts),
     hand1 sent 21:00 (after payment: does not)                                         → in, step 2, 0 s
  H  placed 03-15 08:00, paid 09:00; reminder 1 sent 09:00:01 (after payment)           → in, none, recovered
  I  placed 03-16 08:00, paid 20:00; reminders 1 cancelled, 2 pending, hand1 failed (with a sent_at 10:00)
                                                                                          → in, none, recovered
  J  placed 03-20 10:00, paid 12:10; reminder 1 sent 10:30, hand1 11:00, hand2 12:00    → in, hand, 600 s
  K  placed 03-21 09:00, paid 03-22 09:00; reminder 1 sent 09:30, 2 and then hand1 both sent 21:00
     (a tie: the later row, hand1, is the last)                                         → in, hand, 12 h = 43200 s
  L  placed 03-25 10:00, closed unpaid; hand1 sent 11:00                                → in, hand, not recovered
  M  placed 03-26 10:00, cancelled unpaid; no reminder                                  → in, none, not recovered
Cohort A C F G H I J K L M = 10, recovered C F G H I J K = 7 (rate 0.7000), ¥1210.00.
Reminded A C G J K L = 6, recovered C G J K = 4 (0.6667), ¥1020.00; not reminded F H I M = 4, recovered 3 (0.7500), ¥190.00.
Steps: "1" C 1/1 (1.0000, ¥300.00); "2" A G 1/2 (0.5000, ¥200.00); "hand" J K L 2/3 (0.6667, ¥520.00);
"none" F H I M 3/4 (0.7500, ¥190.00). Median of 0, 600, 1860, 43200 s = (600 + 1860) / 2 = 1230 s.
"""
import statistics
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.followup.settings import save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer, Order, OrderItem
from shopcs.reports.amounts import NO_MONEY, Amounts
from shopcs.reports.dashboard import recovery_figures
from shopcs.reports.unpaid_recovery import Recovery, by_step, median_seconds, median_seconds_to_pay, reminded_split, unpaid_recovery
from shopcs.windows import Window

from ..builders import make_order, make_token
from .test_refund_rate_report import cny, local

ZONE = "Asia/Shanghai"
MARCH = Window(date(2026, 3, 1), date(2026, 3, 31))
GRACE = timedelta(minutes=30)


def reminder(order, step, sent_at=None, status="sent"):
    db.session.add(OutboxMessage(
        dedupe_key=f"unpaid_reminder:{order.id}:{step}", kind="unpaid_reminder", customer_id=order.customer_id,
        order_id=order.id, channel="manual", body="请尽快付款", scheduled_for=sent_at or order.placed_at, status=status,
        attempts=1, created_at=order.placed_at, sent_at=sent_at))
    db.session.flush()


def order(order_no, total, placed_at, paid_at=None, status=None, currency="CNY"):
    made = make_order(order_no=order_no, total=total, placed_at=placed_at, paid_at=paid_at,
                      status=status or ("paid" if paid_at else "unpaid"), currency=currency, commit=False)
    made.paid_at = paid_at  # the builder would invent a payment for a closed order
    return made


def march():
    orders = {
        "A": order("A", "100.00", local(2026, 3, 1, 0, 0)),
        "B": order("B", "10.00", local(2026, 2, 28, 23, 59)),
        "C": order("C", "300.00", local(2026, 3, 31, 23, 59), local(2026, 4, 1, 1, 0)),
        "D": order("D", "10.00", local(2026, 4, 1, 0, 0)),
        "E": order("E", "10.00", local(2026, 3, 10, 10, 0, 0, 500_000), local(2026, 3, 10, 10, 30, 0, 400_000)),
        "F": order("F", "50.00", local(2026, 3, 10, 11, 0), local(2026, 3, 10, 11, 30)),
        "G": order("G", "200.00", local(2026, 3, 12, 9, 0), local(2026, 3, 12, 20, 0)),
        "H": order("H", "80.00", local(2026, 3, 15, 8, 0), local(2026, 3, 15, 9, 0)),
        "I": order("I", "60.00", local(2026, 3, 16, 8, 0), local(2026, 3, 16, 20, 0)),
        "J": order("J", "120.00", local(2026, 3, 20, 10, 0), local(2026, 3, 20, 12, 10)),
        "K": order("K", "400.00", local(2026, 3, 21, 9, 0), local(2026, 3, 22, 9, 0)),
        "L": order("L", "90.00", local(2026, 3, 25, 10, 0), status="closed"),
        "M": order("M", "70.00", local(2026, 3, 26, 10, 0), status="cancelled"),
    }
    db.session.flush()
    reminder(orders["A"], "1", local(2026, 3, 1, 0, 30))
    reminder(orders["A"], "2", local(2026, 3, 1, 12, 0))
    reminder(orders["B"], "1", local(2026, 3, 1, 0, 29))
    reminder(orders["C"], "1", local(2026, 4, 1, 0, 29))
    reminder(orders["G"], "1", local(2026, 3, 12, 9, 30))
    reminder(orders["G"], "2", local(2026, 3, 12, 20, 0))
    reminder(orders["G"], "hand1", local(2026, 3, 12, 21, 0))
    reminder(orders["H"], "1", local(2026, 3, 15, 9, 0, 1))
    reminder(orders["I"], "1", status="cancelled")
    reminder(orders["I"], "2", status="pending")
    reminder(orders["I"], "hand1", local(2026, 3, 16, 10, 0), status="failed")
    reminder(orders["J"], "1", local(2026, 3, 20, 10, 30))
    reminder(orders["J"], "hand1", local(2026, 3, 20, 11, 0))
    reminder(orders["J"], "hand2", local(2026, 3, 20, 12, 0))
    reminder(orders["K"], "1", local(2026, 3, 21, 9, 30))
    reminder(orders["K"], "2", local(2026, 3, 21, 21, 0))
    reminder(orders["K"], "hand1", local(2026, 3, 21, 21, 0))
    reminder(orders["L"], "hand1", local(2026, 3, 25, 11, 0))
    db.session.commit()
    return orders


def figures(part):
    return part.orders, part.recovered, part.rate, part.recovered_amount


def test_the_cohort_recovered_and_reminded_follow_the_definitions_at_every_edge(app):
    march()
    totals = unpaid_recovery(MARCH, ZONE, GRACE).totals
    assert figures(totals.cohort) == (10, 7, D("0.7000"), cny("1210.00"))
    assert figures(totals.reminded) == (6, 4, D("0.6667"), cny("1020.00"))
    assert figures(totals.not_reminded) == (4, 3, D("0.7500"), cny("190.00"))
    assert totals.median_seconds_to_pay == 1230


def test_each_order_counts_under_the_step_of_its_last_reminder_before_payment(app):
    march()
    assert [(row.step, row.orders, row.recovered, row.rate, row.recovered_amount) for row in by_step(MARCH, ZONE, GRACE)] == [
        ("1", 1, 1, D("1.0000"), cny("300.00")),
        ("2", 2, 1, D("0.5000"), cny("200.00")),
        ("hand", 3, 2, D("0.6667"), cny("520.00")),
        ("none", 4, 3, D("0.7500"), cny("190.00")),
    ]


def test_the_dashboard_splits_the_cohort_as_the_report_does_without_the_steps(app):
    march()
    assert tuple(map(figures, reminded_split(MARCH, ZONE, GRACE))) == ((6, 4, D("0.6667"), cny("1020.00")),
                                                                       (4, 3, D("0.7500"), cny("190.00")))
    headline = recovery_figures(MARCH, ZONE, GRACE)
    assert figures(headline.cohort) == (10, 7, D("0.7000"), cny("1210.00"))
    assert median_seconds_to_pay(MARCH, ZONE, GRACE) == 1230
    assert reminded_split(Window(date(2025, 1, 1), date(2025, 1, 31)), ZONE, GRACE) == (Recovery(), Recovery())


def test_the_grace_is_a_parameter(app):
    march()
    hour = unpaid_recovery(MARCH, ZONE, timedelta(hours=1)).totals  # F (paid after 30 min) is out; H (1 h) still in
    assert figures(hour.cohort) == (9, 6, D("0.6667"), cny("1160.00"))
    assert figures(unpaid_recovery(MARCH, ZONE, timedelta(0)).totals.cohort)[:2] == (11, 8)  # E too


def test_an_empty_window_has_no_rate_and_no_median(app):
    march()
    report = unpaid_recovery(Window(date(2025, 1, 1), date(2025, 1, 31)), ZONE, GRACE)
    assert report.rows == [] and figures(report.totals.cohort) == (0, 0, None, NO_MONEY)
    assert report.totals.reminded.rate is None and report.totals.not_reminded.rate is None
    assert report.totals.median_seconds_to_pay is None


def test_the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones():
    seconds = [timedelta(seconds=s) for s in (40, 10, 30)]
    assert median_seconds(seconds) == 30 and median_seconds(seconds + [timedelta(seconds=20)]) == 25
    assert median_seconds([timedelta(seconds=1), timedelta(seconds=2)]) == 2  # 1.5: half to even
    assert median_seconds([timedelta(seconds=2), timedelta(seconds=3)]) == 2  # 2.5: half to even
    assert median_seconds([]) is None


def test_the_api_answers_with_the_current_grace_and_refuses_bad_ranges(app, client):
    march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/unpaid-recovery?start=2026-03-01&end=2026-03-31", headers=headers).json
    assert {k: v for k, v in body.items() if k != "rows"} == {
        "start": "2026-03-01", "end": "2026-03-31", "grace_seconds": 1800,
        "orders": 10, "recovered": 7, "rate": "0.7000", "recovered_amount": [{"currency": "CNY", "amount": "1210.00"}],
        "reminded_orders": 6, "reminded_recovered": 4, "reminded_rate": "0.6667",
        "reminded_recovered_amount": [{"currency": "CNY", "amount": "1020.00"}],
        "not_reminded_orders": 4, "not_reminded_recovered": 3, "not_reminded_rate": "0.7500",
        "not_reminded_recovered_amount": [{"currency": "CNY", "amount": "190.00"}], "median_seconds_to_pay": 1230}
    assert body["rows"][2] == {"step": "hand", "orders": 3, "recovered": 2, "rate": "0.6667",
                               "recovered_amount": [{"currency": "CNY", "amount": "520.00"}]}
    # the page and the API take the grace from the follow-up settings
    save_settings({"first_reminder_minutes": 60}, Actor.system("test"), local(2026, 4, 2))
    hour = client.get("/api/v1/reports/unpaid-recovery?start=2026-03-01&end=2026-03-31", headers=headers).json
    assert (hour["grace_seconds"], hour["orders"]) == (3600, 9)
    empty = client.get("/api/v1/reports/unpaid-recovery?start=2025-01-01&end=2025-01-02", headers=headers).json
    assert (empty["rate"], empty["median_seconds_to_pay"], empty["rows"]) == (None, None, [])
    assert empty["recovered_amount"] == [{"currency": "CNY", "amount": "0.00"}]
    for query, field in [("start=2026-03-02&end=2026-03-01", "end"), ("start=2026-13-01&end=2026-03-01", "start"),
                         ("start=2020-01-01&end=2026-03-01", "end"), ("end=2026-03-01", "start")]:
        answer = client.get(f"/api/v1/reports/unpaid-recovery?{query}", headers=headers)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], query


def mixed_march():
    """March above, and two USD orders: N placed 03-27 10:00, reminded (1) at 10:30, paid $59.45 at 12:00; P placed
    03-28 10:00, never paid nor reminded. Cohort 12, recovered 8; step "1" C and N, "none" F H I M P."""
    orders = march()
    n = order("N", "59.45", local(2026, 3, 27, 10, 0), local(2026, 3, 27, 12, 0), currency="USD")
    order("P", "25.00", local(2026, 3, 28, 10, 0), currency="USD")
    db.session.flush()
    reminder(n, "1", local(2026, 3, 27, 10, 30))
    db.session.commit()
    return orders


def test_a_mixed_shop_counts_all_orders_and_keeps_recovered_money_per_currency(app):
    mixed_march()
    report = unpaid_recovery(MARCH, ZONE, GRACE)
    both = Amounts.of({"CNY": D("1210.00"), "USD": D("59.45")})
    assert figures(report.totals.cohort) == (12, 8, D("0.6667"), both)
    assert figures(report.totals.reminded) == (7, 5, D("0.7143"), Amounts.of({"CNY": D("1020.00"), "USD": D("59.45")}))
    assert figures(report.totals.not_reminded) == (5, 3, D("0.6000"), cny("190.00"))
    assert [(row.step, row.orders, row.recovered, row.recovered_amount) for row in report.rows] == [
        ("1", 2, 2, Amounts.of({"CNY": D("300.00"), "USD": D("59.45")})), ("2", 2, 1, cny("200.00")),
        ("hand", 3, 2, cny("520.00")), ("none", 5, 3, cny("190.00"))]
    assert report.totals.median_seconds_to_pay == 1860  # the middle of 0, 600, 1860, 5400 (the USD order), 43200 s
    assert reminded_split(MARCH, ZONE, GRACE) == (report.totals.reminded, report.totals.not_reminded)


def test_the_api_gives_a_mixed_shops_recovered_money_with_its_currency(app, client):
    mixed_march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/unpaid-recovery?start=2026-03-01&end=2026-03-31", headers=headers).json
    assert (body["orders"], body["recovered"], body["rate"]) == (12, 8, "0.6667")
    assert body["recovered_amount"] == [{"currency": "CNY", "amount": "1210.00"}, {"currency": "USD", "amount": "59.45"}]
    assert body["not_reminded_recovered_amount"] == [{"currency": "CNY", "amount": "190.00"}]
    assert body["rows"][0] == {"step": "1", "orders": 2, "recovered": 2, "rate": "1.0000", "recovered_amount": [
        {"currency": "CNY", "amount": "300.00"}, {"currency": "USD", "amount": "59.45"}]}


# -- random data against a brute-force count in Python ------------------------------------------------------

START = local(2026, 2, 1)
minutes = st.integers(min_value=0, max_value=90 * 24 * 60)  # February to April
pay_after = st.one_of(
    st.none(),  # never paid
    st.sampled_from([GRACE - timedelta(microseconds=1), GRACE, GRACE + timedelta(microseconds=1)]),  # at the edge
    st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: timedelta(minutes=m)),
)
reminders = st.lists(st.tuples(st.sampled_from(["1", "2", "hand1", "hand2", "hand3"]),
                               st.sampled_from(["sent", "sent", "sent", "pending", "cancelled", "failed"]),
                               st.integers(min_value=0, max_value=3 * 24 * 60)),
                     max_size=4, unique_by=lambda reminder: reminder[0])
orders_strategy = st.lists(st.tuples(minutes, st.integers(0, 999_999), pay_after, st.integers(1, 50_000),
                                     st.sampled_from(["CNY", "CNY", "USD"]), reminders), max_size=20)


def _brute_force(rows, window, grace):
    """rows: (placed_at, paid_at, total, currency, [(sequence, step, status, sent_at)])."""
    steps, spans = {}, []
    for placed_at, paid_at, total, currency, sent in rows:
        if not window.start <= placed_at.astimezone(ZoneInfo(ZONE)).date() <= window.end:
            continue
        if paid_at is not None and paid_at < placed_at + grace:
            continue
        before = [(at, n, step) for n, step, status, at in sent if status == "sent" and (paid_at is None or at <= paid_at)]
        last = max(before) if before else None
        step = "none" if last is None else "hand" if last[2].startswith("hand") else last[2]
        orders, recovered, amount = steps.get(step, (0, 0, NO_MONEY))
        steps[step] = (orders + 1, recovered + (paid_at is not None),
                       amount + Amounts.of([(currency, total if paid_at is not None else 0)]))
        if last is not None and paid_at is not None:
            spans.append(Fraction((paid_at - last[0]) // timedelta(microseconds=1), 10**6))
    return steps, round(statistics.median(spans)) if spans else None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders_strategy, first=st.integers(0, 80), length=st.integers(1, 20), grace_minutes=st.sampled_from([0, 30, 60]))
def test_the_report_equals_a_brute_force_count_over_all_rows(app, data, first, length, grace_minutes):
    for table in (OutboxMessage, OrderItem, Order, Customer):
        db.session.execute(delete(table))
    rows, sequence = [], 0
    for placed_minute, micro, pay, fen, currency, planned in data:
        placed_at = START + timedelta(minutes=placed_minute, microseconds=micro)
        paid_at = None if pay is None else placed_at + pay
        made = order(None, str(D(fen) / 100), placed_at, paid_at, currency=currency)
        db.session.flush()
        sent = []
        for step, status, minute in planned:
            at = placed_at + timedelta(minutes=minute) if status == "sent" else None
            reminder(made, step, at, status)
            sequence += 1
            sent.append((sequence, step, status, at))
        rows.append((placed_at, paid_at, D(fen) / 100, currency, sent))
    db.session.commit()
    window = Window(date(2026, 2, 1) + timedelta(days=first), date(2026, 2, 1) + timedelta(days=first + length - 1))
    grace = timedelta(minutes=grace_minutes)
    steps, median = _brute_force(rows, window, grace)
    report = unpaid_recovery(window, ZONE, grace)
    assert {row.step: (row.orders, row.recovered, row.recovered_amount) for row in report.rows} == steps
    assert report.totals.cohort.orders == sum(orders for orders, _, _ in steps.values())
    assert report.totals.not_reminded.orders == steps.get("none", (0,))[0]
    assert report.totals.median_seconds_to_pay == median
    assert reminded_split(window, ZONE, grace) == (report.totals.reminded, report.totals.not_reminded)
