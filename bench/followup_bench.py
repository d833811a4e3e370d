"""Follow-up benches (issue 4, "Speed"): the unpaid sweep at two table sizes, outbox drain throughput
against a bare HTTP loop, and reminder lateness over a simulated hour. Every figure is a ratio or a
bound measured in the same run.

    .venv/bin/python -m bench.followup_bench sweep drain lateness --backends sqlite,postgresql
    .venv/bin/python -m bench.followup_bench cost --backends sqlite,postgresql   # issue 20: per due order
"""
import argparse
import sys
import time
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from . import followup_common as common
from .followup_common import NOW

# -- 1. the sweep's cost follows what is due --------------------------------------------------------------

def _time_sweeps(url: str, due: int, runs: int, at_least: bool = False, cpu: list | None = None) -> list[float]:
    """The sweep's timings; it must queue `due` reminders each run (`at_least`: the history may add its own).
    `cpu`: receives this process's CPU time of each run (all of SQLite's work, none of PostgreSQL's server)."""
    from shopcs.extensions import db
    from shopcs.followup.jobs import sweep_unpaid
    from shopcs.notify.models import OutboxMessage

    app = common.make_app(url)
    timings = []
    with app.app_context():
        for run in range(runs + 1):  # the first run warms caches and is not counted
            db.session.execute(delete(OutboxMessage))
            db.session.commit()
            started, cpu_started = time.perf_counter(), time.process_time()
            counts = sweep_unpaid(NOW)
            elapsed = time.perf_counter() - started
            if run and cpu is not None:
                cpu.append(time.process_time() - cpu_started)
            if counts["queued"] != due and not (at_least and counts["queued"] >= due):
                raise SystemExit(f"sweep on {url} queued {counts}, expected {due}")
            if run:
                timings.append(elapsed)
        db.session.remove()
        db.engine.dispose()
    return timings


def bench_sweep(backends, sizes, due: int, runs: int, keep: bool) -> bool:
    print(f"== sweep_unpaid(now): {due} orders due (step 1, placed 31-47 min before now) among the filler; "
          f"median of {runs} runs")
    ok = True
    for backend in backends:
        medians = {}
        for size in sizes:
            url = common.url_for(backend, f"sweep_{size}")
            started = time.perf_counter()
            common.fill(url, size)
            with common.make_app(url).app_context():
                common.add_unpaid_orders([NOW - timedelta(minutes=31, seconds=10 * i) for i in range(due)], "BENCH-DUE")
                from shopcs.extensions import db
                from shopcs.orders.models import Order
                unpaid = db.session.scalar(select(func.count()).where(Order.status == "unpaid"))
                closed = db.session.scalar(select(func.count()).where(Order.status.in_(("closed", "cancelled"))))
                db.session.remove()
                db.engine.dispose()
            print(f"  {backend:<10} {size:>9,} orders filled in {time.perf_counter() - started:5.1f} s "
                  f"(unpaid {unpaid:,} incl. {due} due, closed/cancelled {closed:,})")
            timings = _time_sweeps(url, due, runs)
            medians[size] = common.median(timings)
            print(f"  {backend:<10} {size:>9,} orders: median {medians[size] * 1000:7.1f} ms  "
                  f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})")
            if not keep:
                common.drop_database(url)
        small, large = min(sizes), max(sizes)
        ratio = medians[large] / medians[small]
        verdict = "PASS" if ratio <= 1.5 else "FAIL"
        ok &= ratio <= 1.5
        print(f"  {backend:<10} sweep at {large:,} / at {small:,}: {ratio:.2f}  {verdict} (bar 1.5)")
    return ok


# -- 1b. set work: the cost per due order of the sweep and of the auto-close (issue 20) --------------------

COST_BAR = 0.2e-3  # seconds per due order


