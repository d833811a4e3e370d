"""Erasing one buyer's personal data: `flask customers erase`, the customer page's admin action and the retention job.

One transaction: every table's statements (scrub.py, traces.py), the customer row renamed to its pseudonym and marked
erased, and the audit entries (one for the buyer with the counts, one on each order whose address went), or nothing
at all. The photo files, and then their rows, go once it commits (photos.py). Erasing again is harmless: it erases
what came since (a message the buyer wrote to an erased case, a photo file a failure left) and, when nothing did,
changes nothing and says so.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from ..actor import Actor
from ..apischema.parsers import code_problem
from ..audit.services import record
from ..cases.wordsearch.index import rewriting
from ..errors import NotFound
from ..extensions import db
from ..followup.settings import load_settings
from ..orders.models import Customer
from ..orders.schemas import CUSTOMER_LIMITS
from . import photos, scrub, traces
from .rules import COUNTED, alias_for, family_of, is_pseudonym, marker, pseudonym
from .settings import ErasureSettings

ACTION = "customer.erased"
ORDER_ACTION = "order.buyer_erased"  # on each order whose address went: its timeline says why it has none


@dataclass(frozen=True)
class Erasure:
    customer: str  # the buyer's id from now on: their pseudonym
    erased_at: datetime  # when they were first erased
    again: bool  # they had been erased before: this run removed only what came since
    counts: dict  # rules.COUNTED: rows erased in each kind of place
    files_left: tuple[str, ...] = ()  # photo files the system refused to remove: the next erasure tries again

    @property
    def changed(self) -> bool:
        return not self.again or any(self.counts.values())


def buyer_rows(external_id: str, key: bytes) -> list[Customer]:
    """The buyer's customer rows: the one with this id (not erased yet) and those erased under its pseudonym (or,
    given a pseudonym, those of its family). NotFound when there are none."""
    rows: list[Customer] = []
    if code_problem(external_id, CUSTOMER_LIMITS["external_id"]) is None:  # a NUL or an overlong id is nobody
        family = family_of(external_id) if is_pseudonym(external_id) else pseudonym(external_id, key)
        rows = list(db.session.scalars(select(Customer).where(or_(
            Customer.external_id == external_id, Customer.external_id == family,
            Customer.external_id.startswith(family + "-", autoescape=True))).order_by(Customer.id)))
    if not rows:
        raise NotFound(_l("No customer %(id)s.", id=external_id), {"external_id": "no such customer"})
    return rows


def erase_customer(external_id: str, actor: Actor, now: datetime, settings: ErasureSettings) -> Erasure:
    """Raises NotFound for an id that names no buyer (erased or not). Commits."""
    try:
        erasure, stored_names = _erase_in_transaction(external_id, actor, now, settings)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    left = photos.remove_photos(settings.upload_dir, stored_names)
    return Erasure(erasure.customer, erasure.erased_at, erasure.again, erasure.counts, tuple(left))


def _erase_in_transaction(external_id: str, actor: Actor, now: datetime,
                          settings: ErasureSettings) -> tuple[Erasure, list[str]]:
    ids = tuple(row.id for row in buyer_rows(external_id, settings.key))
    scrub.lock_buyer(scrub.scope_of(ids))
    scope = scrub.scope_of(ids)  # again under the locks: an order that came meanwhile is in it
    rows = list(db.session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)
                                   .execution_options(populate_existing=True)))
    live = next((row for row in rows if row.erased_at is None), None)
    erased = [row for row in rows if row.erased_at is not None]
    family = family_of(erased[0].external_id) if erased else pseudonym(live.external_id, settings.key)
    alias = alias_for(family, len(erased)) if live is not None else erased[0].external_id
    text = marker(load_settings().locale)
    texts = traces.first_messages(scope)  # before the cases lose them
    counts = dict.fromkeys(COUNTED, 0)
    orders = scrub.erase_orders(scope)
    counts["orders"] = len(orders)
    counts.update(scrub.erase_order_texts(scope, text))
    with rewriting(scope.case_ids):  # the word search's index forgets the words the texts had
        counts.update(scrub.erase_case_texts(scope, text))
    counts["photos"], stored_names = scrub.erase_photos(scope, text)
    counts.update(scrub.erase_outbox(scope, text))
    counts["audit_entries"] = traces.erase_audit(scope, live.external_id if live else None, alias, text)
    counts["assistant_examples"] = traces.erase_examples(texts)
    erased_at = min((row.erased_at for row in erased), default=now)
    db.session.execute(update(Customer).where(Customer.id.in_(ids)).values(name="", phone="", email="", opted_out=True)
                       .execution_options(synchronize_session=False))
    if live is not None:
        db.session.execute(update(Customer).where(Customer.id == live.id).values(external_id=alias, erased_at=now)
                           .execution_options(synchronize_session=False))
    erasure = Erasure(alias, erased_at, live is None, counts)
    if erasure.changed:
        record(actor, ACTION, now, after={"customer": alias, "again": erasure.again, **counts})
        for order_id in orders:
            record(actor, ORDER_ACTION, now, order_id=order_id, after={"customer": alias})
    return erasure, stored_names
