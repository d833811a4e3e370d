"""The peak-day bench's figures: what the receiver got against what the database says was owed.

A first reminder is owed to every order still unpaid at the end; it is due at placed_at + first_reminder_minutes and
its outbox row has the dedupe key "unpaid_reminder:<order id>:1". The receiver's lines name the outbox message id (the
webhook's Idempotency-Key), so each delivery is matched to its row and its order.
"""
import ast
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .followup_common import percentile

UTC = timezone.utc
KIND = "unpaid_reminder"
PERCENTILES = (50, 95, 99)


@dataclass
class Delivery:
    received: float
    message_id: int | None
    kind: str
    order_no: str
    signed: bool


def read_deliveries(path: str) -> list[Delivery]:
    out = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue  # a line cut short by a kill
            received, key, kind, order_no, signed = parts
            out.append(Delivery(float(received), int(key) if key.isdigit() else None, kind, order_no, signed == "1"))
    return out


def count_lines(path: str) -> int:
    try:
        with open(path, "rb") as lines:
            return sum(1 for _ in lines)
    except FileNotFoundError:
        return 0


@dataclass
class Figures:
    unpaid: int = 0
    owed_sent: int = 0  # unpaid orders whose first reminder arrived
    deliveries: int = 0
    duplicates: int = 0  # deliveries of a message id already received
    orders_reminded_twice: int = 0  # unpaid orders with more than one first-reminder message delivered
    missing: list = field(default_factory=list)  # order_no of unpaid orders whose first reminder never arrived
    unwanted: int = 0  # deliveries that are not an unpaid order's first reminder (a paid order's, an unknown id)
    unsigned: int = 0
    busiest_minute: int = 0  # deliveries in the busiest 60 s
    received_late: list = field(default_factory=list)  # seconds, received − due, one per owed reminder
    outbox_late: list = field(default_factory=list)  # seconds, the outbox row's sent_at − due
    outbox_status: dict = field(default_factory=dict)

    def failures(self, bar: float) -> list[str]:
        out = []
        if self.duplicates or self.orders_reminded_twice:
            out.append(f"{self.duplicates} duplicate deliveries, {self.orders_reminded_twice} orders reminded twice")
        if self.missing:
            out.append(f"{len(self.missing)} first reminders missing")
        if self.unwanted:
            out.append(f"{self.unwanted} deliveries that no unpaid order was owed")
        if self.unsigned:
            out.append(f"{self.unsigned} deliveries with a bad signature")
        if not self.received_late or percentile(self.received_late, 99) > bar:
            out.append(f"p99 (received - due) above {bar:g} s")
        return out


def compute(engine: Engine, deliveries: list[Delivery], first_reminder: timedelta) -> Figures:
    from shopcs.notify.models import OutboxMessage
    from shopcs.orders.models import Order

    orders, outbox = Order.__table__, OutboxMessage.__table__
    with engine.connect() as conn:
        unpaid = {row.id: row for row in conn.execute(select(orders.c.id, orders.c.order_no, orders.c.placed_at)
                                                      .where(orders.c.status == "unpaid"))}
        rows = conn.execute(select(outbox.c.id, outbox.c.order_id, outbox.c.dedupe_key, outbox.c.status, outbox.c.sent_at)
                            .where(outbox.c.kind == KIND)).all()
    figures = Figures(unpaid=len(unpaid), deliveries=len(deliveries), unsigned=sum(not d.signed for d in deliveries),
                      busiest_minute=busiest_minute(deliveries))
    figures.outbox_status = dict(Counter(row.status for row in rows))
    first_key = {row.id: row for row in rows if row.order_id in unpaid and row.dedupe_key == f"{KIND}:{row.order_id}:1"}
    received: dict[int, float] = {}
    for delivery in deliveries:
        if delivery.message_id in received:
            figures.duplicates += 1
        elif delivery.message_id in first_key:
            received[delivery.message_id] = delivery.received
        else:
            figures.unwanted += 1
    per_order = Counter(first_key[m].order_id for m in received)
    figures.orders_reminded_twice = sum(1 for n in per_order.values() if n > 1)
    by_order = {row.order_id: row for row in first_key.values()}
    for order_id, order in unpaid.items():
        due = order.placed_at + first_reminder
        row = by_order.get(order_id)
        if row is None or row.id not in received:
            figures.missing.append(order.order_no)
            continue
        figures.owed_sent += 1
        figures.received_late.append(received[row.id] - due.timestamp())
        if row.sent_at is not None:
            figures.outbox_late.append((row.sent_at - due).total_seconds())
    return figures


def busiest_minute(deliveries: list[Delivery]) -> int:
    """The most deliveries received in any 60 s (a sliding window): what the senders managed at their best."""
    times, best, first = sorted(d.received for d in deliveries), 0, 0
    for last, moment in enumerate(times):
        while times[first] <= moment - 60:
            first += 1
        best = max(best, last - first + 1)
    return best


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    parts = [f"p{p} {percentile(values, p):6.1f} s" for p in PERCENTILES]
    return "  ".join(parts) + f"  max {max(values):6.1f} s  (min {min(values):.1f} s)"


_RUN = re.compile(r"job (\S+) at (\S+): (\{.*\})")
_FAILED = re.compile(r"job (\S+) failed at")


def _logged_at(line: str) -> datetime | None:
    """The time at the start of a log line: ISO 8601 with an offset, or logging's default asctime (the process runs
    with TZ=UTC); None for a line without one (a traceback)."""
    first, _, rest = line.partition(" ")
    try:
        moment = datetime.strptime(f"{first} {rest.partition(' ')[0]}", "%Y-%m-%d %H:%M:%S,%f")
    except ValueError:
        try:
            moment = datetime.fromisoformat(first) if "T" in first else None
        except ValueError:
            moment = None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class JobRuns:
    runs: int = 0
    failed: int = 0
    seconds: list = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)


def scheduler_runs(path: str) -> dict[str, JobRuns]:
    """Each job's runs from a scheduler's log: how long each took (from its `now` to its log line) and the sums of
    its counts. Reads the plain log format; a JSON log (SHOPCS_LOG_FORMAT=json) is not set for the schedulers."""
    jobs: dict[str, JobRuns] = {}
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            match, ended = _RUN.search(line), _logged_at(line)
            if match and ended:
                job, began, counts = match.groups()
                runs = jobs.setdefault(job, JobRuns())
                runs.runs += 1
                runs.seconds.append((ended - datetime.fromisoformat(began)).total_seconds())
                try:
                    values = ast.literal_eval(counts)
                except (ValueError, SyntaxError):
                    values = {}
                runs.totals.update({k: v for k, v in values.items() if isinstance(v, int) and not isinstance(v, bool)})
            elif (failed := _FAILED.search(line)) is not None:
                jobs.setdefault(failed.group(1), JobRuns()).failed += 1
    return jobs


def job_lines(name: str, jobs: dict[str, JobRuns], keys=("unpaid_sweep", "outbox_sender")) -> list[str]:
    out = []
    for key in keys:
        runs = jobs.get(key)
        if runs is None:
            out.append(f"  {name} {key:<14} no runs logged")
            continue
        sums = ", ".join(f"{k} {v:,}" for k, v in runs.totals.items() if v)
        secs = runs.seconds or [0.0]
        out.append(f"  {name} {key:<14} {runs.runs:>3} runs, {runs.failed} failed; run time median {statistics.median(secs):5.2f} s, "
                   f"max {max(secs):5.2f} s; {sums or 'nothing done'}")
    return out
