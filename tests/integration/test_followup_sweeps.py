"""The follow-up sweeps against both databases: reminders, drops, the cap, auto-close, greetings."""
import threading
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.errors import Conflict, Invalid, NotFound
from shopcs.extensions import db
from shopcs.followup import rules
from shopcs.followup.concerns import concerns_for_order, record_concern
from shopcs.followup.jobs import auto_close_unpaid, run_all_sweeps, send_reminder_by_hand, sweep_greetings, sweep_unpaid
from shopcs.followup.promotions import add_promotion, delete_promotion, list_promotions
from shopcs.followup.settings import load_settings, save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Order, Refund

from ..builders import make_customer, make_order

UTC = timezone.utc
SUPERVISOR = Actor(label="user:boss", role="supervisor")
AGENT = Actor(label="user:amy", role="agent")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


def messages(**where) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def unpaid(placed_at, **extra) -> Order:
    return make_order(status="unpaid", placed_at=placed_at, **extra)


def test_the_first_reminder_is_queued_once_when_it_falls_due(app):
    order = unpaid(sh(2026, 3, 4, 10, 0), title="羊毛围巾", total="128.00")
    assert sweep_unpaid(sh(2026, 3, 4, 10, 29))["queued"] == 0
    assert sweep_unpaid(sh(2026, 3, 4, 10, 30))["queued"] == 1
    assert sweep_unpaid(sh(2026, 3, 4, 10, 30))["queued"] == 0
    [message] = messages()
    assert message.dedupe_key == f"unpaid_reminder:{order.id}:1" and message.scheduled_for == sh(2026, 3, 4, 10, 30)
    assert message.kind == "unpaid_reminder" and message.status == "pending" and message.channel == "manual"
    assert order.order_no in message.body and "羊毛围巾" in message.body and "128.00" in message.body
    assert "2026-03-07 10:00" in message.body  # when the order closes (72 h later), in shop time


def test_the_second_reminder_follows_twelve_hours_after_placing(app):
    order = unpaid(sh(2026, 3, 4, 9, 0))
    for minute in (sh(2026, 3, 4, 9, 30), sh(2026, 3, 4, 21, 0), sh(2026, 3, 4, 21, 1)):
        sweep_unpaid(minute)
    assert [m.dedupe_key for m in messages()] == [f"unpaid_reminder:{order.id}:1", f"unpaid_reminder:{order.id}:2"]


def test_a_reminder_due_in_quiet_hours_is_queued_for_eight_in_the_morning(app):
    order = unpaid(sh(2026, 3, 4, 21, 50))
    assert sweep_unpaid(sh(2026, 3, 4, 22, 20))["waiting"] == 1 and messages() == []
    sweep_unpaid(sh(2026, 3, 5, 7, 59))
    assert messages() == []
    sweep_unpaid(sh(2026, 3, 5, 8, 0))
    [message] = messages()
    assert message.order_id == order.id and message.scheduled_for == sh(2026, 3, 5, 8, 0)


def test_a_paid_order_gets_no_reminder_and_its_queued_one_is_cancelled(app):
    paid_first = make_order(status="paid", placed_at=sh(2026, 3, 4, 10, 0))
    later = unpaid(sh(2026, 3, 4, 10, 0))
    sweep_unpaid(sh(2026, 3, 4, 10, 30))
    later.status, later.paid_at = "paid", sh(2026, 3, 4, 10, 40)
    db.session.commit()
    result = sweep_unpaid(sh(2026, 3, 4, 10, 41))
    [message] = messages()
    assert result["cancelled"] == 1 and message.order_id == later.id
    assert message.status == "cancelled" and message.cancel_reason == "order paid"
    assert messages(order_id=paid_first.id) == []


def test_a_customer_who_opted_out_gets_no_reminder(app):
    customer = make_customer()
    customer.opted_out = True
    unpaid(sh(2026, 3, 4, 10, 0), customer=customer)
    sweep_unpaid(sh(2026, 3, 4, 10, 30))
    assert messages() == []


