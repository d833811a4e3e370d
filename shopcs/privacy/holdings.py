"""What ShopCS holds about a buyer, as the erasure's confirmation (page and command) shows it before anything goes."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..cases.claims.models import Claim, ClaimEvidence
from ..extensions import db
from ..notify.models import OutboxMessage
from ..orders.models import Customer, Order
from .erase import buyer_rows
from .scrub import scope_of

OPEN_ORDER_STATUSES = ("unpaid", "paid")  # not shipped yet: an erased address cannot be shipped to
_WAITING = ("pending", "failed")


@dataclass(frozen=True)
class Holdings:
    customer: Customer  # the row the id names (its own, or the first of its erased rows)
    erased_at: datetime | None  # when the buyer was first erased; None: never
    orders: int
    open_orders: int
    cases: int
    photos: int
    waiting_messages: int  # to the buyer, not sent yet: cancelled by the erasure


def holdings_of(external_id: str, key: bytes) -> Holdings:
    """Raises NotFound like erase.erase_customer, for the same ids."""
    rows = buyer_rows(external_id, key)
    scope = scope_of(tuple(row.id for row in rows))
    shown = next((row for row in rows if row.external_id == external_id), rows[0])
    erased = [row.erased_at for row in rows if row.erased_at is not None]

    def count(statement) -> int:
        return db.session.scalar(statement) or 0

    in_orders = Order.id.in_(scope.order_ids)
    return Holdings(
        customer=shown, erased_at=min(erased) if erased else None, orders=len(scope.order_ids),
        open_orders=count(select(func.count()).where(in_orders, Order.status.in_(OPEN_ORDER_STATUSES))),
        cases=len(scope.case_ids),
        photos=count(select(func.count()).select_from(ClaimEvidence).join(Claim, Claim.id == ClaimEvidence.claim_id)
                     .where(Claim.case_id.in_(scope.case_ids))),
        waiting_messages=count(select(func.count()).where(
            OutboxMessage.customer_id.in_(scope.customer_ids), OutboxMessage.status.in_(_WAITING))),
    )
