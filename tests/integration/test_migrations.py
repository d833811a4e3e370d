"""`flask db upgrade` builds, from nothing, exactly the schema the models describe, on both databases."""
import json
from datetime import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from shopcs.cases.settings import load_promise_words, load_sla_settings
from shopcs.cases.sla import SlaSettings
from shopcs.cases.wordsearch.rules import case_grams
from shopcs.extensions import db
from shopcs.followup.settings import load_settings
from shopcs.orders.models import Order
from shopcs.reports.alerts import load_alert_settings

from ..conftest import make_app


def test_migrations_create_the_schema_the_models_describe(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == []


def test_the_previous_payment_migration_fills_every_order(empty_database_url):
    """e5b7c9d1a3f2 adds orders.previous_paid_at to a database that has orders: each gets its customer's payment
    before it by (paid_at, id), null for a first payment and an unpaid order."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="4d8a2c6e1f70")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, external_id, name, phone, email, opted_out, created_at) "
                              "VALUES (1, 'a', 'A', '', '', false, '2026-01-01 00:00:00'), "
                              "(2, 'b', 'B', '', '', false, '2026-01-01 00:00:00')"))
            orders = [(1, 1, "2026-03-02 10:00:00"), (2, 1, "2026-03-01 10:00:00"), (3, 1, None),
                      (4, 1, "2026-03-02 10:00:00"), (5, 2, "2026-03-01 09:00:00")]
            for order_id, customer_id, paid_at in orders:
                conn.execute(text(
                    "INSERT INTO orders (id, order_no, status, customer_id, placed_at, paid_at, items_total, "
                    "shipping_fee, discount, total, currency, recipient, phone, phone_valid, province, city, "
                    "district, detail, postal_code, lock_version, created_at, updated_at) VALUES (:id, :no, 'paid', "
                    ":customer, '2026-02-28 10:00:00', :paid, 100, 0, 0, 100, 'CNY', '', '', true, '', '', '', '', "
                    "'', 0, '2026-02-28 10:00:00', '2026-02-28 10:00:00')"),
                    {"id": order_id, "no": f"M{order_id}", "customer": customer_id, "paid": paid_at})
        upgrade()
        with db.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, previous_paid_at FROM orders")).all())
        db.engine.dispose()
    as_text = {order_id: None if at is None else str(at)[:19] for order_id, at in found.items()}
    assert as_text == {1: "2026-03-01 10:00:00", 2: None, 3: None, 4: "2026-03-02 10:00:00", 5: None}


def test_the_closed_here_migration_marks_the_orders_the_scheduler_closed(empty_database_url):
    """c4e6a8b0d2f1 adds orders.closed_here_at: the time of the auto-close's audit entry (system:scheduler,
    order.status) for an order still closed; null for one the platform closed and for open orders."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="b3d5f7a9c1e4")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, external_id, name, phone, email, opted_out, created_at) "
                              "VALUES (1, 'a', 'A', '', '', false, '2026-01-01 00:00:00')"))
            for order_id, status in [(1, "closed"), (2, "closed"), (3, "unpaid"), (4, "paid")]:
                conn.execute(text(
                    "INSERT INTO orders (id, order_no, status, customer_id, placed_at, items_total, shipping_fee, discount, "
                    "total, currency, recipient, phone, phone_valid, province, city, district, detail, postal_code, "
                    "lock_version, created_at, updated_at) VALUES (:id, :no, :status, 1, '2026-03-01 10:00:00', 100, 0, 0, "
                    "100, 'CNY', '', '', true, '', '', '', '', '', 0, '2026-03-01 10:00:00', '2026-03-01 10:00:00')"),
                    {"id": order_id, "no": f"M{order_id}", "status": status})
            entries = [(1, "system:scheduler", "order.status", "2026-03-04 10:00:00"),
                       (1, "token:shop", "order.updated", "2026-03-04 11:00:00"),
                       (2, "token:shop", "order.status", "2026-03-02 10:00:00"),
                       (4, "system:scheduler", "order.status", "2026-03-04 10:00:00")]  # closed, then paid: not closed now
            for order_id, actor, action, at in entries:
                conn.execute(text("INSERT INTO audit_entries (at, actor, order_id, action) VALUES (:at, :actor, :id, :action)"),
                             {"at": at, "actor": actor, "id": order_id, "action": action})
        upgrade()
        with db.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, closed_here_at FROM orders")).all())
        db.engine.dispose()
    as_text = {order_id: None if at is None else str(at)[:19] for order_id, at in found.items()}
    assert as_text == {1: "2026-03-04 10:00:00", 2: None, 3: None, 4: None}


