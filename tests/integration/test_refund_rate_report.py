"""The refund-rate report on hand-built data worked out by hand, its API, and a brute-force check on random data.

Window: March 2026 in Asia/Shanghai (UTC+8). Orders A, B and E are paid inside it, C just after, D just before.
A has two completed refunds (counts once), D one completed inside the window (counts: the definition is by
refund completion), B one completed a minute after the window and one rejected, E one still requested.
Paid: 3 orders, ¥700.00. Refunded: A and D, ¥100.00. Rate 2/3 = 0.6667; amount rate 100/700 = 0.1429.
A shop with CNY only sees exactly these figures, its money in CNY alone; the mixed shop below adds USD orders.
"""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from shopcs.extensions import db
from shopcs.money import from_stored
from shopcs.orders.models import Order, OrderItem, Refund
from shopcs.reports import refund_rate
from shopcs.reports.amounts import NO_MONEY, Amounts
from shopcs.reports.refund_rate import by_agent, by_day, by_product, by_reason, orders_behind, totals
from shopcs.windows import Window

from ..builders import make_order, make_token

ZONE = "Asia/Shanghai"
MARCH = Window(date(2026, 3, 1), date(2026, 3, 31))


def cny(amount: str) -> Amounts:
    return Amounts.of({"CNY": D(amount)})


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def refund(order, amount, status="completed", at=None, reason="quality", decided_by=None):
    row = Refund(order_id=order.id, amount=D(amount), reason=reason, status=status, requested_by="user:amy", decided_by=decided_by,
                 requested_at=(at or local(2026, 3, 1)) - timedelta(hours=1),
                 completed_at=at if status == "completed" else None)
    db.session.add(row)
    return row


def march():
    orders = {
        "A": make_order(order_no="A", total="100.00", sku="SKU-A", paid_at=local(2026, 3, 1, 0, 0)),
        "B": make_order(order_no="B", total="200.00", sku="SKU-B", paid_at=local(2026, 3, 31, 23, 59, 59)),
        "C": make_order(order_no="C", total="300.00", sku="SKU-C", paid_at=local(2026, 4, 1, 0, 0)),
        "D": make_order(order_no="D", total="50.00", sku="SKU-D", paid_at=local(2026, 2, 28, 23, 59)),
        "E": make_order(order_no="E", total="400.00", sku="SKU-A", paid_at=local(2026, 3, 15, 12, 0)),
    }
    refund(orders["A"], "30.00", at=local(2026, 3, 5, 10), reason="size", decided_by="user:amy")
    refund(orders["A"], "20.00", at=local(2026, 3, 20, 10), decided_by="user:sam")
    refund(orders["D"], "50.00", at=local(2026, 3, 10, 10))
    refund(orders["B"], "200.00", at=local(2026, 4, 1, 0, 0))
    refund(orders["B"], "10.00", status="rejected")
    refund(orders["E"], "100.00", status="requested")
    db.session.commit()
    return orders


def test_totals_follow_the_definitions_at_every_edge(app):
    march()
    figures = totals(MARCH, ZONE)
    assert (figures.paid_orders, figures.refunded_orders) == (3, 2)
    assert (figures.paid_amount, figures.refunded_amount) == (cny("700.00"), cny("100.00"))
    assert (figures.rate, figures.amount_rate) == (D("0.6667"), (("CNY", D("0.1429")),))


def test_an_empty_window_has_no_rate_rather_than_a_division_error(app):
    march()
    figures = totals(Window(date(2025, 1, 1), date(2025, 1, 31)), ZONE)
    assert (figures.paid_orders, figures.refunded_orders, figures.paid_amount) == (0, 0, NO_MONEY)
    assert figures.rate is None and figures.amount_rate == (("CNY", None),)


def test_each_day_carries_its_own_figures_and_the_rolling_30_days_ending_that_day(app):
    march()
    days = {row.day: row for row in by_day(MARCH, ZONE)}
    assert len(days) == 31 and sum(row.paid_orders for row in days.values()) == 3
    first, tenth, twentieth, last = (days[date(2026, 3, d)] for d in (1, 10, 20, 31))
    assert (first.paid_orders, first.refunded_orders, first.rate) == (1, 0, D("0.0000"))
    assert (first.rolling_paid, first.rolling_refunded) == (2, 0)  # A, and D paid the day before
    assert (tenth.refunded_orders, tenth.rolling_30d_rate) == (1, D("1.0000"))  # A (5th) and D (10th) of A, D
    assert (twentieth.rolling_paid, twentieth.rolling_refunded, twentieth.rolling_30d_rate) == (3, 2, D("0.6667"))
    assert (last.paid_orders, last.rolling_paid, last.rolling_refunded) == (1, 2, 2)  # B, E paid; A, D refunded
    assert days[date(2026, 3, 2)].rate is None  # nothing paid that day


