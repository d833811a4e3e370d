"""The unpaid sweep and the auto-close as set work (issue 20), against both databases: batches, the outbox's
one-statement insert, a payment that lands while a batch is decided, the campaign window stored and obeyed."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.followup import rules, unpaid
from shopcs.followup.jobs import auto_close_unpaid, sweep_unpaid
from shopcs.followup.settings import load_settings, save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue_many
from shopcs.orders.models import Order

from ..builders import NOW, make_customer, make_order

UTC = timezone.utc
SUPERVISOR = Actor(label="user:boss", role="supervisor")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


def outbox(**where) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def test_enqueue_many_inserts_the_new_keys_once_and_says_which_were_new(app):
    order = make_order(status="unpaid")
    message = {"body": "您好", "scheduled_for": NOW, "customer_id": order.customer_id, "order_id": order.id}
    first = enqueue_many([{**message, "dedupe_key": "unpaid_reminder:a"},
                          {**message, "dedupe_key": "unpaid_reminder:b", "cancel_reason": "dropped: why"}],
                         kind="unpaid_reminder", now=NOW, channel="webhook")
    again = enqueue_many([{**message, "dedupe_key": "unpaid_reminder:a"}, {**message, "dedupe_key": "unpaid_reminder:c"}],
                         kind="unpaid_reminder", now=NOW, channel="webhook")
    db.session.commit()
    assert first == {"unpaid_reminder:a", "unpaid_reminder:b"} and again == {"unpaid_reminder:c"}
    rows = {m.dedupe_key: m for m in outbox()}
    assert len(rows) == 3 and rows["unpaid_reminder:a"].status == "pending" and rows["unpaid_reminder:a"].channel == "webhook"
    assert rows["unpaid_reminder:b"].status == "cancelled" and rows["unpaid_reminder:b"].cancel_reason == "dropped: why"
    assert rows["unpaid_reminder:a"].scheduled_for == NOW and rows["unpaid_reminder:a"].attempts == 0


def test_enqueue_many_refuses_an_unknown_kind_or_the_widget_channel(app):
    import pytest
    with pytest.raises(ValueError):
        enqueue_many([], kind="spam", now=NOW, channel="manual")
    with pytest.raises(ValueError):
        enqueue_many([], kind="unpaid_reminder", now=NOW, channel="widget")


def test_a_sweep_over_several_batches_queues_every_due_order_once(app, monkeypatch):
    monkeypatch.setattr(unpaid, "BATCH", 3)
    orders = [make_order(status="unpaid", placed_at=sh(2026, 3, 4, 10, 0) + timedelta(seconds=i), commit=False)
              for i in range(8)]
    db.session.commit()
    assert sweep_unpaid(sh(2026, 3, 4, 10, 31)) == {"queued": 8, "dropped": 0, "waiting": 0, "cancelled": 0}
    assert sweep_unpaid(sh(2026, 3, 4, 10, 32))["queued"] == 0
    assert sorted(m.order_id for m in outbox()) == sorted(o.id for o in orders)
    assert all(f"{o.order_no}" in m.body for o, m in zip(sorted(orders, key=lambda o: o.id), outbox(), strict=True))


def test_an_order_paid_while_its_batch_is_decided_gets_no_reminder(app, monkeypatch):
    paid_meanwhile = make_order(status="unpaid", placed_at=sh(2026, 3, 4, 10, 0))
    still_unpaid = make_order(status="unpaid", placed_at=sh(2026, 3, 4, 10, 1))
    decide = rules.decide_reminder

    def decide_then_pay(**kwargs):  # the payment webhook lands between the candidates' read and the insert
        db.session.execute(Order.__table__.update().where(Order.__table__.c.id == paid_meanwhile.id).values(status="paid"))
        return decide(**kwargs)

    monkeypatch.setattr(rules, "decide_reminder", decide_then_pay)
    assert sweep_unpaid(sh(2026, 3, 4, 10, 40))["queued"] == 1
    assert [m.order_id for m in outbox()] == [still_unpaid.id]


def test_the_auto_close_closes_a_whole_batch_audits_each_and_cancels_their_reminders(app, monkeypatch):
    monkeypatch.setattr(unpaid, "BATCH", 2)
    customer = make_customer()
    stale = [make_order(status="unpaid", customer=customer, placed_at=sh(2026, 3, 1, 9, i), commit=False) for i in range(5)]
    fresh = make_order(status="unpaid", customer=customer, placed_at=sh(2026, 3, 4, 9, 0), commit=False)
    db.session.commit()
    sweep_unpaid(sh(2026, 3, 1, 21, 30))  # the stale orders' second reminders, pending
    assert len(outbox(status="pending")) == 5
    assert auto_close_unpaid(sh(2026, 3, 4, 9, 30)) == {"closed": 5}
    db.session.expire_all()
    assert {o.status for o in stale} == {"closed"} and fresh.status == "unpaid"
    assert all(o.closed_here_at == sh(2026, 3, 4, 9, 30) and o.lock_version == 1 for o in stale)
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == unpaid.ACTION_CLOSED_HERE)).all()
    assert sorted(a.order_id for a in audited) == sorted(o.id for o in stale)
    assert all(a.actor == "system:scheduler" and a.after["auto_close_hours"] == 72 for a in audited)
    assert {m.cancel_reason for m in outbox()} == {"order closed"}
    assert auto_close_unpaid(sh(2026, 3, 4, 9, 31)) == {"closed": 0}


def test_stale_reminders_are_cancelled_with_each_ones_reason_across_batches(app, monkeypatch):
    monkeypatch.setattr(unpaid, "BATCH", 2)
    orders = [make_order(status="unpaid", placed_at=sh(2026, 3, 4, 10, i), commit=False) for i in range(5)]
    db.session.commit()
    sweep_unpaid(sh(2026, 3, 4, 10, 40))
    for order, status in zip(orders, ("paid", "paid", "cancelled", "unpaid", "unpaid"), strict=True):
        order.status = status
    orders[4].customer.opted_out = True
    db.session.commit()
    assert sweep_unpaid(sh(2026, 3, 4, 10, 41))["cancelled"] == 4
    reasons = {m.order_id: (m.status, m.cancel_reason) for m in outbox()}
    assert reasons == {orders[0].id: ("cancelled", "order paid"), orders[1].id: ("cancelled", "order paid"),
                       orders[2].id: ("cancelled", "order cancelled"), orders[3].id: ("pending", None),
                       orders[4].id: ("cancelled", "customer opted out")}


def test_the_campaign_window_is_saved_audited_and_lets_reminders_out_at_midnight(app):
    save_settings({"campaign_start": "2026-11-11T00:00", "campaign_end": "2026-11-11T02:00"}, SUPERVISOR, sh(2026, 11, 1, 9))
    settings = load_settings()
    assert (settings.campaign_start, settings.campaign_end) == (datetime(2026, 11, 11, 0, 0), datetime(2026, 11, 11, 2, 0))
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "followup.settings")).one()
    assert audit.after == {"campaign_start": "2026-11-11T00:00", "campaign_end": "2026-11-11T02:00"}
    before_midnight = make_order(status="unpaid", placed_at=sh(2026, 11, 10, 23, 10))  # due 23:40: quiet, waits
    at_midnight = make_order(status="unpaid", placed_at=sh(2026, 11, 11, 0, 5))  # due 00:35: inside the window
    after_window = make_order(status="unpaid", placed_at=sh(2026, 11, 11, 1, 50))  # due 02:20: quiet again
    assert sweep_unpaid(sh(2026, 11, 10, 23, 41))["waiting"] == 1
    assert sweep_unpaid(sh(2026, 11, 11, 0, 0))["queued"] == 1
    assert sweep_unpaid(sh(2026, 11, 11, 0, 35))["queued"] == 1
    counts = sweep_unpaid(sh(2026, 11, 11, 2, 21))
    assert counts["queued"] == 0 and counts["waiting"] == 1
    assert sweep_unpaid(sh(2026, 11, 11, 8, 0))["queued"] == 1
    sent_for = {m.order_id: m.scheduled_for for m in outbox()}
    assert sent_for == {before_midnight.id: sh(2026, 11, 11, 0, 0), at_midnight.id: sh(2026, 11, 11, 0, 35),
                        after_window.id: sh(2026, 11, 11, 8, 0)}
    save_settings({"campaign_start": "", "campaign_end": ""}, SUPERVISOR, sh(2026, 11, 12, 9))
    assert load_settings().campaign_start is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "followup.settings")) == 2
