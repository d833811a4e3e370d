"""Create or update an order from a validated OrderInput: the one door for the API, CSV import and adapters.

One transaction per order: the order row, its items and the customer are written together or not
at all; every change leaves an audit entry, and an address change after confirmation reaches shipping.
"""
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..audit.services import changes, record
from ..errors import Conflict
from ..extensions import db
from ..followup.settings import load_settings
from ..i18n_labels import FIELD_LABELS
from ..phone import normalize_phone
from ..timeutil import to_local
from .domain import can_move, is_older, items_total, paid_after_local_close
from .erased import is_erased, keep_erased
from .locking import lock_order
from .models import Customer, HandoffNote, Order, OrderItem
from .schemas import OrderInput

ORDER_FIELDS = ["placed_at", "paid_at", "items_total", "shipping_fee", "discount", "total", "currency",
                "customer_id", "phone_valid"]
ACTION_PAID_AFTER_LOCAL_CLOSE = "order.paid_after_local_close"  # audit action: the platform's payment after ShopCS's own close
ADDRESS_FIELDS = ["recipient", "phone", "country", "province", "city", "district", "detail", "address_line2", "postal_code"]
# Built once: a statement built per call cost ~80 µs more to run (its cache key is made again), a Core one on the
# session's connection another ~50 µs less than through the ORM (bench/README.md, issue 20)
_ORDER_ID = select(Order.id).where(Order.order_no == bindparam("order_no"))
_CUSTOMER = select(Customer).where(Customer.external_id == bindparam("external_id"))


def ingest_order(data: OrderInput, actor: Actor, now: datetime, zone: str,
                 platform_updated_at: datetime | None = None) -> tuple[Order, bool]:
    """Returns (order, created). Raises Conflict for a status moving backwards, a platform version older than the
    one applied (`platform_updated_at`, the platform's own time of this version; None from the API and files) or a
    concurrent write. `zone`: the shop's, for the time in a note to shipping."""
    try:
        order_id = db.session.connection().execute(_ORDER_ID, {"order_no": data.order_no}).scalar()
        order = lock_order(order_id) if order_id is not None else None
        # an erased buyer's order keeps its buyer and address erased (erased.py); the rest of it is taken
        customer = order.customer if is_erased(order) else _upsert_customer(
            data.customer, data.address["country"], now, order.customer if order is not None else None)
        values = keep_erased(order, _order_values(data, customer))
        # platform_updated_at: platform bookkeeping, not an order change, so no audit entry
        if order is None:
            order = _create(data, values, customer, actor, now, platform_updated_at)
            created = True
        else:
            _update(order, data, values, actor, now, zone, platform_updated_at)
            order.customer = customer  # as customer_id says now: the order is read as written after the commit
            if platform_updated_at is not None:
                order.platform_updated_at = platform_updated_at
            created = False
        db.session.commit()
        return order, created
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict("The order or its customer was written by another request at the same time; send it again.") from exc
    except Exception:
        db.session.rollback()
        raise


def _upsert_customer(values: dict, country: str, now: datetime, current: Customer | None = None) -> Customer:
    """`current`: the order's customer as stored, loaded with it; looked up by external id only when it is another."""
    phone, _valid = normalize_phone(values["phone"], country)
    wanted = {"name": values["name"], "phone": phone, "email": values["email"]}
    customer = current if current is not None and current.external_id == values["external_id"] else db.session.scalar(
        _CUSTOMER, {"external_id": values["external_id"]})
    if customer is None:
        customer = Customer(external_id=values["external_id"], opted_out=False, created_at=now, **wanted)
        db.session.add(customer)
        db.session.flush()
        return customer
    for name, value in wanted.items():
        if getattr(customer, name) != value:
            setattr(customer, name, value)
    return customer


def _order_values(data: OrderInput, customer: Customer) -> dict:
    phone, valid = normalize_phone(data.address["phone"], data.address["country"])
    return {
        "placed_at": data.placed_at, "paid_at": data.paid_at, "items_total": items_total(data.items),
        "shipping_fee": data.shipping_fee, "discount": data.discount, "total": data.total,
        "currency": data.currency, "customer_id": customer.id, "phone_valid": valid,
        **data.address, "phone": phone,
    }


