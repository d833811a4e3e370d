"""The unpaid-order sweeps: queue the reminder step that is due, drop it with a reason, close stale orders.

Set work, not per-order work: each query walks unpaid orders by (status, placed_at) inside the reminder window, so
its cost follows the orders that are open now, not the size of the table, and a batch of up to BATCH orders costs a
handful of statements — the candidates, their items, a row lock on the still-unpaid ones, one INSERT ... ON CONFLICT
DO NOTHING into the outbox — whatever its size. The outbox's unique dedupe key makes every step exactly once
(another scheduler's sweep at the same moment inserts nothing twice); batches commit as they go, so a killed run
loses at most one uncommitted batch. The rules themselves (quiet hours, cap, what a drop says) stay in rules.py.
"""
from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import String, case, cast, exists, func, literal, or_, select, update

from ..actor import Actor
from ..audit.services import record, record_many
from ..errors import Conflict, NotFound
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.outbox import enqueue, enqueue_many
from ..orders.models import Customer, Order, OrderItem
from . import rules, texts
from .settings import load_settings
from .values import FollowupSettings

# Orders per batch: one statement each for candidates, items, locks and the outbox insert. 1,000 keeps a batch's
# INSERT under both databases' parameter limits (11 values a row) and a killed run's loss small.
BATCH = 1000
KIND = "unpaid_reminder"
LIVE = ("pending", "failed")  # not yet sent: may still be cancelled
SCHEDULER = Actor.system("scheduler")
ACTION_CLOSED_HERE = "order.closed_here"  # audit action of the auto-close; the platform's later payment is still taken


def reminder_key(order_id: int, step) -> str:
    return f"{KIND}:{order_id}:{step}"


def _body(*, buyer_name: str, order_no: str, items: list[tuple[str, int]], total, currency: str, placed_at: datetime,
          settings: FollowupSettings, zone: str) -> str:
    variables = texts.reminder_variables(
        buyer_name=buyer_name, order_no=order_no, items=items, total=total, closes_at=rules.closes_at(placed_at, settings),
        zone=zone, locale=settings.locale, shop_name=settings.shop_name_for(settings.locale), currency=currency)
    return texts.render_template(settings.template(KIND), variables)


def reminder_body(order: Order, settings: FollowupSettings, zone: str) -> str:
    return _body(buyer_name=order.customer.name, order_no=order.order_no, items=[(i.title, i.quantity) for i in order.items],
                 total=order.total, currency=order.currency, placed_at=order.placed_at, settings=settings, zone=zone)


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


def _still_unpaid(order_ids: list[int]) -> set[int]:
    """The orders still unpaid, read under their row locks (PostgreSQL; SQLite has one writer): a payment pushed a
    moment ago wins, and one pushed after waits for this batch's commit and then cancels its reminder."""
    if not order_ids:
        return set()
    return set(db.session.scalars(select(Order.id).where(Order.id.in_(order_ids), Order.status == "unpaid")
                                  .order_by(Order.id).with_for_update()))


def _cancel(message_ids: list[int], reason: str) -> int:
    return db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(message_ids), OutboxMessage.status.in_(LIVE))
        .values(status="cancelled", cancel_reason=reason).execution_options(synchronize_session=False)).rowcount


def cancel_stale_reminders(now: datetime) -> int:
    """Reminders not yet sent whose order was paid, cancelled or closed, or whose buyer opted out: one UPDATE per
    reason a batch holds (rules.reminder_blocker words it)."""
    cancelled, after = 0, 0
    while True:
        rows = db.session.execute(
            select(OutboxMessage.id, Order.status, Customer.opted_out)
            .join(Order, Order.id == OutboxMessage.order_id).join(Customer, Customer.id == Order.customer_id)
            .where(OutboxMessage.kind == KIND, OutboxMessage.status.in_(LIVE), OutboxMessage.id > after,
                   or_(Order.status != "unpaid", Customer.opted_out.is_(True)))
            .order_by(OutboxMessage.id).limit(BATCH)).all()
        by_reason = defaultdict(list)
        for message_id, status, opted_out in rows:
            by_reason[rules.reminder_blocker(status=status, opted_out=opted_out)].append(message_id)
        cancelled += sum(_cancel(ids, reason) for reason, ids in by_reason.items())
        if rows:
            db.session.commit()
            after = rows[-1].id
        if len(rows) < BATCH:
            return cancelled


def _candidates(now: datetime, settings: FollowupSettings, zone: str, after: tuple | None = None):
    """(query, waiting): unpaid, open orders of buyers not opted out whose latest due step has no outbox row, with
    what their message needs; the first batch, or the one after the (placed_at, id) `after`.

    One index range over (status, placed_at), starting where the last batch ended; the step's key is checked through
    the unique dedupe index and the cap count through (order_id, kind), so the cost follows the orders in the window.
    In quiet hours only the orders that must be dropped now are read; `waiting` counts the rest in the database
    (asked for the first batch only)."""
    offsets = settings.step_offsets()
    step_suffix = case(*[(Order.placed_at <= now - offsets[n - 1], literal(f":{n}")) for n in range(len(offsets), 1, -1)],
                       else_=literal(":1")) if len(offsets) > 1 else literal(":1")
    key = literal(f"{KIND}:") + cast(Order.id, String) + step_suffix
    so_far = (select(func.count()).where(OutboxMessage.order_id == Order.id, OutboxMessage.kind == KIND,
                                         OutboxMessage.status != "cancelled").scalar_subquery())
    # one lower bound only: given two, SQLite may bound the index range by the window's and scan every earlier batch
    start = ([Order.placed_at > now - settings.auto_close] if after is None else
             [Order.placed_at >= after[0], or_(Order.placed_at > after[0], Order.id > after[1])])
    base = (select(Order.id, Order.placed_at, Order.status, Order.order_no, Order.customer_id, Order.total, Order.currency,
                   Customer.name.label("buyer_name"), Customer.opted_out, so_far.label("so_far"))
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == "unpaid", *start, Order.placed_at <= now - offsets[0],
                   Customer.opted_out.is_(False), ~exists().where(OutboxMessage.dedupe_key == key)))
    waiting = 0
    if rules.reminders_quiet(now, settings, zone):
        closes_first = Order.placed_at <= rules.defer_reminder(now, settings, zone) - settings.auto_close
        must_drop = or_(closes_first, so_far >= settings.max_reminders)
        if after is None:
            waiting = db.session.scalar(select(func.count()).select_from(base.where(~must_drop).subquery()))
        base = base.where(must_drop)
    return base.order_by(Order.placed_at, Order.id).limit(BATCH), waiting


