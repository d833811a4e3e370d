"""A buyer who wrote without an account names their order (the storefront widget checks the order's phone): their
cases move to that order and its customer, so the agent sees the order and the buyer's next message threads there."""
from datetime import datetime

from ..actor import Actor
from ..orders.models import Order
from .access import check_case_access
from .timeline import case_transaction, lock_case, trace


def link_cases_to_order(case_ids: list[int], order: Order, actor: Actor, now: datetime) -> None:
    """One transaction for every case and whatever the caller wrote before (committed together, or nothing)."""
    with case_transaction():
        for case_id in sorted(case_ids):  # a fixed order: two links at once cannot lock each other's cases
            case = lock_case(case_id)
            check_case_access(actor, case)
            before = {"order_id": case.order_id, "customer_id": case.customer_id}
            if (case.order_id, case.customer_id) == (order.id, order.customer_id):
                continue
            case.order_id, case.customer_id, case.updated_at = order.id, order.customer_id, now
            trace(case, "case.order_linked", actor, now, before=before,
                  after={"order_no": order.order_no, "customer_id": order.customer_id})
