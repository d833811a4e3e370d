"""A customer's opt-out from reminders, greetings and promotions, and what the customer page shows."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actor import Actor
from ..apischema.parsers import code_problem
from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..orders.models import Customer, Order
from ..orders.schemas import CUSTOMER_LIMITS

EXTERNAL_ID_MAX = CUSTOMER_LIMITS["external_id"]


def get_customer(external_id: str) -> Customer:
    customer = None
    if code_problem(external_id, EXTERNAL_ID_MAX) is None:  # a NUL or an overlong id is no customer (PostgreSQL refuses NUL)
        customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is None:
        raise NotFound(f"No customer {external_id}.")
    return customer


def orders_of(customer: Customer, limit: int = 100) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.customer_id == customer.id)
                                   .order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)))


def set_opted_out(external_id: str, opted_out: bool, actor: Actor, now: datetime) -> Customer:
    """Opt the customer out of (or back into) messages they may refuse; audited when it changes. Commits."""
    customer = get_customer(external_id)
    if customer.erased_at is not None and not opted_out:
        raise Conflict(_l("The buyer's personal data was erased: they stay opted out of every message."))
    if customer.opted_out != opted_out:
        record(actor, "customer.opt_out" if opted_out else "customer.opt_in", now,
               before={"customer": external_id, "opted_out": customer.opted_out},
               after={"customer": external_id, "opted_out": opted_out})
        customer.opted_out = opted_out
        db.session.commit()
    return customer
