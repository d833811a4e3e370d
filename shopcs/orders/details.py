"""What the order page shows: the order, the buyer's history and the timeline of everything that happened."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..audit.labels import Change, action_label, changes
from ..audit.services import entries_for_order
from ..errors import NotFound
from ..extensions import db
from .models import Order, Refund


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str  # the stored label ("user:alice"); the page shows it by display name (the actor_name filter)
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def label(self):
        return action_label(self.action)


@dataclass(frozen=True)
class BuyerHistory:
    paid_orders: int
    earlier_refunds: int


def get_order(order_no: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None:
        raise NotFound(f"No order {order_no}.")
    return order


def buyer_history(order: Order) -> BuyerHistory:
    """Paid orders of this buyer (this one included) and refunds, not rejected, on their other orders."""
    paid = db.session.scalar(select(func.count()).select_from(Order).where(
        Order.customer_id == order.customer_id, Order.paid_at.is_not(None)))
    refunds = db.session.scalar(select(func.count()).select_from(Refund).join(Order, Order.id == Refund.order_id).where(
        Order.customer_id == order.customer_id, Order.id != order.id, Refund.status != "rejected"))
    return BuyerHistory(paid_orders=paid, earlier_refunds=refunds)


def timeline(order: Order, zone: str) -> list[TimelineEvent]:
    """The order's events, oldest first; the changes' times read in `zone` (the shop's)."""
    events = [TimelineEvent(order.placed_at, "", "order.placed")]
    if order.paid_at is not None:
        events.append(TimelineEvent(order.paid_at, "", "order.paid"))
    for entry in entries_for_order(order.id):
        events.append(TimelineEvent(entry.at, entry.actor, entry.action, changes(entry.action, entry.before, entry.after, zone)))
    return sorted(events, key=lambda e: e.at)

