"""The unpaid-order sweeps: queue the reminder step that is due, drop it with a reason, close stale orders.

Each query walks unpaid orders by (status, placed_at) inside the reminder window, so its cost follows
the orders that are open now, not the size of the table. The outbox's unique dedupe key makes every
step exactly once; batches commit as they go, so a killed run loses at most one uncommitted batch.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import String, case, cast, exists, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from ..actor import Actor
from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.outbox import enqueue
from ..orders.models import Customer, Order
from . import rules, texts
from .settings import load_settings
from .values import FollowupSettings

BATCH = 200
KIND = "unpaid_reminder"
LIVE = ("pending", "failed")  # not yet sent: may still be cancelled
SCHEDULER = Actor.system("scheduler")
ACTION_CLOSED_HERE = "order.closed_here"  # audit action of the auto-close; the platform's later payment is still taken


def reminder_key(order_id: int, step) -> str:
    return f"{KIND}:{order_id}:{step}"


def reminder_body(order: Order, settings: FollowupSettings, zone: str) -> str:
    variables = texts.reminder_variables(
        buyer_name=order.customer.name, order_no=order.order_no, items=[(i.title, i.quantity) for i in order.items],
        total=order.total, closes_at=rules.closes_at(order.placed_at, settings), zone=zone, locale=settings.locale,
        shop_name=settings.shop_name_for(settings.locale), currency=order.currency)
    return texts.render_template(settings.template(KIND), variables)


def _reminder_counts(order_ids: list[int]) -> dict[int, int]:
    """Reminders that count toward the cap: every one not cancelled, those sent by hand included."""
    rows = db.session.execute(
        select(OutboxMessage.order_id, func.count()).where(
            OutboxMessage.order_id.in_(order_ids), OutboxMessage.kind == KIND, OutboxMessage.status != "cancelled")
        .group_by(OutboxMessage.order_id))
    return dict(rows.all())


def _locked_status(order_id: int) -> str:
    """Re-read the status under the row lock (PostgreSQL) so a payment pushed a moment ago wins."""
    return db.session.execute(select(Order.status).where(Order.id == order_id).with_for_update()).scalar_one()


def cancel_stale_reminders(now: datetime) -> int:
    """Reminders not yet sent whose order was paid, cancelled or closed, or whose buyer opted out."""
    cancelled = 0
    while True:
        rows = db.session.execute(
            select(OutboxMessage.id, Order.status, Customer.opted_out)
            .join(Order, Order.id == OutboxMessage.order_id).join(Customer, Customer.id == Order.customer_id)
            .where(OutboxMessage.kind == KIND, OutboxMessage.status.in_(LIVE),
                   or_(Order.status != "unpaid", Customer.opted_out.is_(True)))
            .order_by(OutboxMessage.id).limit(BATCH)).all()
        for message_id, status, opted_out in rows:
            reason = rules.reminder_blocker(status=status, opted_out=opted_out)
            cancelled += db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status.in_(LIVE))
                .values(status="cancelled", cancel_reason=reason).execution_options(synchronize_session=False)).rowcount
        if rows:
            db.session.commit()
        if len(rows) < BATCH:
            return cancelled


def _queue(order: Order, decision: rules.ReminderDecision, settings: FollowupSettings, zone: str, now: datetime, channel: str):
    message = enqueue(kind=KIND, dedupe_key=reminder_key(order.id, decision.step), body=reminder_body(order, settings, zone),
                      now=now, scheduled_for=decision.send_at or now, customer_id=order.customer_id, order_id=order.id,
                      channel=channel)
    if message is not None and decision.action == "drop":
        message.status, message.cancel_reason = "cancelled", decision.reason
    return message


def _candidates(now: datetime, settings: FollowupSettings, zone: str):
    """(query, waiting): unpaid, open orders of buyers not opted out whose latest due step has no outbox row.

    One index range over (status, placed_at); the step's key is checked through the unique dedupe index
    and the cap count through (order_id, kind), so the cost follows the orders in the window. In quiet
    hours only the orders that must be dropped now are read; `waiting` counts the rest in the database."""
    offsets = settings.step_offsets()
    step_suffix = case(*[(Order.placed_at <= now - offsets[n - 1], literal(f":{n}")) for n in range(len(offsets), 1, -1)],
                       else_=literal(":1")) if len(offsets) > 1 else literal(":1")
    key = literal(f"{KIND}:") + cast(Order.id, String) + step_suffix
    so_far = (select(func.count()).where(OutboxMessage.order_id == Order.id, OutboxMessage.kind == KIND,
                                         OutboxMessage.status != "cancelled").scalar_subquery())
    base = (select(Order.id, Order.placed_at, Order.status, Customer.opted_out, so_far.label("so_far"))
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == "unpaid", Order.placed_at > now - settings.auto_close, Order.placed_at <= now - offsets[0],
                   Customer.opted_out.is_(False), ~exists().where(OutboxMessage.dedupe_key == key)))
    waiting = 0
    if rules.in_quiet_hours(now, settings, zone):
        closes_first = Order.placed_at <= rules.defer_out_of_quiet_hours(now, settings, zone) - settings.auto_close
        must_drop = or_(closes_first, so_far >= settings.max_reminders)
        waiting = db.session.scalar(select(func.count()).select_from(base.where(~must_drop).subquery()))
        base = base.where(must_drop)
    return base.order_by(Order.placed_at, Order.id).limit(BATCH), waiting


def sweep_unpaid(now: datetime, settings: FollowupSettings | None = None, *, zone: str, channel: str) -> dict:
    """Queue each unpaid order's due reminder step once (deferred out of quiet hours, dropped if the order
    closes first); cancel queued reminders whose order was paid or closed meanwhile. Commits per page.
    `zone`: the shop's; `channel`: the outbox channel the reminders take."""
    settings = settings or load_settings()
    counts = {"queued": 0, "dropped": 0, "waiting": 0, "cancelled": cancel_stale_reminders(now)}
    if not settings.step_offsets():
        return counts
    candidates, counts["waiting"] = _candidates(now, settings, zone)
    after = None
    while True:
        query = candidates
        if after is not None:
            query = query.where(or_(Order.placed_at > after[0], (Order.placed_at == after[0]) & (Order.id > after[1])))
        rows = db.session.execute(query).all()
        for row in rows:
            decision = rules.decide_reminder(placed_at=row.placed_at, now=now, status=row.status, opted_out=row.opted_out,
                                             reminders_so_far=row.so_far, settings=settings, zone=zone)
            counts["waiting"] += decision.action == "wait"
            if decision.action not in ("send", "drop") or (decision.action == "send" and _locked_status(row.id) != "unpaid"):
                continue
            order = db.session.get(Order, row.id, options=[selectinload(Order.items)])
            queued = _queue(order, decision, settings, zone, now, channel) is not None
            counts["queued" if decision.action == "send" else "dropped"] += queued
        if rows:
            db.session.commit()
        if len(rows) < BATCH:
            return counts
        after = (rows[-1].placed_at, rows[-1].id)