def test_by_reason_by_product_and_by_who_approved(app):
    march()
    assert [(r.agent, r.refunded_orders, r.refunded_amount) for r in by_agent(MARCH, ZONE)] == [
        ("", 1, cny("50.00")), ("user:amy", 1, cny("30.00")), ("user:sam", 1, cny("20.00"))]
    assert [(r.reason, r.refunded_orders, r.refunded_amount) for r in by_reason(MARCH, ZONE)] == [
        ("quality", 2, cny("70.00")), ("size", 1, cny("30.00"))]
    assert [(r.sku, r.paid_orders, r.paid_amount, r.refunded_orders, r.refunded_amount, r.rate)
            for r in by_product(MARCH, ZONE)] == [
        ("SKU-A", 2, cny("500.00"), 1, cny("50.00"), D("0.5000")),
        ("SKU-D", 0, NO_MONEY, 1, cny("50.00"), None),
        ("SKU-B", 1, cny("200.00"), 0, NO_MONEY, D("0.0000")),
    ]


def test_by_product_gives_the_same_rows_whichever_plan_it_takes(app, monkeypatch):
    """PostgreSQL looks up each order's lines for a window holding few of the orders, and joins otherwise."""
    march()
    plans = []
    for share in (0.0, 2.0):  # never, always
        monkeypatch.setattr(refund_rate, "NESTED_LOOP_SHARE", share)
        plans.append(by_product(MARCH, ZONE))
    assert plans[0] == plans[1] and len(plans[0]) == 3


def test_the_orders_behind_a_row_are_the_ones_it_counts(app):
    march()

    def behind(**row):
        return [(order.order_no, stored if stored is None else from_stored(int(stored)))
                for order, stored in db.session.execute(orders_behind(MARCH, ZONE, **row))]

    assert behind(sku="SKU-A") == [("E", None), ("A", D("50.00"))]  # both paid in March; A refunded ¥50.00 in it
    assert behind(sku="SKU-D") == [("D", D("50.00"))]  # paid in February, refunded in March
    assert behind(sku="SKU-B") == [("B", None)] and behind(sku="SKU-C") == []
    assert behind(reason="size") == [("A", D("30.00"))] and behind(reason="quality") == [("A", D("20.00")), ("D", D("50.00"))]
    assert behind(agent="user:sam") == [("A", D("20.00"))] and behind(agent="") == [("D", D("50.00"))]


def test_the_api_answers_with_decimal_strings_and_refuses_bad_ranges(app, client):
    march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by=reason", headers=headers).json
    assert {k: body[k] for k in ("start", "end", "paid_orders", "refunded_orders", "rate", "paid_amount",
                                 "refunded_amount", "amount_rate")} == {
        "start": "2026-03-01", "end": "2026-03-31", "paid_orders": 3, "refunded_orders": 2, "rate": "0.6667",
        "paid_amount": [{"currency": "CNY", "amount": "700.00"}], "refunded_amount": [{"currency": "CNY", "amount": "100.00"}],
        "amount_rate": [{"currency": "CNY", "rate": "0.1429"}]}
    assert body["rows"][0] == {"reason": "quality", "refunded_orders": 2, "refunded_amount": [{"currency": "CNY", "amount": "70.00"}]}
    day = client.get("/api/v1/reports/refund-rate?start=2026-03-20&end=2026-03-20", headers=headers).json["rows"]
    assert day == [{"date": "2026-03-20", "paid_orders": 0, "refunded_orders": 1, "rate": None, "rolling_30d_rate": "0.6667"}]
    agents = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by=agent", headers=headers).json
    assert agents["rows"][1] == {"agent": "user:amy", "refunded_orders": 1, "refunded_amount": [{"currency": "CNY", "amount": "30.00"}]}
    empty = client.get("/api/v1/reports/refund-rate?start=2025-01-01&end=2025-01-02&by=product", headers=headers).json
    assert (empty["rate"], empty["amount_rate"], empty["rows"]) == (None, [{"currency": "CNY", "rate": None}], [])
    assert empty["paid_amount"] == empty["refunded_amount"] == [{"currency": "CNY", "amount": "0.00"}]
    for query, field in [("start=2026-03-02&end=2026-03-01", "end"), ("start=2026-13-01&end=2026-03-01", "start"),
                         ("start=2020-01-01&end=2026-03-01", "end"), ("end=2026-03-01", "start"),
                         ("start=2026-03-01&end=2026-03-01&by=week", "by")]:
        answer = client.get(f"/api/v1/reports/refund-rate?{query}", headers=headers)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], query
    assert client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31").status_code == 401


