"""Read-only views of the outbox for the follow-up pages, the order queue and `flask followup status`."""
import functools
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, func, literal_column, select

from ..capped_counts import COUNT_CAP
from ..db_types import UTCDateTime
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.outbox import INTERNAL_KINDS
from ..orders.models import Customer, Order
from ..timeutil import local_date, local_midnight_utc

DUE_SOON = timedelta(hours=1)
REMINDER_KIND = "unpaid_reminder"  # the outbox kind of a payment reminder (unpaid.KIND)
TABS = ("manual", "due", "sent", "failed")


def _today_start(now: datetime, zone: str) -> datetime:
    return local_midnight_utc(local_date(now, zone), zone)


def tab_filters(tab: str, now: datetime, zone: str) -> list:
    """The rows each tab of the follow-up page lists."""
    return _filters(tab, now, now + DUE_SOON, _today_start(now, zone))


def _filters(tab: str, now, soon, today) -> list:
    """`now`, `soon` (now + DUE_SOON) and `today` (the shop's midnight in UTC): values or bound parameters."""
    m = OutboxMessage
    if tab == "manual":  # waiting for an agent to copy the text into the platform's chat
        return [m.channel == "manual", m.status == "pending", m.scheduled_for <= now,
                m.kind.not_in(INTERNAL_KINDS)]  # alerts, escalations: the team's own pages
    if tab == "due":
        return [m.status == "pending", m.scheduled_for > now, m.scheduled_for <= soon]
    if tab == "sent":  # ix_outbox_status_sent
        return [m.status == "sent", m.sent_at >= today]
    if tab == "failed":
        return [m.status.in_(("failed", "dead"))]
    raise ValueError(tab)


def _ordering(tab: str):
    m = OutboxMessage
    if tab == "sent":
        return (m.sent_at.desc(), m.id.desc())
    if tab == "failed":
        return (m.status, m.next_attempt_at, m.id)
    return (m.scheduled_for, m.id)


def tab_page(tab: str, now: datetime, zone: str, page: int, per_page: int = 25):
    query = select(OutboxMessage).where(*tab_filters(tab, now, zone)).order_by(*_ordering(tab))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


# The index each tab's count walks: in its order a capped count reads the index from the start and stops at the cap.
_COUNT_ORDER = {"manual": (OutboxMessage.scheduled_for,), "due": (OutboxMessage.scheduled_for,),  # ix_outbox_due
                "sent": (OutboxMessage.sent_at,), "failed": ()}  # ix_outbox_status_sent; ix_outbox_due, two statuses


@functools.cache
def _tab_counts_statement():
    """The four counts in one statement, built once; each stops at :cap rows. Parameters: now, soon, today, cap."""
    now, soon, today = (bindparam(name, type_=UTCDateTime) for name in ("now", "soon", "today"))
    cap = bindparam("cap", type_=Integer)
    return select(*[select(func.count()).select_from(
        select(literal_column("1")).select_from(OutboxMessage).where(*_filters(tab, now, soon, today))
        .order_by(*_COUNT_ORDER[tab]).limit(cap).subquery()).scalar_subquery().label(tab) for tab in TABS])


def tab_counts(now: datetime, zone: str, cap: int = COUNT_CAP) -> dict[str, int]:
    """Each tab's count for its badge, stopping at `cap` (999+), so a festival day's hundred thousand reminders cost
    the page what a quiet day's hundred do. The same rows as tab_filters selects."""
    row = db.session.connection().execute(_tab_counts_statement(), {
        "now": now, "soon": now + DUE_SOON, "today": _today_start(now, zone), "cap": cap}).one()
    return dict(zip(TABS, row, strict=True))


def orders_and_customers(messages) -> tuple[dict[int, Order], dict[int, Customer]]:
    """The orders and customers a page of messages names, loaded in two queries, by id."""
    order_ids = {m.order_id for m in messages if m.order_id}
    customer_ids = {m.customer_id for m in messages if m.customer_id}
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))} if order_ids else {}
    customer_ids |= {o.customer_id for o in orders.values()}
    customers = ({c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}
                 if customer_ids else {})
    return orders, customers


def messages_for_order(order_id: int) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id)
                                   .order_by(OutboxMessage.scheduled_for, OutboxMessage.id)))


def messages_for_customer(customer: Customer) -> list[OutboxMessage]:
    """Everything addressed to the customer: rows naming them, and rows of their orders."""
    order_ids = select(Order.id).where(Order.customer_id == customer.id)
    return list(db.session.scalars(
        select(OutboxMessage).where((OutboxMessage.customer_id == customer.id) | OutboxMessage.order_id.in_(order_ids))
        .order_by(OutboxMessage.scheduled_for.desc(), OutboxMessage.id.desc())))


def status_counts(now: datetime, zone: str) -> dict:
    """What `flask followup status` prints: counts by kind and status, and what is due, sent today, failing."""
    m = OutboxMessage
    by_kind_status = {(kind, status): n for kind, status, n in db.session.execute(
        select(m.kind, m.status, func.count(m.id)).group_by(m.kind, m.status).order_by(m.kind, m.status))}
    due_now = {channel: n for channel, n in db.session.execute(
        select(m.channel, func.count(m.id)).where(m.status == "pending", m.scheduled_for <= now)
        .group_by(m.channel).order_by(m.channel))}
    retrying = db.session.scalar(select(func.count(m.id)).where(m.status == "failed", m.next_attempt_at <= now))

    def count(*where):
        return db.session.scalar(select(func.count(m.id)).where(*where))

    return {
        "by_kind_status": by_kind_status,
        "due_now_by_channel": due_now,
        "due_soon": count(*tab_filters("due", now, zone)),
        "pending": count(m.status == "pending"),
        "sent_today": count(*tab_filters("sent", now, zone)),
        "failing": count(m.status == "failed"),
        "retry_due": retrying,
        "dead": count(m.status == "dead"),
    }


@functools.cache
def _reminders_statement():
    outbox = OutboxMessage.__table__
    return (select(outbox.c.order_id, func.count()).where(
        outbox.c.order_id.in_(bindparam("ids", expanding=True)), outbox.c.kind == REMINDER_KIND, outbox.c.status == "sent")
        .group_by(outbox.c.order_id))


def reminders_sent(rows: list) -> dict[int, int]:  # rows: the order queue's QueueRow (anything with .id)
    """Payment reminders already sent, by order id, for the rows shown only: one query on the outbox's order_id index."""
    if not rows:
        return {}
    return dict(db.session.connection().execute(_reminders_statement(), {"ids": [row.id for row in rows]}).all())
