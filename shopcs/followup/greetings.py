"""The greeting sweep: on a holiday or a promotion's day, from its send time to the end of that local
day, greet each repeat customer once per occasion and at most once per greeting_gap_days."""
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, func, literal, literal_column, select, update

from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.outbox import enqueue
from ..orders.models import Customer, Order, Refund
from ..timeutil import local_date
from . import rules, texts
from .models import Promotion
from .occasions import Occasion, occasions_on, promotion_occasion
from .settings import load_settings
from .unpaid import BATCH, LIVE
from .values import FollowupSettings

GREETING_KINDS = ("holiday_greeting", "promotion")


def greeting_key(customer_id: int, occasion_key: str) -> str:
    return f"greeting:{customer_id}:{occasion_key}"


def _counted_order():
    """A paid order that was not fully refunded (completed refunds below its total)."""
    refunded = (select(func.coalesce(func.sum(Refund.amount), literal_column("0")))
                .where(Refund.order_id == Order.id, Refund.status == "completed").scalar_subquery())
    return Order.paid_at.is_not(None) & Order.status.in_(rules.PAID_STATUSES) & (refunded < Order.total)


def repeat_customer_ids(now: datetime, settings: FollowupSettings):
    """A subquery of customers with ≥ 2 counted orders, the last within repeat_window_days (opt-out aside)."""
    since = now - timedelta(days=settings.repeat_window_days)
    recent = select(Order.customer_id).where(_counted_order(), Order.paid_at >= since)
    return (select(Order.customer_id).where(_counted_order(), Order.customer_id.in_(recent))
            .group_by(Order.customer_id).having(func.count() >= 2))


def due_occasions(now: datetime, settings: FollowupSettings, zone: str) -> list[tuple[Occasion, datetime]]:
    """(occasion, send instant) for every holiday and promotion whose greeting is due at `now`."""
    today = local_date(now, zone)
    due = [(occasion, settings.greeting_send_time) for occasion in occasions_on(today)]
    for promotion in db.session.scalars(select(Promotion).where(Promotion.send_day == today).order_by(Promotion.send_time, Promotion.id)):
        due.append((promotion_occasion(promotion.key, promotion.name, today), promotion.send_time))
    return [(occasion, rules.greeting_send_at(today, send_time, zone)) for occasion, send_time in due
            if rules.greeting_due(today, send_time, now, settings, zone)]


def _greet(occasion: Occasion, send_at: datetime, now: datetime, settings: FollowupSettings, zone: str, channel: str) -> int:
    key = literal("greeting:") + cast(Customer.id, String) + literal(f":{occasion.key}")
    recent_greeting = exists().where(
        OutboxMessage.customer_id == Customer.id, OutboxMessage.kind.in_(GREETING_KINDS),
        OutboxMessage.status != "cancelled", OutboxMessage.scheduled_for >= rules.gap_bound(occasion.day, settings, zone))
    repeaters = repeat_customer_ids(now, settings)
    queued, after = 0, 0
    while True:
        customers = list(db.session.scalars(
            select(Customer).where(Customer.id.in_(repeaters), Customer.opted_out.is_(False), Customer.id > after,
                                   ~exists().where(OutboxMessage.dedupe_key == key), ~recent_greeting)
            .order_by(Customer.id).limit(BATCH)))
        for customer in customers:
            variables = texts.greeting_variables(buyer_name=customer.name, occasion=occasion.wish(settings.locale),
                                                 locale=settings.locale, shop_name=settings.shop_name_for(settings.locale))
            body = texts.render_template(settings.template(occasion.kind), variables)
            queued += enqueue(kind=occasion.kind, dedupe_key=greeting_key(customer.id, occasion.key), body=body, now=now,
                              scheduled_for=send_at, customer_id=customer.id, channel=channel) is not None
        db.session.commit()
        if len(customers) < BATCH:
            return queued
        after = customers[-1].id


def cancel_greetings_of_opted_out() -> int:
    opted_out = select(Customer.id).where(Customer.opted_out.is_(True))
    cancelled = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.kind.in_(GREETING_KINDS), OutboxMessage.status.in_(LIVE),
                                    OutboxMessage.customer_id.in_(opted_out))
        .values(status="cancelled", cancel_reason="customer opted out").execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return cancelled


def sweep_greetings(now: datetime, settings: FollowupSettings | None = None, *, zone: str, channel: str) -> dict:
    """Greet for every occasion due now. Queued greetings of buyers who opted out since are cancelled on
    occasion days (the sender also refuses them at send time)."""
    settings = settings or load_settings()
    due = due_occasions(now, settings, zone)
    counts = {"cancelled": cancel_greetings_of_opted_out() if due else 0, "queued": 0, "occasions": []}
    for occasion, send_at in due:
        counts["occasions"].append(occasion.key)
        counts["queued"] += _greet(occasion, send_at, now, settings, zone, channel)
    return counts