def _time_auto_close(url: str, runs: int, cpu: list) -> tuple[list[float], int]:
    """auto_close_unpaid(now) over the filled history's old unpaid orders, undone after each run."""
    from shopcs.audit.models import AuditEntry
    from shopcs.extensions import db
    from shopcs.followup.jobs import auto_close_unpaid
    from shopcs.followup.unpaid import ACTION_CLOSED_HERE
    from shopcs.orders.models import Order

    app = common.make_app(url)
    timings, closed = [], 0
    with app.app_context():
        for run in range(runs + 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            closed = auto_close_unpaid(NOW)["closed"]
            elapsed = time.perf_counter() - started
            if run:
                cpu.append(time.process_time() - cpu_started)
            db.session.execute(update(Order).where(Order.closed_here_at == NOW)
                               .values(status="unpaid", closed_here_at=None, lock_version=Order.lock_version - 1))
            db.session.execute(delete(AuditEntry).where(AuditEntry.action == ACTION_CLOSED_HERE, AuditEntry.at == NOW))
            db.session.commit()
            if run:
                timings.append(elapsed)
        db.session.remove()
        db.engine.dispose()
    return timings, closed


def bench_cost(backends, size: int, dues: list[int], runs: int, keep: bool) -> bool:
    print(f"== set work (issue 20): sweep_unpaid(now) and auto_close_unpaid(now) over {size:,} orders; "
          f"cost per due order, median of {runs} runs; bar {COST_BAR * 1000:.1f} ms")
    ok = True
    for backend in backends:
        url = common.url_for(backend, f"cost_{size}")
        started = time.perf_counter()
        common.fill(url, size)
        print(f"  {backend:<10} {size:>9,} orders filled in {time.perf_counter() - started:5.1f} s")
        placed = 0
        for due in sorted(dues):
            with common.make_app(url).app_context():  # step 1 due: placed 31 min to 11.5 h before now, spread evenly
                spread = timedelta(hours=11) / max(due, 1)
                common.add_unpaid_orders([NOW - timedelta(minutes=31) - spread * i for i in range(placed, due)],
                                         f"BENCH-DUE-{due}")
                from shopcs.extensions import db
                db.session.remove()
                db.engine.dispose()
            placed = due
            cpu = []
            median = common.median(_time_sweeps(url, due, runs, at_least=True, cpu=cpu))
            ok &= median / due <= COST_BAR
            print(f"  {backend:<10} sweep, {due:>7,} due: {median * 1000:8.1f} ms = {median / due * 1000:.3f} ms per due order "
                  f"(CPU here {common.median(cpu) / due * 1000:.3f})  {'PASS' if median / due <= COST_BAR else 'FAIL'}")
        cpu = []
        timings, closed = _time_auto_close(url, runs, cpu)
        per_order = common.median(timings) / max(closed, 1)
        ok &= per_order <= COST_BAR
        print(f"  {backend:<10} auto-close, {closed:>7,} due: {common.median(timings) * 1000:8.1f} ms = {per_order * 1000:.3f} ms "
              f"per order (CPU here {common.median(cpu) / max(closed, 1) * 1000:.3f})  {'PASS' if per_order <= COST_BAR else 'FAIL'}")
        if not keep:
            common.drop_database(url)
    return ok


# -- 2. outbox drain vs a bare loop with the same HTTP client ----------------------------------------------

def _bare_loop(envelopes, url: str) -> float:
    import requests

    from shopcs.notify.channels import SIGNATURE_HEADER, sign, webhook_body

    session = requests.Session()
    started = time.perf_counter()
    for envelope in envelopes:
        raw = webhook_body(envelope)
        headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(raw, common.WEBHOOK_SECRET),
                   "Idempotency-Key": str(envelope.id)}
        with session.post(url, data=raw, headers=headers, timeout=5.0, allow_redirects=False) as response:
            if not 200 <= response.status_code < 300:
                raise SystemExit(f"bare loop: HTTP {response.status_code}")
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def _drain_all(count: int) -> float:
    from shopcs.followup.jobs import drain_outbox

    started = time.perf_counter()
    report = drain_outbox(NOW, limit=count, worker="bench")
    elapsed = time.perf_counter() - started
    if report.sent != count:
        raise SystemExit(f"drain sent {report}, expected {count}")
    return elapsed


