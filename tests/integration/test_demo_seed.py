from sqlalchemy import func, select

from shopcs.auth.models import User
from shopcs.cases.models import Case
from shopcs.extensions import db
from shopcs.orders.models import Order, Refund
from shopcs.timeutil import utcnow


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
    again = runner.invoke(args=["demo", "seed", "--orders", "120"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(Order)) == 120
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