def _items_of(order_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    items = defaultdict(list)
    for order_id, title, quantity in db.session.execute(
            select(OrderItem.order_id, OrderItem.title, OrderItem.quantity).where(OrderItem.order_id.in_(order_ids))
            .order_by(OrderItem.order_id, OrderItem.position, OrderItem.id)):
        items[order_id].append((title, quantity))
    return items


def _queue_batch(decided: list, settings: FollowupSettings, zone: str, now: datetime, channel: str) -> dict:
    """Queue one batch's reminders to send and record its drops, in one INSERT; counts what was new."""
    if not decided:  # a sweep with nothing to queue (most of them) reads no items
        return {"queued": 0, "dropped": 0}
    unpaid = _still_unpaid([row.id for row, decision in decided if decision.action == "send"])
    wanted = [(row, decision) for row, decision in decided if decision.action == "drop" or row.id in unpaid]
    items = _items_of([row.id for row, _decision in wanted])
    messages = [{"dedupe_key": reminder_key(row.id, decision.step), "scheduled_for": decision.send_at or now,
                 "customer_id": row.customer_id, "order_id": row.id,
                 "cancel_reason": decision.reason if decision.action == "drop" else None,
                 "body": _body(buyer_name=row.buyer_name, order_no=row.order_no, items=items[row.id], total=row.total,
                               currency=row.currency, placed_at=row.placed_at, settings=settings, zone=zone)}
                for row, decision in wanted]
    new = enqueue_many(messages, kind=KIND, now=now, channel=channel)
    dropped = sum(message["dedupe_key"] in new for message in messages if message["cancel_reason"])
    return {"queued": len(new) - dropped, "dropped": dropped}


def sweep_unpaid(now: datetime, settings: FollowupSettings | None = None, *, zone: str, channel: str) -> dict:
    """Queue each unpaid order's due reminder step once (deferred out of quiet hours, dropped if the order
    closes first); cancel queued reminders whose order was paid or closed meanwhile. Commits per batch.
    `zone`: the shop's; `channel`: the outbox channel the reminders take."""
    settings = settings or load_settings()
    counts = {"queued": 0, "dropped": 0, "waiting": 0, "cancelled": cancel_stale_reminders(now)}
    if not settings.step_offsets():
        return counts
    after = None
    while True:
        query, waiting = _candidates(now, settings, zone, after)
        counts["waiting"] += waiting
        rows = db.session.execute(query).all()
        decided = [(row, rules.decide_reminder(placed_at=row.placed_at, now=now, status=row.status, opted_out=row.opted_out,
                                               reminders_so_far=row.so_far, settings=settings, zone=zone)) for row in rows]
        counts["waiting"] += sum(decision.action == "wait" for _row, decision in decided)
        done = _queue_batch([(row, d) for row, d in decided if d.action in ("send", "drop")], settings, zone, now, channel)
        counts["queued"] += done["queued"]
        counts["dropped"] += done["dropped"]
        if rows:
            db.session.commit()
        if len(rows) < BATCH:
            return counts
        after = (rows[-1].placed_at, rows[-1].id)


def _close_batch(order_ids: list[int], settings: FollowupSettings, now: datetime) -> int:
    """Close the orders of the batch still unpaid (one UPDATE ... RETURNING), audit each, cancel their reminders."""
    orders = Order.__table__
    closed = list(db.session.execute(
        update(orders).where(orders.c.id.in_(order_ids), orders.c.status == "unpaid")
        .values(status="closed", closed_here_at=now, updated_at=now, lock_version=orders.c.lock_version + 1)
        .returning(orders.c.id)).scalars())  # paid, cancelled or closed by someone else first: not returned
    if not closed:
        return 0
    record_many(SCHEDULER, ACTION_CLOSED_HERE, now, [
        {"order_id": order_id, "before": {"status": "unpaid"},
         "after": {"status": "closed", "auto_close_hours": settings.auto_close_hours}} for order_id in closed])
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.order_id.in_(closed), OutboxMessage.kind == KIND, OutboxMessage.status.in_(LIVE))
        .values(status="cancelled", cancel_reason="order closed").execution_options(synchronize_session=False))
    return len(closed)


def auto_close_unpaid(now: datetime, settings: FollowupSettings | None = None) -> dict:
    """Close unpaid orders older than auto_close_hours (actor system:scheduler) and cancel their reminders."""
    settings = settings or load_settings()
    cutoff, closed = now - settings.auto_close, 0
    while True:
        ids = list(db.session.scalars(select(Order.id).where(Order.status == "unpaid", Order.placed_at <= cutoff)
                                      .order_by(Order.placed_at, Order.id).limit(BATCH)))
        if ids:
            closed += _close_batch(ids, settings, now)
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
    send_at = rules.defer_reminder(now, settings, zone)
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
