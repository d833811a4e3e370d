from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue

from ..builders import NOW, make_order


def test_a_dedupe_key_is_queued_once_and_the_callers_transaction_survives_a_duplicate(app):
    order = make_order()
    first = enqueue(kind="unpaid_reminder", dedupe_key=f"unpaid_reminder:{order.id}:1", body="您好", now=NOW,
                    customer_id=order.customer_id, order_id=order.id, channel="manual")
    again = enqueue(kind="unpaid_reminder", dedupe_key=f"unpaid_reminder:{order.id}:1", body="您好", now=NOW,
                    customer_id=order.customer_id, order_id=order.id, channel="manual")
    other = enqueue(kind="unpaid_reminder", dedupe_key=f"unpaid_reminder:{order.id}:2", body="您好", now=NOW,
                    customer_id=order.customer_id, order_id=order.id, channel="manual")
    db.session.commit()
    assert first is not None and again is None and other is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    assert first.status == "pending" and first.scheduled_for == NOW and first.channel == "manual"