# -- a shop selling in CNY and USD ---------------------------------------------------------------------------

def mixed_march():
    """CNY: A ¥100.00 (SKU-A, ¥30.00 refunded, size, by amy) and B ¥200.00 (SKU-B). USD: U1 $59.45 (SKU-A, $10.00
    refunded, quality, by amy) and U2 $20.00 (SKU-U). Four orders paid, two refunded: a rate of 0.5000 over all."""
    a = make_order(order_no="A", total="100.00", sku="SKU-A", paid_at=local(2026, 3, 2, 10))
    make_order(order_no="B", total="200.00", sku="SKU-B", paid_at=local(2026, 3, 3, 10))
    u1 = make_order(order_no="U1", total="59.45", sku="SKU-A", currency="USD", paid_at=local(2026, 3, 4, 10))
    make_order(order_no="U2", total="20.00", sku="SKU-U", currency="USD", paid_at=local(2026, 3, 5, 10))
    refund(a, "30.00", at=local(2026, 3, 6, 10), reason="size", decided_by="user:amy")
    refund(u1, "10.00", at=local(2026, 3, 7, 10), reason="quality", decided_by="user:amy")
    db.session.commit()


def test_a_mixed_shop_counts_all_orders_and_keeps_money_per_currency(app):
    mixed_march()
    figures = totals(MARCH, ZONE)
    assert (figures.paid_orders, figures.refunded_orders, figures.rate) == (4, 2, D("0.5000"))
    assert figures.paid_amount == Amounts.of({"CNY": D("300.00"), "USD": D("79.45")})
    assert figures.refunded_amount == Amounts.of({"CNY": D("30.00"), "USD": D("10.00")})
    assert figures.amount_rate == (("CNY", D("0.1000")), ("USD", D("0.1259")))  # 10 ÷ 79.45, never 40 ÷ 379.45
    days = by_day(MARCH, ZONE)
    assert sum(row.paid_orders for row in days) == 4 and sum(row.refunded_orders for row in days) == 2


def test_a_mixed_shops_breakdowns_count_all_orders_and_keep_money_per_currency(app, monkeypatch):
    mixed_march()
    assert [(r.reason, r.refunded_orders, r.refunded_amount) for r in by_reason(MARCH, ZONE)] == [
        ("size", 1, cny("30.00")), ("quality", 1, Amounts.of({"USD": D("10.00")}))]
    assert [(r.agent, r.refunded_orders, r.refunded_amount) for r in by_agent(MARCH, ZONE)] == [
        ("user:amy", 2, Amounts.of({"CNY": D("30.00"), "USD": D("10.00")}))]
    expected = [("SKU-A", 2, Amounts.of({"CNY": D("100.00"), "USD": D("59.45")}), 2,
                 Amounts.of({"CNY": D("30.00"), "USD": D("10.00")}), D("1.0000")),
                ("SKU-B", 1, cny("200.00"), 0, NO_MONEY, D("0.0000")),
                ("SKU-U", 1, Amounts.of({"USD": D("20.00")}), 0, NO_MONEY, D("0.0000"))]
    for share in (0.0, 2.0):  # both of PostgreSQL's plans
        monkeypatch.setattr(refund_rate, "NESTED_LOOP_SHARE", share)
        assert [(r.sku, r.paid_orders, r.paid_amount, r.refunded_orders, r.refunded_amount, r.rate)
                for r in by_product(MARCH, ZONE)] == expected