def test_a_step_that_would_wait_past_the_close_is_dropped_with_the_reason_recorded(app):
    save_settings({"auto_close_hours": "14"}, SUPERVISOR, sh(2026, 3, 1, 9, 0))
    order = unpaid(sh(2026, 3, 4, 12, 0))
    sweep_unpaid(sh(2026, 3, 4, 12, 30))
    assert sweep_unpaid(sh(2026, 3, 5, 0, 0))["dropped"] == 1
    step_one, step_two = messages(order_id=order.id)
    assert step_one.status == "pending"
    assert step_two.dedupe_key.endswith(":2") and step_two.status == "cancelled"
    assert step_two.cancel_reason == rules.DROP_CLOSES_FIRST


def test_a_reminder_sent_by_hand_counts_toward_the_cap(app):
    order = unpaid(sh(2026, 3, 4, 9, 0))
    by_hand = send_reminder_by_hand(order.order_no, AGENT, sh(2026, 3, 4, 9, 10))
    sweep_unpaid(sh(2026, 3, 4, 9, 30))
    sweep_unpaid(sh(2026, 3, 4, 21, 0))
    rows = messages(order_id=order.id)
    assert [m.status for m in rows] == ["pending", "pending", "cancelled"]
    assert rows[0].id == by_hand.id and rows[2].cancel_reason == rules.DROP_CAP
    with pytest.raises(Conflict):
        send_reminder_by_hand(order.order_no, AGENT, sh(2026, 3, 4, 21, 5))
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "followup.reminder_by_hand")).one()
    assert audit.actor == "user:amy" and audit.order_id == order.id


def test_a_reminder_by_hand_in_quiet_hours_waits_and_is_refused_for_paid_or_unknown_orders(app):
    order = unpaid(sh(2026, 3, 4, 21, 0))
    assert send_reminder_by_hand(order.order_no, AGENT, sh(2026, 3, 4, 23, 0)).scheduled_for == sh(2026, 3, 5, 8, 0)
    with pytest.raises(Conflict):
        send_reminder_by_hand(make_order(status="paid").order_no, AGENT, sh(2026, 3, 4, 12, 0))
    with pytest.raises(NotFound):
        send_reminder_by_hand("NO-SUCH", AGENT, sh(2026, 3, 4, 12, 0))


def test_unpaid_orders_close_after_72_hours_marked_as_closed_here_and_their_reminders_are_cancelled(app):
    order = unpaid(sh(2026, 3, 4, 9, 0))
    fresh = unpaid(sh(2026, 3, 4, 9, 1))
    sweep_unpaid(sh(2026, 3, 4, 21, 0))
    assert auto_close_unpaid(sh(2026, 3, 7, 8, 59)) == {"closed": 0}
    assert auto_close_unpaid(sh(2026, 3, 7, 9, 0)) == {"closed": 1}
    assert auto_close_unpaid(sh(2026, 3, 7, 9, 0)) == {"closed": 0}
    db.session.refresh(order)
    db.session.refresh(fresh)
    assert order.status == "closed" and fresh.status == "unpaid"
    assert order.closed_here_at == sh(2026, 3, 7, 9, 0) and fresh.closed_here_at is None
    [message] = messages(order_id=order.id)
    assert message.status == "cancelled" and message.cancel_reason == "order closed"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.order_id == order.id)).one()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        "system:scheduler", "order.closed_here", {"status": "unpaid"}, {"status": "closed", "auto_close_hours": 72})


def test_an_order_the_platform_closed_first_is_left_alone(app):
    order = unpaid(sh(2026, 3, 4, 9, 0))
    order.status = "closed"
    db.session.commit()
    assert auto_close_unpaid(sh(2026, 3, 7, 10, 0)) == {"closed": 0}
    assert db.session.scalars(select(AuditEntry)).all() == [] and order.closed_here_at is None


def test_two_sweeps_at_the_same_moment_queue_each_reminder_once(app):
    orders = [unpaid(sh(2026, 3, 4, 10, 0) + timedelta(seconds=i)) for i in range(30)]
    now = sh(2026, 3, 4, 10, 31)
    errors = []

    def sweep():
        with app.app_context():
            try:
                sweep_unpaid(now)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m.order_id for m in messages()) == sorted(o.id for o in orders)


