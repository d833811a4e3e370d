"""What the order page shows: the order, the buyer's history and the timeline of everything that happened."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit.services import entries_for_order
from ..errors import NotFound
from ..extensions import db
from ..i18n_labels import action_label, code_label
from .models import Order, Refund

FIELD_LABELS = {
    "method": _l("confirmed via"), "recipient": _l("recipient"), "phone": _l("phone"), "province": _l("province"),
    "city": _l("city"), "district": _l("district"), "detail": _l("street address"), "postal_code": _l("postal code"),
    "status": _l("status"), "carrier": _l("carrier"), "tracking_no": _l("tracking number"),
    "shipped_on": _l("ship date"), "promised_ship_date": _l("promised ship date"), "amount": _l("amount"),
    "total": _l("total"),
    "reason": _l("reason"), "with_return": _l("with return"), "address_confirmed_at": _l("confirmed at"),
    "address_confirmed_by": _l("confirmed by"), "address_confirm_method": _l("confirmed via"),
    "department": _l("for"), "body": _l("note"), "note_id": _l("note no."), "refund_id": _l("refund no."),
    "done_at": _l("done at"), "done_by": _l("done by"), "auto_close_hours": _l("unpaid hours before closing"),
    "paid_at": _l("paid at"), "carrier_name": _l("carrier as the platform names it"), "source": _l("shipment source"),
    "shipment_status": _l("shipment status"), "flagged": _l("flagged for a look"), "flag_reason": _l("to check"),
}


@dataclass(frozen=True)
class Change:
    name: str
    before: object
    after: object

    @property
    def label(self):
        return FIELD_LABELS.get(self.name, self.name)


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


def _changes(before: dict | None, after: dict | None) -> list[Change]:
    """What changed; codes (status, reason, method, carrier) are shown as words in the reader's language."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [Change(n, code_label(n, before.get(n)), code_label(n, after.get(n)))
            for n in names if before.get(n) != after.get(n)]


def timeline(order: Order) -> list[TimelineEvent]:
    events = [TimelineEvent(order.placed_at, "", "order.placed")]
    if order.paid_at is not None:
        events.append(TimelineEvent(order.paid_at, "", "order.paid"))
    for entry in entries_for_order(order.id):
        events.append(TimelineEvent(entry.at, entry.actor, entry.action, _changes(entry.before, entry.after)))
    return sorted(events, key=lambda e: e.at)

