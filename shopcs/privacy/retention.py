"""Erasing the buyers nobody has heard from for the retention period (SHOPCS_RETENTION_MONTHS, off by default): no
order placed and no case touched within it, and known to ShopCS for longer than it. Each buyer is erased in a
transaction of their own, as `flask customers erase` would, so a run cut short has lost nothing and the next run
goes on; a buyer who cannot be erased is logged and left for the next run."""
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select

from ..actor import Actor
from ..cases.models import Case
from ..extensions import db
from ..orders.models import Customer, Order
from .erase import erase_customer
from .rules import months_before
from .settings import ErasureSettings

log = logging.getLogger("shopcs.privacy.retention")
RETENTION_ACTOR = Actor.system("retention")
BATCH = 200  # buyers read at a time


@dataclass(frozen=True)
class RetentionReport:
    months: int
    cutoff: datetime  # buyers active since then are kept
    erased: int
    failed: int  # left for the next run (logged)
    files_left: int = 0  # photo files the system refused to remove (logged, with the command that tries again)

    def as_dict(self) -> dict:
        return {"months": self.months, "cutoff": self.cutoff.isoformat(), "erased": self.erased, "failed": self.failed,
                "files_left": self.files_left}


def _inactive_since(cutoff: datetime):
    """Customers not erased, created before `cutoff`, with no order placed and no case changed since."""
    recent_order = exists().where(Order.customer_id == Customer.id, Order.placed_at >= cutoff)
    recent_case = exists().where(Case.customer_id == Customer.id, Case.updated_at >= cutoff)
    return (Customer.erased_at.is_(None), Customer.created_at < cutoff, ~recent_order, ~recent_case)


def count_inactive(months: int, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Customer).where(*_inactive_since(months_before(now, months))))


def erase_inactive(months: int, now: datetime, settings: ErasureSettings, actor: Actor = RETENTION_ACTOR) -> RetentionReport:
    """Erases every buyer inactive for `months` (at least 1) before `now`."""
    if months < 1:
        raise ValueError("the retention period must be at least one month")
    cutoff = months_before(now, months)
    erased = failed = files_left = 0
    after_id = 0
    while True:
        batch = list(db.session.execute(select(Customer.id, Customer.external_id).where(
            Customer.id > after_id, *_inactive_since(cutoff)).order_by(Customer.id).limit(BATCH)))
        db.session.rollback()  # nothing of the reading transaction stays open while the buyers are erased
        if not batch:
            break
        for customer_id, external_id in batch:
            after_id = customer_id
            try:
                erasure = erase_customer(external_id, actor, now, settings)
                erased += 1
            except Exception:  # noqa: BLE001 - one buyer's failure must not keep the others' data
                log.exception("retention: customer %s could not be erased; the next run tries again", customer_id)
                failed += 1
                continue
            if erasure.files_left:  # an erased buyer is not inactive any more: only erasing them again retries
                files_left += len(erasure.files_left)
                log.warning("retention: photo files of %s could not be removed (%s); run `flask customers erase %s`",
                            erasure.customer, ", ".join(erasure.files_left), erasure.customer)
    return RetentionReport(months, cutoff, erased, failed, files_left)
