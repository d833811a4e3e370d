from sqlalchemy import func, select

from shopcs.auth.models import User
from shopcs.extensions import db
from shopcs.orders.models import Order, Refund


def test_demo_seed_makes_users_of_every_role_and_orders_in_every_state_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--orders", "120"])
    assert first.exit_code == 0, first.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"agent", "supervisor", "shipping", "after_sales", "operator", "admin"}
    statuses = set(db.session.scalars(select(Order.status)))
    assert {"unpaid", "paid", "shipped", "completed", "cancelled"} <= statuses
    assert db.session.scalar(select(func.count()).select_from(Refund)) > 0
    again = runner.invoke(args=["demo", "seed", "--orders", "120"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(Order)) == 120
