"""Any sequence of refund actions keeps refunded ≤ paid and every refund in a legal state."""
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopcs.actor import Actor
from shopcs.errors import ServiceError
from shopcs.extensions import db
from shopcs.orders.models import Order
from shopcs.orders.refund_service import RefundRequest, approve_refund, complete_refund, reject_refund, request_refund

from ..builders import NOW, make_order, refund_limits

ACTORS = [Actor("user:amy", "agent"), Actor("user:sam", "supervisor"), Actor("token:shop", None, is_platform=True)]
amounts = st.integers(min_value=1, max_value=12_000).map(lambda fen: D(fen) / 100)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("request"), amounts, st.sampled_from(["size", "quality", "other"]), st.sampled_from([None, "a", "b"])),
        st.tuples(st.sampled_from(["approve", "reject", "complete"]), st.integers(0, 5), st.integers(0, 2)),
    ),
    max_size=15,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_refund_sequences_never_refund_more_than_was_paid(app, steps):
    order = make_order(total="100.00")
    for step in steps:
        try:
            if step[0] == "request":
                _, amount, reason, key = step
                request_refund(order.order_no, RefundRequest(amount, reason, idempotency_key=key), ACTORS[0], NOW)
            else:
                action, index, who = step
                refunds = db.session.get(Order, order.id).refunds
                if not refunds:
                    continue
                refund_id = refunds[index % len(refunds)].id
                if action == "approve":
                    approve_refund(refund_id, ACTORS[who], NOW, refund_limits())
                elif action == "reject":
                    reject_refund(refund_id, ACTORS[who], NOW)
                else:
                    complete_refund(refund_id, ACTORS[who], NOW)
        except ServiceError:
            pass
        db.session.expire_all()
        stored = db.session.get(Order, order.id)
        promised = sum(r.amount for r in stored.refunds if r.status != "rejected")
        completed = sum(r.amount for r in stored.refunds if r.status == "completed")
        assert completed <= promised <= stored.total
        for refund in stored.refunds:
            assert refund.status in ("requested", "approved", "rejected", "completed")
            assert (refund.completed_at is not None) == (refund.status == "completed")
            assert refund.approved_at is not None or refund.status in ("requested", "rejected")
        assert stored.status == ("closed" if completed == stored.total else "paid")
