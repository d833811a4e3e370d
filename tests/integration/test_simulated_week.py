"""A simulated week: 2,000 orders placed and paid at random times, every sweep run every simulated minute.

Afterwards the outbox is checked against an oracle built from the raw events: each deserved reminder step
queued exactly once, none in quiet hours, none after payment, none past the cap; greetings once per
customer and occasion, only to eligible repeat customers, never within the gap, never to the opted out.
"""
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from shopcs.actor import Actor
from shopcs.errors import Conflict
from shopcs.extensions import db
from shopcs.followup import rules
from shopcs.followup.jobs import run_all_sweeps, send_reminder_by_hand
from shopcs.followup.promotions import add_promotion
from shopcs.followup.values import FollowupSettings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer, Order, OrderItem, Refund

UTC = timezone.utc
ZONE = "Asia/Shanghai"
S = FollowupSettings()
START = datetime(2026, 9, 25, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)  # mid-autumn .. national day
MINUTE = timedelta(minutes=1)
AGENT = Actor(label="user:amy", role="agent")
REAL_CANCELS = ("order paid", "order closed")  # a queued reminder withdrawn later, not a drop

pytestmark = pytest.mark.slow


def ceil_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + MINUTE


class World:
    """The random events, kept in plain Python for the oracle; the database gets the same facts."""

    def __init__(self, seed: int, n_orders: int, n_customers: int, days: float):
        self.rng, self.end = random.Random(seed), START + timedelta(days=days)
        self.customers = []  # (id, opted_out)
        self.history = defaultdict(list)  # customer_id -> [rules.PaidOrder] paid before the week
        self.orders = []  # dicts: id, customer_id, placed, paid (minute or None), hand (minute or None)
        self.n_orders, self.n_customers = n_orders, n_customers

    def build(self):
        rng = self.rng
        customers = [Customer(external_id=f"sim-{n}", name=f"买家{n}", phone="", email="", opted_out=rng.random() < 0.05,
                              created_at=START - timedelta(days=500)) for n in range(self.n_customers)]
        db.session.add_all(customers)
        db.session.flush()
        refunds = []
        for customer in customers:
            self.customers.append((customer.id, customer.opted_out))
            for _ in range(rng.choices([0, 1, 2, 3], [45, 30, 15, 10])[0]):
                paid = START - timedelta(days=rng.uniform(1, 420))
                order = self._order(customer.id, paid - timedelta(minutes=5), "completed", paid)
                refunded = rng.random() < 0.1
                if refunded:
                    refunds.append((order, paid))
                self.history[customer.id].append(rules.PaidOrder(paid, order.total, order.total if refunded else Decimal("0.00"),
                                                                 "completed"))
        week = []
        for _ in range(self.n_orders):
            customer_id = rng.choice(self.customers)[0]
            placed = START + timedelta(seconds=rng.uniform(0, (self.end - START).total_seconds() - 3600))
            delay = rng.choice([None, None, None, None, timedelta(minutes=rng.uniform(1, 30)),
                                timedelta(minutes=rng.uniform(30, 720)), timedelta(minutes=rng.uniform(720, 1800))])
            paid = ceil_minute(placed + delay) if delay is not None else None
            if paid is not None and (paid >= rules.closes_at(placed, S) or paid >= self.end):
                paid = None  # closed first (it can no longer be paid), or paid after the simulated week
            hand = ceil_minute(placed + timedelta(minutes=10)) if rng.random() < 0.05 else None
            week.append((self._order(customer_id, placed, "unpaid", None), paid, hand))
        db.session.flush()
        db.session.add_all(Refund(order_id=order.id, amount=order.total, reason="quality", status="completed",
                                  requested_by="sim", requested_at=paid + timedelta(days=1)) for order, paid in refunds)
        self.orders = [{"id": order.id, "customer_id": order.customer_id, "placed": order.placed_at, "paid": paid, "hand": hand}
                       for order, paid, hand in week]
        db.session.commit()
        self.payments = defaultdict(list)  # customer_id -> minutes of the week's payments
        for order in self.orders:
            if order["paid"]:
                self.payments[order["customer_id"]].append(order["paid"])

    def _order(self, customer_id, placed, status, paid) -> Order:
        self.serial = getattr(self, "serial", 0) + 1
        total = Decimal(self.rng.randrange(1000, 50000)) / 100
        order = Order(order_no=f"SIM{self.serial:06d}", status=status, customer_id=customer_id, placed_at=placed, paid_at=paid,
                      items_total=total, shipping_fee=Decimal("0.00"), discount=Decimal("0.00"), total=total, currency="CNY",
                      recipient="", phone="", phone_valid=True, lock_version=0, created_at=placed, updated_at=placed)
        order.items.append(OrderItem(position=0, sku="SKU", title="围巾", quantity=1, unit_price=total))
        db.session.add(order)
        return order


