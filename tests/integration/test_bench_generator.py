"""The bench generator writes a shop the app can read: every status, plausible mix, valid contacts."""
from collections import Counter
from datetime import datetime, timezone

import phonenumbers
import pytest
from sqlalchemy import create_engine, select, text

from bench.fake import MOBILE_PREFIXES
from bench.generate import generate
from shopcs.extensions import db
from shopcs.orders.models import Order
from shopcs.orders.shipping import tracking_error
from shopcs.phone import normalize_phone
from tests.conftest import make_app

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("bench") / "bench.sqlite3")
    # 500 orders over 30 days keeps recent, still-open orders in the sample.
    counts = generate(url, 500, seed=1, now=NOW.replace(tzinfo=None), days=30, log=lambda *_: None)
    engine = create_engine(url)
    yield url, engine, counts
    engine.dispose()


def rows(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).all()


def test_generator_writes_the_requested_orders_with_one_to_three_items_each(bench_db):
    _url, engine, counts = bench_db
    assert counts["orders"] == 500 and counts["customers"] == 100
    per_order = Counter(order_id for (order_id,) in rows(engine, "SELECT order_id FROM order_items"))
    assert len(per_order) == 500 and set(per_order.values()) <= {1, 2, 3}


def test_orders_come_in_a_realistic_mix_of_statuses(bench_db):
    _url, engine, _counts = bench_db
    statuses = dict(rows(engine, "SELECT status, count(*) FROM orders GROUP BY status"))
    assert statuses.get("completed", 0) > 250
    assert 3 <= statuses.get("unpaid", 0) <= 25
    assert statuses.get("paid", 0) > 0 and statuses.get("shipped", 0) > 0
    assert set(statuses) <= {"unpaid", "paid", "shipped", "completed", "cancelled", "closed"}
    refunded = rows(engine, "SELECT count(DISTINCT order_id) FROM refunds")[0][0]
    assert 15 <= refunded <= 70  # about 8 %


def test_paid_orders_wait_for_confirmation_and_shipping_with_some_promised_dates(bench_db):
    _url, engine, _counts = bench_db
    waiting = rows(engine, "SELECT count(*) FROM orders WHERE status = 'paid' AND address_confirmed_at IS NULL")[0][0]
    promised = rows(engine, "SELECT count(*) FROM orders WHERE status = 'paid' AND promised_ship_date IS NOT NULL")[0][0]
    shipped_without_shipment = rows(engine, "SELECT count(*) FROM orders o WHERE status IN ('shipped', 'completed') "
                                            "AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id)")[0][0]
    assert waiting > 0 and promised > 0 and shipped_without_shipment == 0


def test_valid_phones_are_stored_the_way_the_app_normalizes_them(bench_db):
    _url, engine, _counts = bench_db
    contacts = rows(engine, "SELECT phone, phone_valid FROM orders")
    assert 0 < sum(1 for _phone, valid in contacts if valid)
    for phone, valid in contacts:
        assert normalize_phone(phone) == (phone, True) if valid else not normalize_phone(phone)[1]
    for prefix in MOBILE_PREFIXES:
        assert phonenumbers.is_valid_number(phonenumbers.parse(prefix + "12345678", "CN"))


def test_the_app_reads_generated_orders_as_decimal_money_and_aware_times(bench_db):
    url, engine, _counts = bench_db
    with make_app(url).app_context():
        for order in db.session.scalars(select(Order).order_by(Order.id.desc()).limit(20)):
            assert order.total == order.items_total + order.shipping_fee - order.discount
            assert order.placed_at.tzinfo is not None and order.placed_at <= NOW
            assert sum(item.unit_price * item.quantity for item in order.items) == order.items_total
        db.session.remove()
        db.engine.dispose()
    for carrier, number in rows(engine, "SELECT carrier, tracking_no FROM shipments"):
        assert tracking_error(carrier, number) is None


def test_generator_refuses_to_overwrite_a_database_with_orders(bench_db):
    url, _engine, _counts = bench_db
    with pytest.raises(SystemExit, match="--replace"):
        generate(url, 10, log=lambda *_: None)