def _item_rows(data: OrderInput) -> list[dict]:
    return [{"sku": i.sku, "title": i.title, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in data.items]


def _stored_items(order: Order) -> list[dict]:
    return [{"sku": i.sku, "title": i.title, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items]


def _set_items(order: Order, data: OrderInput) -> None:
    order.items.clear()
    for position, item in enumerate(data.items):
        order.items.append(OrderItem(position=position, sku=item.sku, title=item.title, quantity=item.quantity,
                                     unit_price=item.unit_price))


def _create(data: OrderInput, values: dict, customer: Customer, actor: Actor, now: datetime,
            platform_updated_at: datetime | None) -> Order:
    # complete as written (its customer, no shipments or refunds), so that reading it after the commit reads nothing
    order = Order(order_no=data.order_no, status=data.status, lock_version=0, created_at=now, updated_at=now,
                  platform_updated_at=platform_updated_at, customer=customer, shipments=[], refunds=[], **values)
    _set_items(order, data)
    db.session.add(order)
    db.session.flush()
    after = {"order_no": order.order_no, "status": order.status, **values, "items": _item_rows(data)}
    record(actor, "order.created", now, order_id=order.id, after=after)
    return order


def _update(order: Order, data: OrderInput, values: dict, actor: Actor, now: datetime, zone: str,
            platform_updated_at: datetime | None) -> None:
    if is_older(platform_updated_at, order.platform_updated_at):  # checked again under the order's lock
        raise Conflict("A later version of the order from the platform has been applied meanwhile.",
                       {"platform_updated_at": "older than the version already applied"})
    if data.currency != order.currency:
        raise Conflict(f"The order is in {order.currency}; its currency cannot change to {data.currency}.",
                       {"currency": f"must stay {order.currency}"})
    closed_here = order.closed_here_at is not None
    if not can_move(order.status, data.status, closed_here):
        raise Conflict(f"The order is {order.status}; it cannot go back to {data.status}.",
                       {"status": f"cannot move from {order.status} to {data.status}"})
    before, after = changes(order, ORDER_FIELDS + ADDRESS_FIELDS, values)
    new_items, old_items = _item_rows(data), _stored_items(order)
    if new_items != old_items:
        before["items"], after["items"] = old_items, new_items
    status_changed = order.status != data.status
    if closed_here and data.status == "closed":
        order.closed_here_at = None  # the platform closed it too: its close is final
    if not before and not status_changed:
        return  # the platform re-sent what we already have: nothing to record, updated_at stays
    if status_changed:
        _record_status(order, data.status, actor, now)
    if before:
        record(actor, "order.updated", now, order_id=order.id, before=before, after=after)
    address_before = {k: v for k, v in before.items() if k in ADDRESS_FIELDS}
    if address_before and order.address_confirmed_at is not None:
        _address_changed_after_confirmation(order, address_before, after, actor, now, zone)
    for name, value in values.items():
        if getattr(order, name) != value:
            setattr(order, name, value)
    if "items" in before:
        _set_items(order, data)
    order.updated_at = now


def _record_status(order: Order, status: str, actor: Actor, now: datetime) -> None:
    """A status change; a payment for an order ShopCS had closed itself is taken and said so (its reminders stay)."""
    if paid_after_local_close(order.status, status, order.closed_here_at is not None):
        record(actor, ACTION_PAID_AFTER_LOCAL_CLOSE, now, order_id=order.id,
               before={"status": order.status}, after={"status": status})
        order.closed_here_at = None
    else:
        record(actor, "order.status", now, order_id=order.id, before={"status": order.status}, after={"status": status})
    order.status = status


def _address_changed_after_confirmation(order: Order, before: dict, after: dict, actor: Actor, now: datetime, zone: str) -> None:
    """The buyer confirmed one address and the platform now sends another: shipping must see it before shipping."""
    new = {k: after[k] for k in before}
    record(actor, "order.address_changed", now, order_id=order.id, before=before, after=new)
    body = _address_change_note(order.address_confirmed_at, before, new, zone,
                                load_settings().locale)
    db.session.add(HandoffNote(order_id=order.id, department="shipping", body=body, author=actor.label,
                               created_at=now))


def _address_change_note(confirmed_at: datetime, before: dict, after: dict, zone: str, locale: str) -> str:
    """Stored as text, so written in the shop's language (the follow-up settings' one), the time in the shop's zone."""
    with force_locale("en" if locale == "en" else "zh_CN"):
        head = gettext("The address changed after the buyer confirmed it on %(when)s; check it before shipping.",
                       when=to_local(confirmed_at, zone).strftime("%Y-%m-%d %H:%M"))
        lines = [f"{FIELD_LABELS.get(name, name)}: {before[name] or '—'} → {after[name] or '—'}" for name in before]
    return "\n".join([head, *lines])
