"""Refund-rate alerts against a real database: what fires, the outbox message sent once per rule and day (by email to
the operators' address), the audited settings, and the dashboard's "read" button."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.errors import Invalid, NotFound
from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox, send_refund_rate_alerts
from shopcs.followup.queries import tab_counts
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.reports.alerts import alerts_for, load_alert_settings, mark_alert_read, save_alert_settings

from ..builders import make_order
from ..receivers import SmtpSink
from .test_refund_rate_report import local, refund

ZONE = "Asia/Shanghai"
TODAY = date(2026, 3, 31)
NOW = local(2026, 3, 31, 9, 0)  # 09:00 shop time on the 31st: the days judged end on the 30th
OPERATOR = Actor(label="user:olga", role="operator")


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def app_config(smtp):
    return {"SHOPCS_SMTP_HOST": "127.0.0.1", "SHOPCS_SMTP_PORT": smtp.port, "SHOPCS_SMTP_FROM": "好店 <shop@example.com>"}


def shop_with_refunds(refunded: int, paid: int = 40, refund_day: int = 20):
    """`paid` orders paid over March 2–30 (shop time); `refunded` of them refunded on March `refund_day`."""
    orders = [make_order(paid_at=local(2026, 3, 2 + n % 29, 12), placed_at=local(2026, 3, 2 + n % 29, 11), commit=False)
              for n in range(paid)]
    db.session.flush()
    for order in orders[:refunded]:
        refund(order, "10.00", at=local(2026, 3, refund_day, 15))
    db.session.commit()
    return orders


def actor():
    return OPERATOR


def test_the_threshold_fires_on_whole_days_up_to_yesterday(app):
    orders = shop_with_refunds(refunded=2)  # 2 / 40 = 5.00%: not above 5%
    assert alerts_for(TODAY, ZONE) == []
    refund(orders[2], "10.00", at=local(2026, 3, 31, 8))  # today: judged tomorrow, not now
    db.session.commit()
    assert alerts_for(TODAY, ZONE) == []
    [alert] = alerts_for(TODAY + timedelta(days=1), ZONE)
    assert (alert.rule, alert.as_of, alert.refunded_orders, str(alert.rate)) == ("threshold", TODAY, 3, "0.0750")


def test_an_alert_is_queued_once_per_rule_and_day_in_the_shops_language(app):
    shop_with_refunds(refunded=4)
    assert send_refund_rate_alerts(NOW) == {"queued": 1}
    assert send_refund_rate_alerts(NOW + timedelta(minutes=15)) == {"queued": 0}  # the next run of the job
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all()
    assert message.dedupe_key == "alert:threshold:2026-03-30" and message.channel == "manual"
    assert "退款率预警" in message.body and "10.00%" in message.body and "4/40" in message.body
    assert send_refund_rate_alerts(NOW + timedelta(days=1)) == {"queued": 1}  # a new day, judged again


def test_a_spike_fires_with_enough_orders_in_the_last_7_days(app):
    save_alert_settings({"threshold_percent": "50", "spike_factor": "1.5", "spike_min_orders": "5"}, actor(), NOW)
    orders = shop_with_refunds(refunded=0)
    for order in orders[:3]:
        refund(order, "10.00", at=local(2026, 3, 28, 15))
    db.session.commit()
    [alert] = alerts_for(TODAY, ZONE)  # 7 days (24th–30th): 3 of 7 paid = 42.86% > 1.5 × 3 / 40 = 11.25%
    assert (alert.rule, alert.paid_orders, str(alert.rate), str(alert.limit)) == ("spike", 7, "0.4286", "0.1125")


def test_an_alert_by_email_goes_to_the_operators_address(app, smtp):
    save_alert_settings({"threshold_percent": "5", "spike_factor": "1.5", "spike_min_orders": "100", "channel": "email",
                         "email": "ops@example.com"}, actor(), NOW)
    shop_with_refunds(refunded=4)
    assert send_refund_rate_alerts(NOW) == {"queued": 1}
    report = drain_outbox(NOW)
    assert report.sent == 1 and smtp.envelopes == [("shop@example.com", ["ops@example.com"])]
    assert "退款率预警" in smtp.messages[0].get_content()


def test_a_case_escalation_by_email_goes_to_the_team_address_never_to_a_buyer(app, smtp):
    save_alert_settings({"threshold_percent": "5", "spike_factor": "1.5", "spike_min_orders": "100", "channel": "email",
                         "email": "ops@example.com"}, actor(), NOW)
    enqueue(kind="case_escalation", dedupe_key="case_escalation:1:complaint", body="【投诉上报】工单 #1", now=NOW,
            channel="email")
    db.session.commit()
    assert drain_outbox(NOW).sent == 1 and smtp.envelopes == [("shop@example.com", ["ops@example.com"])]
    enqueue(kind="case_escalation", dedupe_key="case_escalation:2:breach", body="【超时上报】工单 #2", now=NOW,
            channel="manual")
    db.session.commit()
    assert tab_counts(NOW, "Asia/Shanghai")["manual"] == 0  # the team's own message: not a buyer's to send by hand


def test_settings_are_audited_and_bad_ones_write_nothing(app):
    save_alert_settings({"threshold_percent": "3", "spike_factor": "2", "spike_min_orders": "50"}, actor(), NOW)
    assert str(load_alert_settings().threshold) == "0.0300"
    with pytest.raises(Invalid) as caught:
        save_alert_settings({"threshold_percent": "3", "spike_factor": "0", "spike_min_orders": "50"}, actor(), NOW)
    assert set(caught.value.fields) == {"spike_factor"}
    db.session.rollback()
    assert str(load_alert_settings().spike_factor) == "2"
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report_alerts.settings_changed")).all()
    assert entry.after["threshold"] == "0.0300" and entry.before["threshold"] == "0.05"
    save_alert_settings({"threshold_percent": "3", "spike_factor": "2", "spike_min_orders": "50"}, actor(), NOW)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1  # no change, no entry


def test_alerts_stay_off_the_agents_follow_up_list_and_only_alerts_can_be_marked_read(app):
    shop_with_refunds(refunded=4)
    send_refund_rate_alerts(NOW)
    buyer_message = enqueue(kind="shipping_notice", dedupe_key="shipping_notice:x", body="已发货", now=NOW, channel="manual")
    db.session.commit()
    assert tab_counts(NOW + timedelta(minutes=1), ZONE)["manual"] == 1  # the buyer's message, not the alert
    with pytest.raises(NotFound):
        mark_alert_read(buyer_message.id, actor(), NOW)
    alert = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
    assert mark_alert_read(alert.id, actor(), NOW).status == "sent"
