"""What an agent does to an order: confirm or correct the address, promise a ship date, record a shipment.

Each service works under the order's lock in one transaction, writes its audit entries and commits;
bad input raises Invalid with field reasons and leaves the database untouched.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..audit.services import changes, record
from ..auth.policy import actor_allows
from ..countries import DOMESTIC, country_problem, is_abroad
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..i18n_labels import carrier_name, order_status
from ..phone import normalize_phone
from .address import carriers_not_reaching
from .locking import lock_order, order_id_for
from .models import HandoffNote, Order, Shipment
from .shipping import CARRIERS, CHECK_DIGIT, EMPTY, carriers_for, normalize_tracking, tracking_problem

CONFIRM_METHODS = ("chat", "phone", "platform")
ADDRESS_FIELDS = ("recipient", "phone", "country", "province", "city", "district", "detail", "address_line2",
                  "postal_code")
_FIELD_NAMES_ZH = {"recipient": "收件人", "phone": "电话", "country": "国家", "province": "省份", "city": "城市",
                   "district": "区县", "detail": "详细地址", "address_line2": "地址第二行", "postal_code": "邮编"}
CARRIER_NAME_LENGTH = 100  # shipments.carrier_name
# Queues the buyer's notice of a new shipment inside the caller's transaction (followup.notices): handed in by the
# views and the API, because the follow-up and its outbox build on the orders, not the other way round.
ShippingNotice = Callable[[Order, Shipment, datetime], None]


@dataclass(frozen=True)
class ShipmentInput:
    carrier: str
    tracking_no: str
    shipped_on: date
    carrier_name: str = ""  # the carrier's name when `carrier` is OTHER (abroad: Yanwen, Royal Mail…)


def require_permission(actor: Actor, action: str) -> None:
    if not actor_allows(actor, action):
        raise Forbidden(_l("Your role cannot do this."))


def _address_snapshot(order: Order) -> dict:
    return {name: getattr(order, name) for name in ADDRESS_FIELDS}


_REFUSALS = {  # why an order in this status cannot have this done, in the reader's language
    "confirm": lambda status: _l("The address of a %(status)s order cannot be confirmed.", status=status),
    "correct": lambda status: _l("The address of a %(status)s order cannot be changed.", status=status),
    "promise": lambda status: _l("A %(status)s order cannot get a promised ship date.", status=status),
    "ship": lambda status: _l("A %(status)s order cannot be shipped.", status=status),
}


def _locked(order_no: str, statuses: tuple[str, ...], what: str) -> Order:
    order = lock_order(order_id_for(order_no))
    if order.status not in statuses:
        db.session.rollback()
        raise Conflict(_REFUSALS[what](order_status(order.status)))
    return order


def confirm_address(order_no: str, method: str, actor: Actor, now: datetime,
                    exclusions: dict[str, list[str]]) -> tuple[Order, list[str]]:
    """Record that the buyer confirmed recipient, phone and address. Returns the carriers that do not reach it."""
    require_permission(actor, "orders.change_address")
    if method not in CONFIRM_METHODS:
        raise Invalid(_l("Choose how the buyer confirmed."), {"method": _l("must be chat, phone or platform")})
    order = _locked(order_no, ("unpaid", "paid"), "confirm")
    before = None if order.address_confirmed_at is None else {
        "address_confirmed_at": order.address_confirmed_at, "address_confirmed_by": order.address_confirmed_by,
        "address_confirm_method": order.address_confirm_method}
    order.address_confirmed_at, order.address_confirmed_by, order.address_confirm_method = now, actor.label, method
    order.updated_at = now
    record(actor, "address.confirmed", now, order_id=order.id, before=before,
           after={"method": method, **_address_snapshot(order)})
    db.session.commit()
    return order, carriers_not_reaching(order.province, exclusions, order.country)


def correct_address(order_no: str, values: dict, actor: Actor, now: datetime) -> tuple[Order, dict]:
    """Change recipient/phone/address fields; returns (order, {field: (before, after)}) for what changed."""
    require_permission(actor, "orders.change_address")
    new = {name: (values.get(name) or "").strip() for name in ADDRESS_FIELDS if name in values}
    if "country" in new and not new["country"]:
        del new["country"]  # left blank: the order's country stays
    order = _locked(order_no, ("unpaid", "paid"), "correct")
    country = new.get("country", order.country)
    problems = _address_problems(new, country)
    if problems:
        db.session.rollback()
        raise Invalid(_l("Some address fields are missing."), problems)
    phone_valid = order.phone_valid
    if "phone" in new:  # parsed with the address's country as the default region
        new["phone"], phone_valid = normalize_phone(new["phone"], country)
    before, after = changes(order, list(ADDRESS_FIELDS), new)
    if not after:
        db.session.rollback()
        return order, {}
    for name, value in after.items():
        setattr(order, name, value)
    order.phone_valid = phone_valid
    order.updated_at = now
    record(actor, "address.corrected", now, order_id=order.id, before=before, after=after)
    if order.address_confirmed_at is not None:
        lines = "；".join(f"{_FIELD_NAMES_ZH[n]}：{before[n] or '—'} → {after[n] or '—'}" for n in after)
        db.session.add(HandoffNote(order_id=order.id, department="shipping", author=actor.label, created_at=now,
                                   body=f"地址在确认后已修改（Address changed after confirmation）：{lines}"))
    db.session.commit()
    return order, {name: (before[name], after[name]) for name in after}


def _address_problems(new: dict, country: str) -> dict:
    """Recipient, city and street are needed everywhere, the province only in China (abroad a state or region is
    often not used)."""
    if problem := country_problem(country):
        return {"country": problem}
    required = ("recipient", "city", "detail") + (("province",) if country == DOMESTIC else ())
    return {name: _l("is required") for name in required if name in new and not new[name]}


def set_promised_ship_date(order_no: str, day: date | None, actor: Actor, now: datetime, today: date) -> Order:
    """Set, change or clear the ship date promised to the buyer; a new promise cannot lie in the past."""
    require_permission(actor, "orders.ship")
    if day is not None and day < today:
        raise Invalid(_l("A promised ship date cannot be in the past."), {"promised_ship_date": _l("is in the past")})
    order = _locked(order_no, ("unpaid", "paid"), "promise")
    if order.promised_ship_date == day:
        db.session.rollback()
        return order
    record(actor, "order.promised_ship_date", now, order_id=order.id,
           before={"promised_ship_date": order.promised_ship_date}, after={"promised_ship_date": day})
    order.promised_ship_date = day
    order.updated_at = now
    db.session.commit()
    return order


def shipment_errors(data: ShipmentInput, today: date) -> dict[str, str]:
    errors = {}
    if data.carrier not in CARRIERS:
        errors["carrier"] = _l("Choose a carrier from the list.")
    elif problem := tracking_problem(data.carrier, data.tracking_no):
        errors["tracking_no"] = _tracking_message(data.carrier, problem)
    if len(data.carrier_name.strip()) > CARRIER_NAME_LENGTH:
        errors["carrier_name"] = _l("At most %(count)s characters.", count=CARRIER_NAME_LENGTH)
    if data.shipped_on is None:
        errors["shipped_on"] = _l("Enter the ship date.")
    elif data.shipped_on > today:
        errors["shipped_on"] = _l("The ship date cannot be in the future.")
    return errors


def _tracking_message(code: str, problem: str):
    """shipping.tracking_problem in the reader's language (shipping.py stays free of Flask)."""
    if problem == EMPTY:
        return _l("Enter the tracking number.")
    if problem == CHECK_DIGIT:
        return _l("The check digit of this %(carrier)s number is wrong; please re-type it.", carrier=carrier_name(code))
    return _l("This does not look like a %(carrier)s tracking number (example: %(example)s).",
              carrier=carrier_name(code), example=CARRIERS[code].example)


