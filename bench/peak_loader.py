"""The peak-day bench's order stream: orders written in real time, a batch each second, straight into the database.

placed_at is the moment of the batch's insert (the real clock); a share of the orders stays unpaid and the rest are
paid a few seconds after they were placed, as a festival's buyers do. SQLAlchemy Core on the app's own tables (the
types turn Decimal money and aware UTC times into what the app stores); the order API's speed is another bench's.
"""
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine

from . import fake

UTC = timezone.utc
PAY_DELAY = (2, 10)  # seconds after placing, whole seconds, uniform: "paid a few seconds later"
TITLES = ("纯棉T恤 白色 L", "蓝牙耳机 升级版", "保温杯 500ml", "羊毛围巾 礼盒装", "运动鞋 42码")


def is_unpaid(index: int, share: float) -> bool:
    """Exactly round(n × share) of the first n orders, spread evenly (every third or fourth at 0.3)."""
    return int((index + 1) * share + 1e-9) > int(index * share + 1e-9)


def add_customers(engine: Engine, count: int, now: datetime, seed: int = 1) -> list[int]:
    """The buyers the orders are spread over; returns their ids."""
    from shopcs.orders.models import Customer

    rng = random.Random(seed)
    rows = [{"external_id": f"peak-buyer-{i:05d}", "name": fake.name(rng), "phone": fake.mobile(rng),
             "email": f"buyer{i}@example.com", "opted_out": False, "created_at": now} for i in range(count)]
    table = Customer.__table__
    with engine.begin() as conn:
        return list(conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars())


@dataclass
class LoadReport:
    placed: int = 0
    unpaid: int = 0
    paid: int = 0
    batches: int = 0
    first_placed: datetime | None = None
    last_placed: datetime | None = None
    max_behind: float = 0.0  # seconds the stream fell behind its schedule at worst
    max_batch_seconds: float = 0.0
    batch_seconds: list = field(default_factory=list)


class OrderStream:
    """`total` orders evenly over `seconds`, from the moment `run` starts."""

    def __init__(self, engine: Engine, customers: list[int], total: int, seconds: float, unpaid_share: float, seed: int = 1):
        from shopcs.orders.models import Order, OrderItem

        self.engine, self.customers, self.total, self.seconds = engine, customers, total, seconds
        self.unpaid_share, self.rng = unpaid_share, random.Random(seed)
        self.orders, self.items = Order.__table__, OrderItem.__table__
        self.to_pay: dict[int, list[int]] = defaultdict(list)  # tick → order ids paid at that tick
        self.report = LoadReport()

    def run(self, every_second: Callable[[LoadReport], None] | None = None) -> LoadReport:
        started = time.monotonic()
        tick = 0
        while self.report.placed < self.total or self.to_pay:
            wake = started + tick
            behind = time.monotonic() - wake
            if behind < 0:
                time.sleep(-behind)
            self.report.max_behind = max(self.report.max_behind, behind)
            due = self.total if self.seconds <= 0 else min(self.total, int((tick + 1) * self.total / self.seconds + 1e-9))
            self._batch(tick, due)
            if every_second:
                every_second(self.report)
            tick += 1
        return self.report

    def _batch(self, tick: int, due: int) -> None:
        began = time.monotonic()
        now = datetime.now(UTC)
        first, paying = self.report.placed, self.to_pay.pop(tick, [])
        with self.engine.begin() as conn:
            if due > first:
                rows = [self._order_row(i, now) for i in range(first, due)]
                ids = conn.execute(insert(self.orders).returning(self.orders.c.id, sort_by_parameter_order=True), rows).scalars().all()
                conn.execute(insert(self.items), [self._item_row(order_id, row) for order_id, row in zip(ids, rows, strict=True)])
                for index, order_id in zip(range(first, due), ids, strict=True):
                    if is_unpaid(index, self.unpaid_share):
                        self.report.unpaid += 1
                    else:
                        self.to_pay[tick + self.rng.randint(*PAY_DELAY)].append(order_id)
                self.report.placed = due
                self.report.first_placed = self.report.first_placed or now
                self.report.last_placed = now
            if paying:
                conn.execute(update(self.orders).where(self.orders.c.id.in_(paying), self.orders.c.status == "unpaid")
                             .values(status="paid", paid_at=now, updated_at=now, lock_version=self.orders.c.lock_version + 1))
                self.report.paid += len(paying)
        spent = time.monotonic() - began
        self.report.batches += 1
        self.report.batch_seconds.append(spent)
        self.report.max_batch_seconds = max(self.report.max_batch_seconds, spent)

    def _order_row(self, index: int, now: datetime) -> dict:
        price = Decimal("59.00") + index % 40
        return {"order_no": f"PEAK-{index:07d}", "status": "unpaid", "customer_id": self.customers[index % len(self.customers)],
                "placed_at": now, "items_total": price, "shipping_fee": Decimal("0.00"), "discount": Decimal("0.00"),
                "total": price, "currency": "CNY", "recipient": "张三", "phone": "13800138000", "province": "浙江省",
                "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号", "created_at": now, "updated_at": now}

    @staticmethod
    def _item_row(order_id: int, row: dict) -> dict:
        return {"order_id": order_id, "position": 0, "sku": f"SKU-{order_id % 500}",
                "title": TITLES[order_id % len(TITLES)], "quantity": 1, "unit_price": row["total"]}