def repeat_customer(name="老王", opted_out=False, last_paid=None, first_paid=None):
    last_paid, first_paid = last_paid or sh(2026, 9, 1, 12, 0), first_paid or sh(2025, 1, 5, 12, 0)
    person = make_customer(name=name)
    person.opted_out = opted_out
    make_order(customer=person, placed_at=first_paid)
    make_order(customer=person, placed_at=last_paid)
    return person


MID_AUTUMN = sh(2026, 9, 25, 10, 0)


def test_repeat_customers_are_greeted_on_mid_autumn_from_ten_oclock_once(app):
    loyal = repeat_customer()
    once = make_customer()
    make_order(customer=once, placed_at=sh(2026, 9, 1, 12, 0))
    assert sweep_greetings(MID_AUTUMN - timedelta(minutes=1))["queued"] == 0
    assert sweep_greetings(MID_AUTUMN)["queued"] == 1
    assert sweep_greetings(MID_AUTUMN + timedelta(minutes=10))["queued"] == 0
    [greeting] = messages()
    assert greeting.customer_id == loyal.id and greeting.kind == "holiday_greeting"
    assert greeting.dedupe_key == f"greeting:{loyal.id}:mid_autumn:2026" and greeting.scheduled_for == MID_AUTUMN
    assert "中秋快乐" in greeting.body and "老王" in greeting.body


def test_an_english_greeting_carries_the_english_occasion_and_shop_name_and_a_chinese_one_the_chinese(app):
    repeat_customer()
    save_settings({"locale": "en", "shop_name": "暖冬小铺", "shop_name_en": "Warm Winter Shop"}, SUPERVISOR, MID_AUTUMN)
    sweep_greetings(MID_AUTUMN)
    [english] = messages()
    assert "Happy Mid-Autumn Festival" in english.body and "Warm Winter Shop" in english.body
    assert not any("\u4e00" <= char <= "\u9fff" for char in english.body.replace("老王", ""))
    db.session.delete(english)
    save_settings({"locale": "zh"}, SUPERVISOR, MID_AUTUMN)
    sweep_greetings(MID_AUTUMN)
    [chinese] = messages()
    assert "中秋快乐" in chinese.body and "暖冬小铺" in chinese.body and "Warm" not in chinese.body


def test_dragon_boat_greetings_wish_good_health(app):
    repeat_customer(last_paid=sh(2026, 6, 1, 12, 0))
    sweep_greetings(sh(2026, 6, 19, 10, 0))
    [greeting] = messages()
    assert "端午安康" in greeting.body and "快乐" not in greeting.body


def test_a_missed_greeting_goes_out_later_the_same_day_but_never_the_next(app):
    repeat_customer()
    assert sweep_greetings(sh(2026, 9, 26, 10, 0))["queued"] == 0
    assert sweep_greetings(sh(2026, 9, 25, 16, 0))["queued"] == 1


def test_opted_out_refunded_and_lapsed_customers_are_not_greeted(app):
    repeat_customer(opted_out=True)
    repeat_customer(last_paid=sh(2025, 9, 1, 12, 0))  # last order more than 365 days ago
    refunded = repeat_customer()
    last = db.session.scalars(select(Order).where(Order.customer_id == refunded.id).order_by(Order.paid_at.desc())).first()
    db.session.add(Refund(order_id=last.id, amount=Decimal("100.00"), reason="quality", status="completed",
                          requested_by="user:amy", requested_at=MID_AUTUMN))
    db.session.commit()
    assert sweep_greetings(MID_AUTUMN)["queued"] == 0


def test_no_second_greeting_within_seven_days(app):
    loyal = repeat_customer()
    sweep_greetings(MID_AUTUMN)
    sweep_greetings(sh(2026, 10, 1, 10, 0))  # national day, six days later
    assert [m.dedupe_key.split(":", 2)[2] for m in messages(customer_id=loyal.id)] == ["mid_autumn:2026"]