def run_week(world: World, minutes):
    """Every minute: the platform's payments, then an agent's reminders by hand, then every sweep."""
    payments, hands = defaultdict(list), defaultdict(list)
    for order in world.orders:
        if order["paid"]:
            payments[order["paid"]].append(order["id"])
        if order["hand"]:
            hands[order["hand"]].append(order)
    for now in minutes:
        for order_id in payments.get(now, ()):
            db.session.execute(update(Order).where(Order.id == order_id, Order.status == "unpaid")
                               .values(status="paid", paid_at=now, updated_at=now))
        db.session.commit()
        for order in hands.get(now, ()):
            try:
                send_reminder_by_hand(db.session.get(Order, order["id"]).order_no, AGENT, now)
                order["hand_queued"] = True
            except Conflict:
                db.session.rollback()
        run_all_sweeps(now)


def _unpaid_at(paid, moment) -> bool:
    return paid is None or paid > moment


def expected_steps(order: dict, opted_out: bool, world: World) -> tuple[set, set]:
    """(steps that must be queued, steps that must be dropped for the cap), from the raw events."""
    placed, paid, close = order["placed"], order["paid"], rules.closes_at(order["placed"], S)
    if opted_out:
        return set(), set()
    count = 0
    queued, capped = set(), set()
    dues = [rules.step_due_at(placed, step, S) for step in (1, 2)]
    for step, due in enumerate(dues, start=1):
        first_look = ceil_minute(due)
        goes_at = rules.defer_out_of_quiet_hours(first_look, S, ZONE)  # sweeps in quiet hours only wait
        if first_look >= close or first_look >= world.end or not _unpaid_at(paid, first_look):
            continue
        hand_counted = 1 if order.get("hand_queued") and order["hand"] <= first_look else 0
        if count + hand_counted >= S.max_reminders:
            capped.add(step)
            continue
        if goes_at >= close or goes_at >= world.end or not _unpaid_at(paid, goes_at):
            continue
        if step == 1 and dues[1] <= goes_at:
            continue  # the next step fell due first: only the latest due step goes out
        hand_counted = 1 if order.get("hand_queued") and order["hand"] <= goes_at else 0
        if count + hand_counted >= S.max_reminders:
            capped.add(step)
            continue
        queued.add(step)
        count += 1
    return queued, capped


def check_reminders(world: World):
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "unpaid_reminder")))
    by_order = defaultdict(list)
    for row in rows:
        by_order[row.order_id].append(row)
    opted = dict(world.customers)
    stats = Counter()
    for order in world.orders:
        mine = by_order.get(order["id"], [])
        auto = {row.dedupe_key.rsplit(":", 1)[1]: row for row in mine if not row.dedupe_key.rsplit(":", 1)[1].startswith("hand")}
        real = {int(step) for step, row in auto.items() if row.status == "pending" or row.cancel_reason in REAL_CANCELS}
        capped = {int(step) for step, row in auto.items() if row.cancel_reason == rules.DROP_CAP}
        want, want_capped = expected_steps(order, opted[order["customer_id"]], world)
        assert (real, capped) == (want, want_capped), (order, [(r.dedupe_key, r.status, r.cancel_reason, r.scheduled_for) for r in mine])
        live = [row for row in mine if row.status == "pending" or row.cancel_reason in REAL_CANCELS]
        assert len(live) <= S.max_reminders
        for row in live:
            assert not rules.in_quiet_hours(row.scheduled_for, S, ZONE)
            if order["paid"] is not None:
                assert row.created_at < order["paid"]  # nothing was queued once the order was paid
                assert row.status == "cancelled" or row.scheduled_for < order["paid"]
            if row.status == "pending":
                assert order["paid"] is None and rules.closes_at(order["placed"], S) >= world.end
        stats["reminders"] += len(real)
        stats["capped"] += len(capped)
    return stats


def eligible(customer_id: int, opted_out: bool, at: datetime, world: World) -> bool:
    paid = list(world.history[customer_id]) + [
        rules.PaidOrder(moment, Decimal("1.00")) for moment in world.payments[customer_id] if moment <= at]
    return rules.is_repeat_customer(paid, opted_out=opted_out, now=at, settings=S)


def check_greetings(world: World, occasions: dict):
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.in_(("holiday_greeting", "promotion")))))
    opted = dict(world.customers)
    keys = Counter(row.dedupe_key for row in rows)
    assert all(count == 1 for count in keys.values())
    per_customer = defaultdict(list)
    for row in rows:
        occasion = row.dedupe_key.split(":", 2)[2]
        assert occasion in occasions and row.scheduled_for == occasions[occasion]
        assert not opted[row.customer_id] and eligible(row.customer_id, False, row.created_at, world)
        assert row.created_at.astimezone(rules.ZoneInfo(ZONE)).date() == occasions[occasion].astimezone(rules.ZoneInfo(ZONE)).date()
        per_customer[row.customer_id].append(row.scheduled_for.astimezone(rules.ZoneInfo(ZONE)).date())
    for days in per_customer.values():
        days.sort()
        assert all((b - a).days >= S.greeting_gap_days for a, b in zip(days, days[1:], strict=False))
    for key, send_at in occasions.items():  # everyone eligible at the send time, and not greeted lately, got it
        if send_at >= world.end:
            continue
        for customer_id, opted_out in world.customers:
            earlier = [d for d in per_customer[customer_id] if d < send_at.astimezone(rules.ZoneInfo(ZONE)).date()]
            recent = earlier and (send_at.astimezone(rules.ZoneInfo(ZONE)).date() - max(earlier)).days < S.greeting_gap_days
            if eligible(customer_id, opted_out, send_at, world) and not recent:
                assert f"greeting:{customer_id}:{key}" in keys, (customer_id, key)
    return len(rows)