def test_the_api_gives_a_mixed_shops_money_with_its_currency_on_each_amount(app, client):
    mixed_march()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by=product", headers=headers).json
    assert (body["paid_orders"], body["refunded_orders"], body["rate"]) == (4, 2, "0.5000")
    assert body["paid_amount"] == [{"currency": "CNY", "amount": "300.00"}, {"currency": "USD", "amount": "79.45"}]
    assert body["refunded_amount"] == [{"currency": "CNY", "amount": "30.00"}, {"currency": "USD", "amount": "10.00"}]
    assert body["amount_rate"] == [{"currency": "CNY", "rate": "0.1000"}, {"currency": "USD", "rate": "0.1259"}]
    assert body["rows"][0] == {"sku": "SKU-A", "title": "羊毛围巾", "paid_orders": 2, "refunded_orders": 2, "rate": "1.0000",
                               "paid_amount": [{"currency": "CNY", "amount": "100.00"}, {"currency": "USD", "amount": "59.45"}],
                               "refunded_amount": [{"currency": "CNY", "amount": "30.00"}, {"currency": "USD", "amount": "10.00"}]}
    assert body["rows"][2]["paid_amount"] == [{"currency": "USD", "amount": "20.00"}]
    assert body["rows"][2]["refunded_amount"] == [{"currency": "CNY", "amount": "0.00"}]  # no money: 0 in the shop's


def test_a_currency_without_decimals_is_reported_in_whole_units(app, client):
    jpy = make_order(order_no="J1", total="1200", sku="SKU-J", currency="JPY", paid_at=local(2026, 3, 2, 10))
    refund(jpy, "500", at=local(2026, 3, 3, 10))
    db.session.commit()
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = client.get("/api/v1/reports/refund-rate?start=2026-03-01&end=2026-03-31&by=reason", headers=headers).json
    assert (body["paid_amount"], body["refunded_amount"]) == ([{"currency": "JPY", "amount": "1200"}],
                                                              [{"currency": "JPY", "amount": "500"}])
    assert body["rows"] == [{"reason": "quality", "refunded_orders": 1, "refunded_amount": [{"currency": "JPY", "amount": "500"}]}]


# -- a zone with daylight saving ------------------------------------------------------------------------------

NEW_YORK = "America/New_York"  # 8 March 2026 has 23 hours (02:00 EST -> 03:00 EDT), 1 November 25 (02:00 EDT -> 01:00 EST)


def new_york(*parts, fold=0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(NEW_YORK), fold=fold).astimezone(UTC)


def test_days_follow_the_zones_daylight_saving(app):
    """Each time lands on its New York day at the offset of its own instant: 00:30 EDT on 9 March is 23:30 on the 8th
    at the winter offset, 23:30 EST on 1 November is 00:30 on the 2nd at the summer one. The two refunds of order B,
    29 days apart, count once in every rolling window holding either of them."""
    make_order(order_no="A", total="10.00", paid_at=new_york(2026, 3, 8, 0, 30))  # EST
    b = make_order(order_no="B", total="20.00", paid_at=new_york(2026, 3, 9, 0, 30))  # EDT
    make_order(order_no="C", total="30.00", paid_at=new_york(2026, 11, 1, 1, 30, fold=1))  # the second 01:30, EST
    make_order(order_no="D", total="40.00", paid_at=new_york(2026, 11, 1, 23, 30))  # EST
    refund(b, "5.00", at=new_york(2026, 3, 9, 0, 10))
    refund(b, "6.00", at=new_york(2026, 4, 7, 23, 50))
    db.session.commit()

    spring = {row.day: row for row in by_day(Window(date(2026, 3, 7), date(2026, 5, 8)), NEW_YORK)}
    assert [spring[date(2026, 3, d)].paid_orders for d in (7, 8, 9, 10)] == [0, 1, 1, 0]
    assert [day for day, row in spring.items() if row.refunded_orders] == [date(2026, 3, 9), date(2026, 4, 7)]
    covered = [day for day, row in spring.items() if row.rolling_refunded]
    assert (covered[0], covered[-1], len(covered)) == (date(2026, 3, 9), date(2026, 5, 6), 59)
    assert {row.rolling_refunded for row in spring.values()} == {0, 1}
    assert spring[date(2026, 4, 7)].rolling_paid == 1 and spring[date(2026, 4, 6)].rolling_paid == 2

    autumn = {row.day: row for row in by_day(Window(date(2026, 10, 31), date(2026, 11, 2)), NEW_YORK)}
    assert [row.paid_orders for row in autumn.values()] == [0, 2, 0]
    figures = totals(Window(date(2026, 11, 1), date(2026, 11, 1)), NEW_YORK)
    assert (figures.paid_orders, figures.paid_amount) == (2, cny("70.00"))
    spring_totals = totals(Window(date(2026, 3, 9), date(2026, 4, 7)), NEW_YORK)
    assert (spring_totals.paid_orders, spring_totals.refunded_orders, spring_totals.refunded_amount) == (1, 1, cny("11.00"))