def _old_settings_rows() -> dict:
    """followup_settings as the code before d3f5a7c9e1b4 wrote it: the follow-up's, the shop-wide, the cases' and
    the alerts' values side by side."""
    sla = SlaSettings.default().as_json()
    sla["amber_share"] = "0.25"
    first_channel = next(iter(sla["targets"]))
    sla["targets"][first_channel].update(minutes=90, weekdays=[0, 1, 2], opens="08:30", closes="17:00")
    return {"first_reminder_minutes": 45, "quiet_start": "23:00", "template:unpaid_reminder:zh": "请尽快付款 {order_no}",
            "locale": "en", "shop_name": "织云小铺", "shop_name_en": "Cloud Weave", "notify_platform_shipments": True,
            "case_sla": sla, "case_promise_words": ["保证", "绝对"],
            "report_alerts": {"threshold": "0.05", "spike_factor": "3", "spike_min_orders": 20, "channel": "email",
                              "email": "ops@example.com"}}


def test_the_shop_settings_migration_keeps_every_stored_value_and_gives_it_back_on_downgrade(empty_database_url):
    """d3f5a7c9e1b4 moves followup_settings into shop_settings: each area's loader reads after the upgrade exactly
    what was set before it; the downgrade restores the old rows unchanged."""
    old = _old_settings_rows()
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="c2e4a6b8d0f3")
        with db.engine.begin() as conn:
            for key, value in old.items():
                conn.execute(text('INSERT INTO followup_settings ("key", value, updated_at, updated_by) '
                                  "VALUES (:key, :value, '2026-03-01 10:00:00', 'user:lead')"),
                             {"key": key, "value": json.dumps(value, ensure_ascii=False)})
        upgrade()
        followup = load_settings()
        assert (followup.first_reminder_minutes, followup.quiet_start, followup.template("unpaid_reminder", "zh")) == (
            45, time(23), "请尽快付款 {order_no}")
        assert (followup.locale, followup.shop_name, followup.shop_name_en, followup.notify_platform_shipments) == (
            "en", "织云小铺", "Cloud Weave", True)
        assert followup.second_reminder_hours == 12  # never set: still the default
        assert load_sla_settings().as_json() == old["case_sla"]
        assert load_promise_words() == ("保证", "绝对")
        assert load_alert_settings().as_json() == old["report_alerts"]
        with db.engine.connect() as conn:
            areas = dict(conn.execute(text('SELECT "key", area FROM shop_settings')).all())
        assert areas == {"first_reminder_minutes": "followup", "quiet_start": "followup",
                         "template:unpaid_reminder:zh": "followup", "locale": "shop", "shop_name": "shop",
                         "shop_name_en": "shop", "notify_platform_shipments": "shop", "sla": "cases",
                         "promise_words": "cases", "refund_rate": "alerts"}
        db.session.remove()
        downgrade(revision="c2e4a6b8d0f3")
        with db.engine.connect() as conn:
            rows = conn.execute(text('SELECT "key", value, updated_at, updated_by FROM followup_settings')).all()
        shop_settings_left = inspect(db.engine).has_table("shop_settings")
        db.engine.dispose()
    assert {key: json.loads(value) for key, value, _, _ in rows} == old
    assert {(str(at)[:19], by) for _, _, at, by in rows} == {("2026-03-01 10:00:00", "user:lead")}
    assert not shop_settings_left