def _close(order_id: int, settings: FollowupSettings, now: datetime) -> bool:
    closed = db.session.execute(
        update(Order).where(Order.id == order_id, Order.status == "unpaid")
        .values(status="closed", closed_here_at=now, updated_at=now, lock_version=Order.lock_version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not closed:
        return False  # paid, cancelled or closed by someone else first
    record(SCHEDULER, ACTION_CLOSED_HERE, now, order_id=order_id, before={"status": "unpaid"},
           after={"status": "closed", "auto_close_hours": settings.auto_close_hours})
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.order_id == order_id, OutboxMessage.kind == KIND, OutboxMessage.status.in_(LIVE))
        .values(status="cancelled", cancel_reason="order closed").execution_options(synchronize_session=False))
    return True


def auto_close_unpaid(now: datetime, settings: FollowupSettings | None = None) -> dict:
    """Close unpaid orders older than auto_close_hours (actor system:scheduler) and cancel their reminders."""
    settings = settings or load_settings()
    cutoff, closed = now - settings.auto_close, 0
    while True:
        ids = list(db.session.scalars(select(Order.id).where(Order.status == "unpaid", Order.placed_at <= cutoff)
                                      .order_by(Order.placed_at, Order.id).limit(BATCH)))
        closed += sum(_close(order_id, settings, now) for order_id in ids)
        if ids:
            db.session.commit()
        if len(ids) < BATCH:
            return {"closed": closed}


def send_reminder_by_hand(order_no: str, actor: Actor, now: datetime, *, zone: str, channel: str) -> OutboxMessage:
    """An agent's reminder: counts toward the cap, waits out quiet hours, refused once the order closes first."""
    settings = load_settings()
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None:
        raise NotFound(_l("No order %(order_no)s.", order_no=order_no))
    blocker = rules.reminder_blocker(status=_locked_status(order.id), opted_out=order.customer.opted_out)
    if blocker:
        raise Conflict(_l("No reminder can be sent: %(reason)s.", reason=blocker))
    if rules.cap_reached(_reminder_counts([order.id]).get(order.id, 0), settings):
        raise Conflict(ngettext("This order already had %(num)s reminder.", "This order already had %(num)s reminders.",
                               settings.max_reminders))
    send_at = rules.defer_out_of_quiet_hours(now, settings, zone)
    if send_at >= rules.closes_at(order.placed_at, settings):
        raise Conflict(_l("The order closes before the quiet hours end."))
    number = db.session.scalar(select(func.count()).where(OutboxMessage.order_id == order.id, OutboxMessage.kind == KIND)) + 1
    message = enqueue(kind=KIND, dedupe_key=reminder_key(order.id, f"hand{number}"), body=reminder_body(order, settings, zone),
                      now=now, scheduled_for=send_at, customer_id=order.customer_id, order_id=order.id, channel=channel)
    if message is None:
        raise Conflict(_l("A reminder for this order was queued a moment ago."))
    record(actor, "followup.reminder_by_hand", now, order_id=order.id,
           after={"message_id": message.id, "scheduled_for": send_at.isoformat()})
    db.session.commit()
    return message