def bench_drain(backends, count: int, rounds: int, keep: bool) -> bool:
    from shopcs.extensions import db
    from shopcs.notify.channels import Envelope
    from shopcs.notify.models import OutboxMessage

    print(f"== outbox drain to a local webhook receiver: {count:,} messages, {rounds} rounds each, interleaved")
    ok = True
    with common.Receiver() as receiver:
        for backend in backends:
            url = common.url_for(backend, "drain")
            common.fill(url, 1000)
            app = common.make_app(url, webhook_url=receiver.url, channel="webhook")
            bare, drained = [], []
            with app.app_context():
                common.add_webhook_messages(count, NOW)
                envelopes = [Envelope(id=m.id, kind=m.kind, channel=m.channel, body=m.body, scheduled_for=m.scheduled_for)
                             for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
                db.session.remove()
                for _ in range(rounds):
                    bare.append(_bare_loop(envelopes, receiver.url))
                    drained.append(_drain_all(count))
                    db.session.execute(update(OutboxMessage).values(status="pending", sent_at=None, attempts=0))
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
            bare_rate, drain_rate = count / common.median(bare), count / common.median(drained)
            ratio = drain_rate / bare_rate
            ok &= ratio >= 0.5
            print(f"  {backend:<10} bare loop {bare_rate:7.0f} msg/s   drain {drain_rate:7.0f} msg/s   "
                  f"drain / bare {ratio:.2f}  {'PASS' if ratio >= 0.5 else 'FAIL'} (bar 0.50)")
            if not keep:
                common.drop_database(url)
    return ok


# -- 3. lateness over a simulated hour ---------------------------------------------------------------------

SWEEP_EVERY, DRAIN_EVERY = 60, 15


def _simulate(count: int) -> tuple[list[float], dict]:
    """The scheduler's loop on a virtual clock that advances by each job's real duration (no compression of
    the work): sweep every 60 s, drain every 15 s (limit 100, as the scheduler calls it), missed runs coalesced."""
    from shopcs.extensions import db
    from shopcs.followup.jobs import drain_outbox, sweep_unpaid
    from shopcs.notify.models import OutboxMessage
    from shopcs.orders.models import Order

    clock, end = NOW, NOW + timedelta(hours=1, minutes=3)
    plan = {"sweep": [NOW, timedelta(seconds=SWEEP_EVERY)], "drain": [NOW, timedelta(seconds=DRAIN_EVERY)]}
    finished_at, busy = {}, {"sweep": 0.0, "drain": 0.0}
    while clock < end:
        name = min(plan, key=lambda n: (plan[n][0], n != "sweep"))  # a tie: the sweep first (it is added first)
        clock = max(clock, plan[name][0])
        started = time.perf_counter()
        if name == "sweep":
            sweep_unpaid(clock)
        else:
            drain_outbox(clock, worker="bench")
        spent = time.perf_counter() - started
        busy[name] += spent
        if name == "drain":
            finished_at[clock] = clock + timedelta(seconds=spent)  # sent_at is the drain's `now`; count the whole run
        db.session.remove()
        clock += timedelta(seconds=spent)
        due_next, every = plan[name][0] + plan[name][1], plan[name][1]
        while due_next + every <= clock:  # coalesce runs missed while busy
            due_next += every
        plan[name][0] = due_next
    rows = db.session.execute(select(Order.placed_at, OutboxMessage.sent_at).join(Order, Order.id == OutboxMessage.order_id)
                              .where(OutboxMessage.status == "sent")).all()
    lateness = [(finished_at[sent] - (placed + timedelta(minutes=30))).total_seconds() for placed, sent in rows]
    status = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return lateness, {"status": status, "busy": busy}


def bench_lateness(backends, count: int, keep: bool) -> bool:
    print(f"== lateness: {count:,} first reminders falling due over one hour; sweep every {SWEEP_EVERY} s, "
          f"drain every {DRAIN_EVERY} s (virtual clock, jobs cost real time)")
    ok = True
    bar = SWEEP_EVERY + 5
    with common.Receiver() as receiver:
        for backend in backends:
            url = common.url_for(backend, "lateness")
            common.fill(url, 1000)
            app = common.make_app(url, webhook_url=receiver.url, channel="webhook")
            with app.app_context():
                placed = [NOW - timedelta(minutes=30) + timedelta(seconds=3600 * i / count) for i in range(count)]
                common.add_unpaid_orders(placed, "BENCH-LATE")
                lateness, info = _simulate(count)
                from shopcs.extensions import db
                db.session.remove()
                db.engine.dispose()
            p50, p99 = common.percentile(lateness, 50), common.percentile(lateness, 99)
            complete = len(lateness) == count
            ok &= complete and p99 <= bar
            print(f"  {backend:<10} sent {len(lateness):,}/{count:,} {info['status']}; "
                  f"busy: sweeps {info['busy']['sweep']:.1f} s, drains {info['busy']['drain']:.1f} s")
            print(f"  {backend:<10} sent - due: p50 {p50:5.1f} s  p99 {p99:5.1f} s  max {max(lateness):5.1f} s  "
                  f"{'PASS' if complete and p99 <= bar else 'FAIL'} (bar p99 <= {bar} s)")
            if not keep:
                common.drop_database(url)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.followup_bench", description=__doc__.splitlines()[0])
    parser.add_argument("benches", nargs="+", choices=("sweep", "cost", "drain", "lateness"))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--cost-size", type=int, default=1_000_000, help="orders in the cost bench's database")
    parser.add_argument("--cost-due", default="10000,100000", help="due orders in the cost bench, comma-separated")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    args = parser.parse_args(argv)
    backends = args.backends.split(",")
    ok = True
    if "sweep" in args.benches:
        ok &= bench_sweep(backends, [int(s) for s in args.sizes.split(",")], args.due, args.runs, args.keep)
    if "cost" in args.benches:
        ok &= bench_cost(backends, args.cost_size, [int(d) for d in args.cost_due.split(",")], args.runs, args.keep)
    if "drain" in args.benches:
        ok &= bench_drain(backends, args.messages, args.rounds, args.keep)
    if "lateness" in args.benches:
        ok &= bench_lateness(backends, args.reminders, args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