def test_the_money_migration_keeps_every_cny_figure_and_gives_the_fen_back_on_downgrade(empty_database_url):
    """c6e8a0b2d4f7 moves money from integer fen to integer thousandths (a KWD amount has 3 decimals): every stored
    CNY amount reads back the same through the models; orders get country CN; the downgrade restores the fen."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="b2d4f6a8c0e1")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, external_id, name, phone, email, opted_out, created_at) "
                              "VALUES (1, 'a', 'A', '', '', false, '2026-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO orders (id, order_no, status, customer_id, placed_at, paid_at, items_total, shipping_fee, "
                "discount, total, currency, recipient, phone, phone_valid, province, city, district, detail, postal_code, "
                "lock_version, created_at, updated_at) VALUES (1, 'M1', 'paid', 1, '2026-03-01 10:00:00', "
                "'2026-03-01 10:05:00', 123456, 1000, 99, 124357, 'CNY', '', '', true, '浙江省', '', '', '', '', 0, "
                "'2026-03-01 10:00:00', '2026-03-01 10:00:00')"))
            conn.execute(text("INSERT INTO order_items (order_id, position, sku, title, quantity, unit_price) "
                              "VALUES (1, 0, 'S', 'T', 2, 61728)"))
            conn.execute(text("INSERT INTO refunds (order_id, amount, reason, with_return, status, note, requested_by, "
                              "requested_at) VALUES (1, 1999, 'other', false, 'requested', '', 'x', '2026-03-02 10:00:00')"))
        upgrade()
        order = db.session.get(Order, 1)
        figures = (order.items_total, order.shipping_fee, order.discount, order.total, order.items[0].unit_price,
                   order.refunds[0].amount)
        assert [str(value) for value in figures] == ["1234.56", "10.00", "0.99", "1243.57", "617.28", "19.99"]
        assert (order.country, order.address_line2) == ("CN", "")
        db.session.remove()
        downgrade(revision="b2d4f6a8c0e1")
        with db.engine.connect() as conn:
            fen = conn.execute(text("SELECT items_total, shipping_fee, discount, total FROM orders")).one()
            item, refund = (conn.execute(text(f"SELECT {c} FROM {t}")).scalar()
                            for t, c in (("order_items", "unit_price"), ("refunds", "amount")))
        db.engine.dispose()
    assert (tuple(fen), item, refund) == ((123456, 1000, 99, 124357), 61728, 1999)


def test_the_word_search_migration_indexes_the_subjects_and_messages_already_there(empty_database_url):
    """d2b4c6e8f0a1 fills case_words from the existing cases: the grams the app's rules give their subjects and
    messages (not notes), each case's own; the downgrade drops the table."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="d1a3c5e7f9b0")
        with db.engine.begin() as conn:
            for case_id, subject in ((1, "包裹破损"), (2, "İnvoice ΟΔΟΣ")):
                conn.execute(text(
                    "INSERT INTO cases (id, category, channel, severity, status, subject, body, team, received_at, "
                    "first_response_due_at, created_by, created_at, updated_at, lock_version) VALUES (:id, 'claim', "
                    "'chat', 'normal', 'new', :subject, 'b', 'agents', '2026-03-01 10:00:00', '2026-03-01 10:05:00', "
                    "'x', '2026-03-01 10:00:00', '2026-03-01 10:00:00', 0)"), {"id": case_id, "subject": subject})
            events = [(1, "customer_message", "外箱压坏了"), (1, "note", "内部备注"), (2, "reply", "Sent AGAIN")]
            for case_id, kind, body in events:
                conn.execute(text("INSERT INTO case_events (case_id, kind, actor, body, occurred_at, created_at) VALUES "
                                  "(:case_id, :kind, 'x', :body, '2026-03-01 10:00:00', '2026-03-01 10:00:00')"),
                             {"case_id": case_id, "kind": kind, "body": body})
        upgrade(revision="d2b4c6e8f0a1")
        with db.engine.connect() as conn:
            found = {(case_id, gram) for gram, case_id in conn.execute(text("SELECT gram, case_id FROM case_words"))}
        expected = {(1, gram) for gram in case_grams(["包裹破损", "外箱压坏了"])} | {
            (2, gram) for gram in case_grams(["İnvoice ΟΔΟΣ", "Sent AGAIN"])}
        downgrade(revision="d1a3c5e7f9b0")
        table_left = inspect(db.engine).has_table("case_words")
        db.engine.dispose()
    assert found == expected and not table_left
