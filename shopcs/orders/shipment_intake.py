"""Shipments the platform reports (the API, Shopify's fulfilments): taken once, flagged rather than refused.

The platform has already shipped the parcel, so its word is taken: a number that fails our format check or a
carrier we do not know is stored and flagged for a look. The same carrier + number again, or the same fulfilment
again unchanged, writes nothing. The order moves to shipped; an unpaid order that the platform ships was paid
(can_move lets a platform skip a step), and so was an order ShopCS closed itself for want of payment. An order
the platform cancelled or closed is a conflict. The buyer's notice is queued only when the shop asks for it
(`notify`): the platform usually told the buyer already.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..audit.services import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..i18n_labels import carrier_name, order_status
from ..timeutil import local_date
from .domain import can_move, paid_after_local_close
from .handling import ShippingNotice, require_permission
from .ingest import ACTION_PAID_AFTER_LOCAL_CLOSE
from .locking import lock_order, order_id_for
from .models import Order, Shipment
from .shipping import carrier_code, normalize_tracking, platform_flags

CLOCK_SKEW = timedelta(minutes=5)  # a platform's clock a little ahead of ours is not "in the future"
TRACKING_LENGTH, CARRIER_NAME_LENGTH, STATUS_LENGTH = 40, 100, 30  # the shipments columns


@dataclass(frozen=True)
class PlatformShipment:
    carrier: str  # as the platform or ERP names it: our code, or a name such as "SF Express" or "顺丰"
    tracking_no: str
    shipped_at: datetime
    source: str  # api | shopify
    external_id: str | None = None  # the platform's fulfilment id: one shipment per fulfilment
    shipment_status: str | None = None
    extra_flags: tuple[str, ...] = ()


def _facts(data: PlatformShipment) -> dict:
    """The shipment's columns from what the platform sent, with the flags they earn."""
    number, code = normalize_tracking(data.tracking_no), carrier_code(data.carrier)
    flags = [*platform_flags(code or "OTHER", number, code is not None), *data.extra_flags]
    return {"carrier": code or "OTHER", "carrier_name": data.carrier.strip(), "tracking_no": number,
            "shipment_status": data.shipment_status, "flagged": bool(flags), "flag_reason": ",".join(flags) or None}


def _check(data: PlatformShipment, now: datetime) -> None:
    """Field reasons stay English, as the API's everywhere (a client reads them); the message is the reader's."""
    errors = {}
    if data.shipped_at > now + CLOCK_SKEW:
        errors["shipped_at"] = "is in the future"
    number, carrier = normalize_tracking(data.tracking_no), data.carrier.strip()
    if not number or len(number) > TRACKING_LENGTH:
        errors["tracking_no"] = f"must be 1 to {TRACKING_LENGTH} characters" if number else "is required"
    if not carrier or len(carrier) > CARRIER_NAME_LENGTH:
        errors["carrier"] = f"must be 1 to {CARRIER_NAME_LENGTH} characters" if carrier else "is required"
    if len(data.shipment_status or "") > STATUS_LENGTH:
        errors["shipment_status"] = f"must be at most {STATUS_LENGTH} characters"
    if errors:
        raise Invalid(_l("Please check the shipment."), errors)


def _by_number(carrier: str, number: str) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(Shipment.carrier == carrier, Shipment.tracking_no == number))


def _by_fulfilment(source: str, external_id: str | None) -> Shipment | None:
    if external_id is None:
        return None
    return db.session.scalar(select(Shipment).where(Shipment.source == source, Shipment.external_id == external_id))


def _taken_elsewhere(found: Shipment, order_id: int) -> Conflict | None:
    if found.order_id == order_id:
        return None
    return Conflict(_l("%(carrier)s %(number)s is already recorded for another order.",
                       carrier=carrier_name(found.carrier), number=found.tracking_no),
                    {"tracking_no": "is already recorded for another order"})


def _mark_shipped(order: Order, shipped_at: datetime, actor: Actor, now: datetime) -> None:
    """paid → shipped; unpaid (or closed here for want of payment) → shipped and paid, at the latest when shipped."""
    if order.status in ("shipped", "completed"):
        return
    closed_here = order.closed_here_at is not None
    if not can_move(order.status, "shipped", closed_here):
        raise Conflict(_l("A %(status)s order cannot be shipped.", status=order_status(order.status)),
                       {"order_no": f"the order is {order.status}"})
    before, after = {"status": order.status}, {"status": "shipped"}
    if order.paid_at is None:  # the platform shipped it, so it was paid; its order push brings the exact time
        before["paid_at"], after["paid_at"] = None, shipped_at
        order.paid_at = shipped_at
    action = ACTION_PAID_AFTER_LOCAL_CLOSE if paid_after_local_close(order.status, "shipped", closed_here) else "order.status"
    record(actor, action, now, order_id=order.id, before=before, after=after)
    order.status, order.closed_here_at = "shipped", None


