from datetime import timedelta

from sqlalchemy import func, select

from shopcs.auth.models import User
from shopcs.cases.models import Case
from shopcs.demo import DEMO_PASSWORD, DEMO_USERS
from shopcs.extensions import db
from shopcs.followup.settings import load_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Order, Refund
from shopcs.reports.concerns import concerns_report
from shopcs.reports.dashboard import dashboard_figures
from shopcs.reports.page_support import default_window
from shopcs.reports.refund_rate import totals as refund_totals
from shopcs.reports.repurchase import repurchase as repurchase_report
from shopcs.reports.team.report import team_report
from shopcs.reports.unpaid_recovery import current_grace, unpaid_recovery
from shopcs.timeutil import local_date, utcnow
from shopcs.windows import Window


def test_demo_seed_makes_users_of_every_role_and_orders_in_every_state_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--orders", "120"])
    assert first.exit_code == 0, first.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"agent", "supervisor", "shipping", "after_sales", "operator", "admin"}
    statuses = set(db.session.scalars(select(Order.status)))
    assert {"unpaid", "paid", "shipped", "completed", "cancelled"} <= statuses
    assert db.session.scalar(select(func.count()).select_from(Refund)) > 0
    cases = list(db.session.scalars(select(Case)))
    assert {case.category for case in cases} == {"tracking", "payment", "after_sales", "complaint", "pre_sale"}
    assert [case.escalation_reason for case in cases if case.escalated_at] == ["complaint"]
    assert {case.team for case in cases} == {"agents", "after_sales"}
    abroad = dict(db.session.execute(select(Order.order_no, Order.currency).where(Order.country != "CN")).all())
    assert abroad == {"DEMO-US-1001": "USD", "DEMO-AU-1002": "AUD", "DEMO-JP-1003": "JPY"}  # a cross-border shop's
    again = runner.invoke(args=["demo", "seed", "--orders", "120"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(Order)) == 120 + len(abroad)
    assert db.session.scalar(select(func.count()).select_from(Case)) == len(cases)


def test_demo_refunds_happen_after_payment_and_never_in_the_future(app):
    assert app.test_cli_runner().invoke(args=["demo", "seed", "--orders", "120", "--seed", "3"]).exit_code == 0
    rows = db.session.execute(select(Refund, Order.paid_at).join(Order, Order.id == Refund.order_id)).all()
    now = utcnow()
    assert rows and any(refund.status == "completed" for refund, _ in rows)
    for refund, paid_at in rows:
        assert paid_at < refund.requested_at <= now
        assert refund.completed_at is None or refund.requested_at < refund.completed_at <= now
    completed_days = {refund.completed_at.date() for refund, _ in rows if refund.completed_at}
    assert len(completed_days) > 3  # spread over the history, not all on the seed day


def test_after_the_demo_seed_every_report_has_figures_and_a_period_before_to_compare_with(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--orders", "300"])
    assert result.exit_code == 0, result.output
    zone, now = app.config["SHOPCS_TIMEZONE"], utcnow()
    window, grace = default_window(), current_grace()

    refund = refund_totals(window, zone)
    assert refund.paid_orders > 0 and refund.refunded_orders > 0
    recovery = unpaid_recovery(window, zone, grace).totals
    assert recovery.reminded.orders > 0 and recovery.reminded.recovered > 0 and recovery.not_reminded.orders > 0
    assert recovery.median_seconds_to_pay is not None
    repurchase = repurchase_report(window, zone).totals
    assert repurchase.customers > 0 and repurchase.returning > 0 and repurchase.multi > 0
    concerns = concerns_report(window, zone).totals
    assert concerns.concerns > 0 and concerns.paid_since > 0
    today = local_date(now, zone)
    team = team_report(Window(today - timedelta(days=27), today), zone, now, "month").team
    assert team.cases > 0 and team.answered > 0 and team.activity["replies"] > 0

    figures = dashboard_figures(window, zone, grace)
    for change in (figures.refund_rate, figures.recovery_rate, figures.returning_rate):
        assert change.current is not None and change.previous is not None


def test_the_demo_shop_has_a_name_its_reminders_use_and_every_account_is_printed(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--orders", "120"])
    assert result.exit_code == 0, result.output
    assert load_settings().shop_name == "织云小铺"
    reminders = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "unpaid_reminder")))
    assert reminders and all("织云小铺" in message.body and message.sent_at <= utcnow() for message in reminders)
    for username, role, _display in DEMO_USERS:
        assert any(line.split()[:2] == [username, role] for line in result.output.splitlines()), result.output
    assert f"Password for all of them: {DEMO_PASSWORD}" in result.output