def test_promotions_are_announced_days_before_at_their_send_time(app):
    loyal = repeat_customer(last_paid=sh(2026, 10, 20, 12, 0))
    promotion = add_promotion("双十一", date(2026, 11, 11), "20:00", 1, SUPERVISOR, sh(2026, 11, 1, 9, 0), "Asia/Shanghai")
    assert [p.name for p in list_promotions()] == ["双十一"]
    assert sweep_greetings(sh(2026, 11, 10, 19, 59))["queued"] == 0
    assert sweep_greetings(sh(2026, 11, 10, 20, 0))["queued"] == 1
    [message] = messages()
    assert message.kind == "promotion" and message.dedupe_key == f"greeting:{loyal.id}:{promotion.key}"
    assert "双十一" in message.body
    delete_promotion(promotion.id, SUPERVISOR, sh(2026, 11, 10, 20, 5))
    assert list_promotions() == [] and messages()[0].cancel_reason == "promotion deleted"


def test_a_promotion_must_be_valid_and_not_in_the_past(app):
    with pytest.raises(Invalid) as caught:
        add_promotion("", "2026-13-01", "23:00", 99, SUPERVISOR, sh(2026, 11, 1, 9, 0), "Asia/Shanghai")
    assert set(caught.value.fields) == {"name", "day", "days_before"}
    with pytest.raises(Invalid):
        add_promotion("618", date(2026, 6, 18), time(10), 0, SUPERVISOR, sh(2026, 11, 1, 9, 0), "Asia/Shanghai")
    with pytest.raises(Invalid):
        add_promotion("618", date(2027, 6, 18), time(23), 0, SUPERVISOR, sh(2026, 11, 1, 9, 0), "Asia/Shanghai")  # quiet hours


def test_settings_are_saved_audited_and_used(app):
    assert load_settings().first_reminder_minutes == 30
    save_settings({"first_reminder_minutes": "45", "templates": {"unpaid_reminder:zh": "{buyer_name}，订单 {order_no}"}},
                  SUPERVISOR, sh(2026, 3, 1, 9, 0))
    settings = load_settings()
    assert settings.first_reminder_minutes == 45 and settings.template("unpaid_reminder") == "{buyer_name}，订单 {order_no}"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "followup.settings")).one()
    assert entry.actor == "user:boss" and entry.before == {"first_reminder_minutes": 30, "template:unpaid_reminder:zh": entry.before[
        "template:unpaid_reminder:zh"]} and entry.after["first_reminder_minutes"] == 45
    order = unpaid(sh(2026, 3, 4, 10, 0), recipient="x")
    sweep_unpaid(sh(2026, 3, 4, 10, 30))
    assert messages() == []
    sweep_unpaid(sh(2026, 3, 4, 10, 45))
    assert messages()[0].body == f"张三，订单 {order.order_no}"


def test_saving_an_unknown_variable_changes_nothing(app):
    with pytest.raises(Invalid):
        save_settings({"templates": {"unpaid_reminder:zh": "{coupon}"}}, SUPERVISOR, sh(2026, 3, 1, 9, 0))
    assert load_settings() == load_settings() and db.session.scalars(select(AuditEntry)).all() == []


def test_concerns_are_recorded_on_the_order_newest_first(app):
    order = unpaid(sh(2026, 3, 4, 10, 0))
    record_concern(order.order_no, "price", "觉得有点贵", AGENT, sh(2026, 3, 4, 11, 0))
    record_concern(order.order_no, "payment_method", "", AGENT, sh(2026, 3, 4, 12, 0))
    assert [c.category for c in concerns_for_order(order.id)] == ["payment_method", "price"]
    with pytest.raises(Invalid):
        record_concern(order.order_no, "weather", "", AGENT, sh(2026, 3, 4, 12, 0))
    with pytest.raises(NotFound):
        record_concern("NO-SUCH", "price", "", AGENT, sh(2026, 3, 4, 12, 0))


def test_run_all_sweeps_reports_what_each_did(app):
    unpaid(sh(2026, 3, 4, 10, 0))
    result = run_all_sweeps(sh(2026, 3, 4, 10, 30))
    assert result["unpaid"]["queued"] == 1 and result["auto_close"] == {"closed": 0} and result["greetings"]["queued"] == 0