@pytest.mark.parametrize("app_config", [{"SHOPCS_TIMEZONE": NEW_YORK}])
def test_the_api_counts_days_in_the_configured_zone(app, client):
    make_order(order_no="NY-1", total="20.00", paid_at=new_york(2026, 3, 8, 20, 0))  # 9 March in Shanghai
    make_order(order_no="NY-2", total="20.00", paid_at=new_york(2026, 3, 9, 0, 30))  # the 8th at the winter offset
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    rows = client.get("/api/v1/reports/refund-rate?start=2026-03-08&end=2026-03-09", headers=headers).json["rows"]
    assert [(row["date"], row["paid_orders"]) for row in rows] == [("2026-03-08", 1), ("2026-03-09", 1)]


# -- random data against a brute-force count in Python ------------------------------------------------------

START = local(2026, 2, 1)
minutes = st.integers(min_value=0, max_value=90 * 24 * 60)  # February to April
orders_strategy = st.lists(st.tuples(
    st.one_of(st.none(), minutes),  # paid at, or never paid
    st.integers(min_value=1, max_value=50_000),  # total in fen (cents)
    st.sampled_from(["CNY", "CNY", "USD", "EUR"]),
    st.lists(st.tuples(st.sampled_from(["completed", "completed", "requested", "rejected"]), minutes,
                       st.integers(min_value=1, max_value=5_000)), max_size=3),
), max_size=25)


def _brute_force(rows, window, zone=ZONE):
    def day(at):
        return at.astimezone(ZoneInfo(zone)).date()

    def inside(at, first, last):
        return at is not None and first <= day(at) <= last

    def figures(first, last):
        paid = [(paid_at, total, currency) for paid_at, total, currency, _ in rows if inside(paid_at, first, last)]
        done = [(i, amount, currency) for i, (_, _, currency, refunds) in enumerate(rows)
                for status, at, amount in refunds if status == "completed" and inside(at, first, last)]
        return (len(paid), len({i for i, _, _ in done}), Amounts.of((c, t) for _, t, c in paid),
                Amounts.of((c, a) for _, a, c in done))

    per_day = [(d, figures(d, d), figures(d - timedelta(days=29), d)) for d in window.each_day()]
    return figures(window.start, window.end), per_day


def _check_against_brute_force(data, first, length, zone, start):
    for table in (Refund, OrderItem, Order):
        db.session.execute(delete(table))
    rows = []
    for paid_minute, total_fen, currency, refunds in data:
        paid_at = start + timedelta(minutes=paid_minute) if paid_minute is not None else None
        order = make_order(total=str(D(total_fen) / 100), status="paid" if paid_at else "unpaid", paid_at=paid_at,
                           placed_at=(paid_at or start) - timedelta(minutes=1), currency=currency, commit=False)
        db.session.flush()
        stored = []
        for status, minute, fen in refunds:
            at = start + timedelta(minutes=minute)
            refund(order, str(D(fen) / 100), status=status, at=at)
            stored.append((status, at, D(fen) / 100))
        rows.append((paid_at, D(total_fen) / 100, currency, stored))
    db.session.commit()
    window = Window(date(2026, 2, 1) + timedelta(days=first), date(2026, 2, 1) + timedelta(days=first + length - 1))
    (paid, refunded, paid_amount, refunded_amount), per_day = _brute_force(rows, window, zone)
    figures = totals(window, zone)
    assert (figures.paid_orders, figures.refunded_orders, figures.paid_amount, figures.refunded_amount) == (
        paid, refunded, paid_amount, refunded_amount)
    assert [(r.day, (r.paid_orders, r.refunded_orders), (r.rolling_paid, r.rolling_refunded)) for r in by_day(window, zone)] == [
        (d, one[:2], rolling[:2]) for d, one, rolling in per_day]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders_strategy, first=st.integers(0, 80), length=st.integers(1, 20))
def test_the_report_equals_a_brute_force_count_over_all_rows(app, data, first, length):
    _check_against_brute_force(data, first, length, ZONE, START)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders_strategy, first=st.integers(20, 50), length=st.integers(1, 20))
def test_the_report_equals_a_brute_force_count_in_a_zone_with_daylight_saving(app, data, first, length):
    """New York, February to April 2026: the clocks move on 8 March, inside most windows or their rolling 30 days."""
    _check_against_brute_force(data, first, length, NEW_YORK, new_york(2026, 2, 1))