def _carrier_refused(code: str, country: str) -> Invalid | None:
    """A domestic-only carrier for an address abroad, or an international-only one for an address in China."""
    if code in carriers_for(country):
        return None
    reason = (_l("%(carrier)s does not ship abroad.", carrier=carrier_name(code)) if is_abroad(country)
              else _l("%(carrier)s is for addresses abroad.", carrier=carrier_name(code)))
    return Invalid(_l("Please check the shipment."), {"carrier": reason})


def _duplicate_error(carrier: str, number: str) -> Invalid:
    return Invalid(_l("This tracking number is already recorded."),
                   {"tracking_no": _l("%(carrier)s %(number)s is already recorded for another parcel.",
                                      carrier=carrier_name(carrier), number=number)})


def record_shipment(order_no: str, data: ShipmentInput, actor: Actor, now: datetime, today: date,
                    exclusions: dict[str, list[str]], notice: ShippingNotice) -> tuple[Shipment, list[str]]:
    """Write the shipment, mark the order shipped and queue the buyer's shipping notice (once) through `notice`."""
    require_permission(actor, "orders.ship")
    errors = shipment_errors(data, today)
    if errors:
        raise Invalid(_l("Please check the shipment."), errors)
    number = normalize_tracking(data.tracking_no)
    if db.session.scalar(select(Shipment.id).where(Shipment.carrier == data.carrier, Shipment.tracking_no == number)):
        raise _duplicate_error(data.carrier, number)
    order = _locked(order_no, ("paid", "shipped"), "ship")
    if refused := _carrier_refused(data.carrier, order.country):
        db.session.rollback()
        raise refused
    name = (data.carrier_name.strip() or None) if data.carrier == "OTHER" else None
    try:
        shipment = Shipment(order_id=order.id, carrier=data.carrier, carrier_name=name, tracking_no=number,
                            shipped_on=data.shipped_on, created_by=actor.label, created_at=now)
        db.session.add(shipment)
        db.session.flush()
        if order.status == "paid":
            record(actor, "order.status", now, order_id=order.id, before={"status": "paid"}, after={"status": "shipped"})
            order.status = "shipped"
        order.updated_at = now
        record(actor, "shipment.created", now, order_id=order.id,
               after={"carrier": data.carrier, **({"carrier_name": name} if name else {}), "tracking_no": number,
                      "shipped_on": data.shipped_on})
        notice(order, shipment, now)
        db.session.commit()
    except IntegrityError as exc:  # another person recorded the same number a moment ago
        db.session.rollback()
        raise _duplicate_error(data.carrier, number) from exc
    return shipment, [c for c in carriers_not_reaching(order.province, exclusions, order.country) if c == data.carrier]


def open_shipping_notes(order_id: int) -> list[HandoffNote]:
    return list(db.session.scalars(
        select(HandoffNote).where(HandoffNote.order_id == order_id, HandoffNote.department == "shipping",
                                  HandoffNote.done_at.is_(None)).order_by(HandoffNote.created_at, HandoffNote.id)))