def check_auto_close(world: World):
    statuses = dict(db.session.execute(select(Order.id, Order.status)).all())
    for order in world.orders:
        closes = rules.closes_at(order["placed"], S)
        if order["paid"] is not None:
            assert statuses[order["id"]] == "paid"
        elif ceil_minute(closes) < world.end:
            assert statuses[order["id"]] == "closed"
        else:
            assert statuses[order["id"]] == "unpaid"


def every_minute(world: World) -> list[datetime]:
    return [START + MINUTE * i for i in range(int((world.end - START) / MINUTE))]


def minutes_that_matter(world: World) -> list[datetime]:
    """The minutes at which a sweep's answer can differ from the minute before: a step or a close falls
    due, a payment or a reminder by hand lands, quiet hours start or end, a day or a send time begins.
    Between two of them every sweep finds exactly what it found at the earlier one, so running only at
    these gives the outbox that running every minute gives (test_only_some_minutes_... checks it)."""
    moments = set()
    for order in world.orders:
        moments.update(ceil_minute(rules.step_due_at(order["placed"], step, S)) for step in (1, 2))
        moments.add(ceil_minute(rules.closes_at(order["placed"], S)))
        moments.update(m for m in (order["paid"], order["hand"]) if m)
    day = START.astimezone(rules.ZoneInfo(ZONE)).date()
    while rules.wall_instant(day, S.quiet_end, ZONE) < world.end + timedelta(days=1):
        for wall in (time(0), S.quiet_end, S.quiet_start, S.greeting_send_time, time(20)):
            moments.add(rules.wall_instant(day, wall, ZONE))
        day += timedelta(days=1)
    return sorted(m for m in moments if START <= m < world.end)


def simulate(seed, n_orders, n_customers, days, minutes=minutes_that_matter):
    world = World(seed, n_orders, n_customers, days)
    world.build()
    promotion = add_promotion("国庆大促", date(2026, 9, 29), "20:00", 0, Actor(label="user:boss", role="supervisor"), START,
                              "Asia/Shanghai")
    run_week(world, minutes(world))
    occasions = {"mid_autumn:2026": datetime(2026, 9, 25, 2, 0, tzinfo=UTC), "national_day:2026": datetime(2026, 10, 1, 2, 0, tzinfo=UTC),
                 promotion.key: datetime(2026, 9, 29, 12, 0, tzinfo=UTC)}
    stats = check_reminders(world)
    greetings = check_greetings(world, occasions)
    check_auto_close(world)
    return stats, greetings


def test_a_simulated_week_keeps_every_reminder_and_greeting_promise(app, backend):
    # 2,000 orders on SQLite; PostgreSQL runs the same week with fewer orders to keep the suite quick
    n_orders, n_customers = (2000, 800) if backend == "sqlite" else (800, 320)
    stats, greetings = simulate(seed=20260925, n_orders=n_orders, n_customers=n_customers, days=7)
    assert stats["reminders"] > n_orders // 2 and stats["capped"] > 0 and greetings > 0


def outbox_facts() -> set:
    """The outbox in terms that do not depend on row ids (order no., customer external id, occasion)."""
    order_nos = dict(db.session.execute(select(Order.id, Order.order_no)).all())
    externals = dict(db.session.execute(select(Customer.id, Customer.external_id)).all())
    facts = set()
    for row in db.session.scalars(select(OutboxMessage)):
        what = row.dedupe_key.split(":", 2)[2]
        facts.add((row.kind, order_nos.get(row.order_id), externals.get(row.customer_id),
                   "promotion" if what.startswith("promotion:") else what,
                   row.status, row.cancel_reason, row.scheduled_for, row.created_at))
    return facts


def test_only_some_minutes_give_the_outbox_that_every_minute_gives(sqlite_app):
    simulate(seed=7, n_orders=120, n_customers=60, days=1.5, minutes=every_minute)
    every = outbox_facts()
    closed_every = set(db.session.scalars(select(Order.order_no).where(Order.status == "closed")))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    simulate(seed=7, n_orders=120, n_customers=60, days=1.5)
    assert len(every) > 50
    assert outbox_facts() == every
    assert set(db.session.scalars(select(Order.order_no).where(Order.status == "closed"))) == closed_every
