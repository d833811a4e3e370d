"""Apply one verified delivery at most once: the delivery row commits with the order it writes, or not at all.

A failed write leaves no delivery row, so the platform's retry is applied; a repeated delivery id finds its
row and changes nothing. A delivery older than what the order already has is stale: the order keeps its later
values and the delivery is recorded as stale, answered 200. Older means either of two things:
- the platform's own time of the order version (Shopify updated_at, WooCommerce date_modified_gmt) is before the
  one last applied (orders.platform_updated_at; orders.domain.is_older). A signed body replayed under a new delivery
  id is stale for every field, not only the status. An equal time is applied (it changes nothing); a delivery
  without a readable time is not compared;
- its status is one the order has already passed (a late orders/updated after orders/paid). A payment for an order
  ShopCS closed itself is not stale: the platform holds the money (orders.domain.can_move).
Refunds and fulfilments are not compared: each is taken once per platform id.

A payload that cannot be applied (Invalid, 422) is recorded as refused, with its reason, in a transaction of its
own (record_refusal). A refused row is not seen: the retry of that delivery id claims the same row, which then
commits as the accepted outcome with the order, or stays refused.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..errors import Invalid
from ..extensions import db
from ..orders import refund_service
from ..orders.domain import can_move, is_older
from ..orders.ingest import ingest_order
from ..orders.models import Order
from ..orders.refunds import ApprovalLimits
from ..orders.schemas import validate_order
from .models import REASON_LENGTH, REFUSED, WebhookDelivery


@dataclass(frozen=True)
class Delivery:
    source: str  # shopify | woocommerce
    delivery_id: str
    topic: str


def _this(delivery: Delivery):
    return WebhookDelivery.source == delivery.source, WebhookDelivery.delivery_id == delivery.delivery_id


# Built once and run on the session's connection: every order delivery runs both (see orders/ingest.py for the cost)
_OUTCOME = select(WebhookDelivery.outcome).where(WebhookDelivery.source == bindparam("source"),
                                                 WebhookDelivery.delivery_id == bindparam("delivery_id"))
_CURRENT = select(Order.status, Order.paid_at, Order.closed_here_at, Order.platform_updated_at).where(
    Order.order_no == bindparam("order_no"))


def _earlier(delivery: Delivery) -> str | None:
    """The outcome stored for the delivery id (REFUSED included); None for a new one."""
    return db.session.connection().execute(
        _OUTCOME, {"source": delivery.source, "delivery_id": delivery.delivery_id}).scalar()


def _accepted(earlier: str | None) -> bool:
    """Whether the delivery id was accepted before; a refused one was not."""
    return earlier not in (None, REFUSED)


def _claim(delivery: Delivery, now: datetime, outcome: str, earlier: str | None, object_id=None,
           order_no=None) -> bool:
    """Writes the delivery's row in the open transaction (`earlier`: what _earlier found); False when a concurrent
    request holds the id. Written with its final outcome: one statement, not an insert and an update.

    A refused row is taken over by a conditional UPDATE: of two concurrent retries only one matches it
    (PostgreSQL's second UPDATE waits, then finds the row no longer refused), the other is a duplicate. A new id is
    inserted; a concurrent request that inserted it first makes this one a duplicate."""
    values = dict(topic=delivery.topic, received_at=now, outcome=outcome, object_id=object_id, order_no=order_no,
                  reason=None)
    if earlier == REFUSED:
        retried = db.session.execute(update(WebhookDelivery).where(*_this(delivery), WebhookDelivery.outcome == REFUSED)
                                     .values(**values).execution_options(synchronize_session=False))
        if retried.rowcount == 1:
            return True
        db.session.rollback()
        return False
    try:
        db.session.execute(insert(WebhookDelivery).values(source=delivery.source, delivery_id=delivery.delivery_id,
                                                          **values))
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def record(delivery: Delivery, now: datetime, outcome: str) -> str:
    """A delivery that writes nothing else (ignored): its row alone, so a replay is recognised."""
    earlier = _earlier(delivery)
    if _accepted(earlier) or not _claim(delivery, now, outcome, earlier):
        return "duplicate"
    db.session.commit()
    return outcome


def apply_order(delivery: Delivery, order_no: str, object_id: str | None, build: Callable[[datetime | None], dict],
                actor: Actor, now: datetime, zone: str, platform_updated_at: datetime | None = None) -> str:
    """`build(known_paid_at)` maps the platform JSON to the order API's payload; validate_order and
    ingest_order do the rest, as for the API. `platform_updated_at`: the platform's time of this version of the
    order, None when the payload has none; `zone`: the shop's. Returns the outcome: created, updated, stale or duplicate."""
    earlier = _earlier(delivery)
    if _accepted(earlier):
        return "duplicate"
    try:
        current = db.session.connection().execute(_CURRENT, {"order_no": order_no}).first()
        data = validate_order(order_no, build(current.paid_at if current else None))
        stale = current is not None and (is_older(platform_updated_at, current.platform_updated_at)
                                         or not can_move(current.status, data.status, current.closed_here_at is not None))
        outcome = "stale" if stale else "created" if current is None else "updated"
        if not _claim(delivery, now, outcome, earlier, object_id, order_no):
            return "duplicate"
        if stale:
            db.session.commit()
            return "stale"
    except Exception:
        db.session.rollback()
        raise
    ingest_order(data, actor, now, zone, platform_updated_at)  # commits the delivery row with the order, or rolls both back
    return outcome


def order_no_for(source: str, object_id: str) -> str | None:
    """The order_no an earlier order delivery gave the platform's order id."""
    return db.session.scalar(select(WebhookDelivery.order_no).where(
        WebhookDelivery.source == source, WebhookDelivery.object_id == object_id,
        WebhookDelivery.order_no.is_not(None)).limit(1))


@dataclass(frozen=True)
class PlatformRefund:
    key: str  # idempotency key: the platform's refund id, prefixed
    object_id: str  # the platform's order id
    amount: Decimal
    currency: str | None  # None: the platform did not say, and the order's is assumed
    note: str
    requested_at: datetime | None
    completed_at: datetime | None


def apply_refund(delivery: Delivery, refund: PlatformRefund, actor: Actor, now: datetime, limits: ApprovalLimits) -> str:
    """A refund the platform has already paid: requested, approved and completed through the refund service,
    once per platform refund id (its idempotency key). Each step commits; a failure leaves no delivery row,
    and the retry resumes where it stopped."""
    earlier = _earlier(delivery)
    if _accepted(earlier):
        return "duplicate"
    order_no = order_no_for(delivery.source, refund.object_id)
    if order_no is None:
        raise Invalid("No order with this id has reached ShopCS yet; the refund can be taken once it has.",
                      {"order_id": "no order with this id has been received"})
    currency = db.session.scalar(select(Order.currency).where(Order.order_no == order_no))
    if refund.currency not in (None, currency):
        raise Invalid(f"The order is in {currency}; a refund in {refund.currency} cannot be taken.",
                      {"currency": f"must be {currency}, the order's currency"})
    outcome = "ignored"
    if refund.amount > 0:
        request = refund_service.RefundRequest(amount=refund.amount, reason="other", note=refund.note,
                                               idempotency_key=refund.key, requested_at=refund.requested_at)
        found, _created = refund_service.request_refund(order_no, request, actor, now)
        if found.status == "requested":
            found = refund_service.approve_refund(found.id, actor, now, limits)
        if found.status == "approved":
            refund_service.complete_refund(found.id, actor, now, refund.completed_at)
        outcome = "refunded"
    if not _claim(delivery, now, outcome, earlier, refund.object_id, order_no):
        return "duplicate"
    db.session.commit()
    return outcome


def refusal_reason(exc: Invalid) -> str:
    """The validation messages of a refused delivery as one line, shortened to fit the row; no payload."""
    def flat(value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{k}: {flat(v)}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return "; ".join(flat(v) for v in value)
        return str(value)

    fields = "; ".join(f"{name}: {flat(reason)}" if name else flat(reason) for name, reason in exc.fields.items())
    text = " ".join(part for part in (str(exc.message), fields) if part)
    return text if len(text) <= REASON_LENGTH else text[:REASON_LENGTH - 1] + "…"


def record_refusal(delivery: Delivery, now: datetime, reason: str) -> None:
    """A signed delivery that could not be applied, in a transaction of its own (call it after the rollback):
    a new refused row, or the refused row of an earlier attempt brought up to date. A row a concurrent retry
    has meanwhile accepted is left as it is."""
    db.session.add(WebhookDelivery(source=delivery.source, delivery_id=delivery.delivery_id, topic=delivery.topic,
                                   received_at=now, outcome=REFUSED, reason=reason))
    try:
        db.session.commit()
        return
    except IntegrityError:
        db.session.rollback()
    db.session.execute(update(WebhookDelivery).where(*_this(delivery), WebhookDelivery.outcome == REFUSED)
                       .values(topic=delivery.topic, received_at=now, reason=reason)
                       .execution_options(synchronize_session=False))
    db.session.commit()