def take_shipment(order_no: str, data: PlatformShipment, actor: Actor, now: datetime, zone: str,
                  notify: ShippingNotice | None) -> tuple[Shipment, str]:
    """(shipment, outcome): created, updated (a fulfilment's new number or status) or unchanged. Commits.
    `notify` queues the buyer's notice of a created shipment; None when the shop does not send one for these."""
    require_permission(actor, "orders.ship")
    _check(data, now)
    facts = _facts(data)
    order = lock_order(order_id_for(order_no))
    try:
        found = _by_fulfilment(data.source, data.external_id)
        if found is not None:
            outcome = _update(found, order, facts, actor, now)
        else:
            found = _by_number(facts["carrier"], facts["tracking_no"])
            if found is not None:
                conflict = _taken_elsewhere(found, order.id)
                if conflict:
                    raise conflict
                outcome = "unchanged"
            else:
                found, outcome = _create(order, data, facts, actor, now, zone), "created"
                if notify is not None:
                    notify(order, found, now)
        db.session.commit()
    except IntegrityError as exc:  # the same parcel written by a concurrent request: the retry finds it
        db.session.rollback()
        raise Conflict(_l("This shipment was written by another request at the same time; send it again.")) from exc
    except Exception:
        db.session.rollback()
        raise
    return found, outcome


def _create(order: Order, data: PlatformShipment, facts: dict, actor: Actor, now: datetime, zone: str) -> Shipment:
    _mark_shipped(order, data.shipped_at, actor, now)
    shipment = Shipment(order_id=order.id, shipped_on=local_date(data.shipped_at, zone), shipped_at=data.shipped_at,
                        source=data.source, external_id=data.external_id, created_by=actor.label, created_at=now, **facts)
    db.session.add(shipment)
    db.session.flush()
    order.updated_at = now
    record(actor, "shipment.created", now, order_id=order.id,
           after={"carrier": shipment.carrier, "carrier_name": shipment.carrier_name, "tracking_no": shipment.tracking_no,
                  "shipped_on": shipment.shipped_on, "source": shipment.source, "flag_reason": shipment.flag_reason})
    return shipment


def _update(shipment: Shipment, order: Order, facts: dict, actor: Actor, now: datetime) -> str:
    """A fulfilment reported again: a new carrier or number replaces the old one (flags judged afresh), a new
    shipment status is kept; a flag an agent cleared stays cleared unless the number changed."""
    if shipment.order_id != order.id:
        raise Conflict(_l("This fulfilment belongs to another order."), {"order_id": "belongs to another order"})
    renumbered = (facts["carrier"], facts["tracking_no"]) != (shipment.carrier, shipment.tracking_no)
    if renumbered:
        found = _by_number(facts["carrier"], facts["tracking_no"])
        conflict = found and _taken_elsewhere(found, order.id)
        if conflict:
            raise conflict
    names = ["carrier", "carrier_name", "tracking_no", "shipment_status"] + (["flagged", "flag_reason"] if renumbered else [])
    before = {n: getattr(shipment, n) for n in names if getattr(shipment, n) != facts[n]}
    if not before:
        return "unchanged"
    after = {n: facts[n] for n in before}
    for name, value in after.items():
        setattr(shipment, name, value)
    order.updated_at = now
    record(actor, "shipment.updated", now, order_id=order.id, before=before, after=after)
    return "updated"


def flag_shipment(source: str, external_id: str, code: str, actor: Actor, now: datetime) -> Shipment | None:
    """Add a reason to a platform shipment's flag (e.g. the fulfilment was cancelled); None when there is none."""
    shipment = _by_fulfilment(source, external_id)
    if shipment is None or code in (shipment.flag_reason or "").split(","):
        return None
    lock_order(shipment.order_id)
    before = {"flag_reason": shipment.flag_reason}
    shipment.flag_reason = ",".join(filter(None, [shipment.flag_reason, code]))
    shipment.flagged = True
    record(actor, "shipment.flagged", now, order_id=shipment.order_id, before=before, after={"flag_reason": shipment.flag_reason})
    db.session.commit()
    return shipment


def clear_flag(order_no: str, shipment_id: int, actor: Actor, now: datetime) -> Shipment:
    """An agent looked at a flagged shipment and found it right: the flag goes, the audit keeps who and why it was."""
    require_permission(actor, "orders.ship")
    order = lock_order(order_id_for(order_no))
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.order_id != order.id:
        db.session.rollback()
        raise Invalid(_l("No such shipment on this order."), {"shipment_id": _l("is not a shipment of this order")})
    if not shipment.flagged:
        db.session.rollback()
        return shipment
    record(actor, "shipment.flag_cleared", now, order_id=order.id,
           before={"tracking_no": shipment.tracking_no, "flag_reason": shipment.flag_reason}, after={"flag_reason": None})
    shipment.flagged, shipment.flag_reason = False, None
    db.session.commit()
    return shipment

