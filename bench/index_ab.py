"""Did an index change slow the order queue or the follow-ups? The same databases, before and after, alternating.

    .venv/bin/python -m bench.index_ab --phases before,after,before,after            # --change previous_payment
    .venv/bin/python -m bench.index_ab --change refund_rate

Copies the reports bench databases (1,000,000 orders; SQLite file and PostgreSQL database from `bench.generate`, see
bench/reports_bench.py), so the originals keep their indexes. Then for each phase it puts the indexes in that phase's
state (`CHANGES`: the refund-rate report's migration 7c4e1f9a2b3d, the operator reports' 4d8a2c6e1f70, the previous
payment's e5b7c9d1a3f2; add one for another change), refreshes the planner's statistics, and runs on the copy
- the order-queue bench (bench/queue_bench.py: real page and raw-SQL baseline under gunicorn, same load);
- the follow-up sweep (`sweep_unpaid`, the same 100 orders due; its `now` 25 hours after the newest generated order,
  like the follow-up bench's own databases), keeping the outbox's history (the reminders `bench.add_followups`
  wrote): only the sweep's own rows are deleted between runs;
- with --drain, the outbox drain (`shopcs.notify.sender.drain` of `--drain-messages` webhook messages to a local
  receiver, then put back to pending): the writes that mark messages sent maintain the outbox's indexes.
Phases alternate so that the machine's other work falls on both. Prints each phase's figures and, per backend, the
median of the "after" phases over the median of the "before" ones, and the plans that changed.
"""
import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from . import followup_common, queue_bench, servers

CHANGES = {  # change -> phase -> dialect -> statements that put the indexes in that state (idempotent)
    "refund_rate": {  # migration 7c4e1f9a2b3d
        "before": lambda dialect: (
            "DROP INDEX IF EXISTS ix_orders_paid_at", "DROP INDEX IF EXISTS ix_refunds_status_completed",
            "CREATE INDEX IF NOT EXISTS ix_refunds_status ON refunds (status)"),
        "after": lambda dialect: (
            "CREATE INDEX IF NOT EXISTS ix_orders_paid_at ON orders (paid_at, total)",
            "CREATE INDEX IF NOT EXISTS ix_refunds_status_completed ON refunds (status, completed_at, order_id, amount)",
            "DROP INDEX IF EXISTS ix_refunds_status"),
    },
    "operator_reports": {  # migration 4d8a2c6e1f70 (dropped and made again each phase: an index's columns changed)
        "before": lambda dialect: (
            "DROP INDEX IF EXISTS ix_orders_placed_at",
            "DROP INDEX IF EXISTS ix_orders_paid_at", "CREATE INDEX ix_orders_paid_at ON orders (paid_at, total)",
            "DROP INDEX IF EXISTS ix_outbox_order_kind",
            "CREATE INDEX ix_outbox_order_kind ON outbox_messages (order_id, kind)",
            "DROP INDEX IF EXISTS ix_buyer_concerns_created",
            "CREATE INDEX IF NOT EXISTS ix_buyer_concerns_category ON buyer_concerns (category)"),
        "after": lambda dialect: (
            "CREATE INDEX IF NOT EXISTS ix_orders_placed_at ON orders (placed_at, paid_at, total)"
            + (" INCLUDE (id)" if dialect == "postgresql" else ""),
            "DROP INDEX IF EXISTS ix_orders_paid_at", "CREATE INDEX ix_orders_paid_at ON orders (paid_at, total, customer_id)",
            "DROP INDEX IF EXISTS ix_outbox_order_kind",
            "CREATE INDEX ix_outbox_order_kind ON outbox_messages (order_id, kind, status, sent_at, id)",
            "CREATE INDEX IF NOT EXISTS ix_buyer_concerns_created ON buyer_concerns (created_at, category, order_id)",
            "DROP INDEX IF EXISTS ix_buyer_concerns_category"),
    },
    "previous_payment": {  # migration e5b7c9d1a3f2 (the column stays: the app's writes fill it)
        "before": lambda dialect: (
            "DROP INDEX IF EXISTS ix_orders_paid_at", "CREATE INDEX ix_orders_paid_at ON orders (paid_at, total, customer_id)",
            "DROP INDEX IF EXISTS ix_orders_customer", "CREATE INDEX ix_orders_customer ON orders (customer_id, paid_at)",
            "DROP INDEX IF EXISTS ix_outbox_kind_created"),
        "after": lambda dialect: (
            "DROP INDEX IF EXISTS ix_orders_paid_at",
            "CREATE INDEX ix_orders_paid_at ON orders (paid_at, total, customer_id, previous_paid_at)",
            "DROP INDEX IF EXISTS ix_orders_customer",
            "CREATE INDEX ix_orders_customer ON orders (customer_id, paid_at, previous_paid_at)",
            "CREATE INDEX IF NOT EXISTS ix_outbox_kind_created ON outbox_messages (kind, created_at, id)"),
    },
}
ANALYZED = ("orders", "refunds", "outbox_messages", "buyer_concerns")
DUE = 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.index_ab", description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-url", default="sqlite:////tmp/shopcs-bench/reports-1m.sqlite3")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/shopcs_bench_reports_1m")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--change", default="previous_payment", choices=sorted(CHANGES))
    parser.add_argument("--phases", default="before,after,before,after")
    parser.add_argument("--drain", action="store_true", help="also time the outbox drain")
    parser.add_argument("--drain-messages", type=int, default=1000)
    parser.add_argument("--workdir", default="/tmp/shopcs-bench-index-ab")
    parser.add_argument("--rounds", type=int, default=3, help="queue bench rounds per phase")
    parser.add_argument("--runs", type=int, default=7, help="sweep runs per phase")
    parser.add_argument("--keep", action="store_true", help="keep the copies")
    return parser.parse_args(argv)


def copy_database(url: str, workdir: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = os.path.join(workdir, "index-ab.sqlite3")
        with sqlite3.connect(parsed.database) as source:
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file before copying it
        shutil.copyfile(parsed.database, target)
        return "sqlite:///" + target
    name = parsed.database + "_index_ab"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def set_phase(url: str, change: str, phase: str) -> None:
    engine = create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in CHANGES[change][phase](engine.dialect.name):
            conn.execute(text(statement))
        for table in ANALYZED:
            conn.execute(text(f"ANALYZE {table}"))
    engine.dispose()


def add_due_orders(url: str) -> datetime:
    """The sweep's `now` (25 h after the newest order: no generated order is due) and DUE orders due at it."""
    from . import followup_common as common

    engine = create_engine(url)
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT max(placed_at) FROM orders")).scalar()
        already = conn.execute(text("SELECT count(*) FROM orders WHERE order_no LIKE 'AB-DUE-%'")).scalar()
    engine.dispose()
    newest = datetime.fromisoformat(newest) if isinstance(newest, str) else newest
    now = (newest.replace(tzinfo=UTC) + timedelta(hours=25, minutes=1)).replace(second=0, microsecond=0)
    if not already:
        with common.make_app(url).app_context():
            common.add_unpaid_orders([now - timedelta(minutes=31, seconds=10 * i) for i in range(DUE)], "AB-DUE")
            from shopcs.extensions import db

            db.session.remove()
            db.engine.dispose()
    return now


def queue_figures(backend: str, url: str, args) -> dict[str, float]:
    """queue_bench on `url` (its fill() would make its own database): median ms per page and app."""
    queue_bench.fill = lambda *_: url
    options = queue_bench.parse_args(["--backends", backend, "--sizes", "1000000", "--rounds", str(args.rounds),
                                      "--workdir", args.workdir, "--keep"])
    options.sizes = [1_000_000]
    results = queue_bench.run_backend(backend, options, [])
    return {name.split("|", 1)[1]: queue_bench.median_ms(values) for name, values in results.items()}


def sweep_figure(url: str, now: datetime, runs: int) -> float:
    """Median ms of `sweep_unpaid(now)` (after a warm-up run), the outbox's history kept: before each run only the
    rows the sweep wrote are deleted, so the same DUE orders are due every time."""
    import time

    from sqlalchemy import delete, func, select

    from shopcs.extensions import db
    from shopcs.followup.jobs import sweep_unpaid
    from shopcs.notify.models import OutboxMessage

    from . import followup_common as common

    timings = []
    with common.make_app(url).app_context():
        history = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        for run in range(runs + 1):
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > history))
            db.session.commit()
            started = time.perf_counter()
            counts = sweep_unpaid(now)
            elapsed = time.perf_counter() - started
            if counts["queued"] != DUE:
                raise SystemExit(f"sweep on {url} queued {counts}, expected {DUE}")
            if run:
                timings.append(elapsed)
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > history))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return statistics.median(timings) * 1000


def drain_figure(url: str, now: datetime, count: int, runs: int, receiver_url: str) -> float:
    """Median ms of draining `count` webhook messages (marked sent one by one), put back to pending after each run."""
    import time

    from sqlalchemy import delete, update

    from shopcs.extensions import db
    from shopcs.followup.jobs import drain_outbox
    from shopcs.notify.models import OutboxMessage

    from . import followup_common as common

    timings = []
    with common.make_app(url, webhook_url=receiver_url, channel="webhook").app_context():
        common.add_webhook_messages(count, now)
        mine = OutboxMessage.dedupe_key.like("bench:%")
        for run in range(runs + 1):
            started = time.perf_counter()
            report = drain_outbox(now, limit=count, worker="bench")
            elapsed = time.perf_counter() - started
            if report.sent != count:
                raise SystemExit(f"drain sent {report}, expected {count}")
            if run:
                timings.append(elapsed)
            db.session.execute(update(OutboxMessage).where(mine).values(status="pending", sent_at=None, attempts=0))
            db.session.commit()
        db.session.execute(delete(OutboxMessage).where(mine))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return statistics.median(timings) * 1000


def plan_shapes(url: str, now: datetime) -> dict[str, str]:
    """EXPLAIN of every SELECT the queue pages (first page, search by phone) and one sweep send, costs left out:
    an index change can only slow these reads by changing their plans."""
    import re

    from sqlalchemy import delete, func, select

    from shopcs.extensions import db
    from shopcs.followup.jobs import sweep_unpaid
    from shopcs.notify.models import OutboxMessage

    from .profile_queue import clients
    from .reports_bench import StatementLog, explain

    app, real, _baseline, phone = clients(url)
    shapes = {}
    with app.app_context():
        log = StatementLog(db.engine)
        log.recording = True
        for path in ("/", f"/?q={phone}"):
            real.get(path)
        history = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        sweep_unpaid(now)
        log.recording = False
        db.session.rollback()
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > history))
        db.session.commit()
        with db.engine.connect() as conn:
            for statement, parameters in log.statements:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")) or " users" in statement:
                    continue
                plan = explain(conn, conn.dialect.name, statement, parameters)
                shapes[" ".join(statement.split())] = "\n".join(re.sub(r"\s*\(cost=[^)]*\)", "", line) for line in plan)
                conn.rollback()
        db.session.remove()
        db.engine.dispose()
    return shapes


def main(argv=None) -> int:
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    with contextlib.ExitStack() as stack:
        receiver = stack.enter_context(followup_common.Receiver()) if args.drain else None
        summary = run(args, receiver.url if receiver else "")
    print("\n== after / before (medians over the phases)")
    for backend, name, before, after in summary:
        print(f"  {backend:<11}{name:<32}{before:8.1f} ms -> {after:8.1f} ms   {after / before:5.2f}")
    return 0


def run(args, receiver_url: str) -> list[tuple]:
    phases = args.phases.split(",")
    summary = []
    for backend in args.backends.split(","):
        source = args.sqlite_url if backend == "sqlite" else args.pg_url
        url = copy_database(source, args.workdir)
        now = add_due_orders(url)
        print(f"\n== {backend}: copy of {make_url(source).database}, sweep at {now:%Y-%m-%d %H:%M} UTC")
        figures: dict[str, list[dict]] = {phase: [] for phase in phases}
        plans = {}
        for phase in phases:
            set_phase(url, args.change, phase)
            plans.setdefault(phase, plan_shapes(url, now))
            row = queue_figures(backend, url, args)
            row["sweep_unpaid"] = sweep_figure(url, now, args.runs)
            if args.drain:
                row[f"drain {args.drain_messages}"] = drain_figure(url, now, args.drain_messages, 3, receiver_url)
            figures[phase].append(row)
            print(f"  {phase:<7}" + "  ".join(f"{name} {ms:7.1f} ms" for name, ms in row.items()), flush=True)
        if {"before", "after"} <= set(phases):
            changed = [sql for sql in plans["after"] if plans["before"].get(sql) != plans["after"][sql]]
            print(f"  plans of the {len(plans['after'])} SELECT statements of the queue pages and the sweep: "
                  f"{len(plans['after']) - len(changed)} the same before and after")
            for sql in changed:
                print(f"  CHANGED: {sql[:200]}\n    before:\n      " + plans["before"].get(sql, "(not sent)").replace("\n", "\n      ")
                      + "\n    after:\n      " + plans["after"][sql].replace("\n", "\n      "))
            for name in figures["after"][0]:
                before = statistics.median(row[name] for row in figures["before"])
                after = statistics.median(row[name] for row in figures["after"])
                summary.append((backend, name, before, after))
        set_phase(url, args.change, "after")
        if not args.keep:
            if backend == "sqlite":
                os.remove(make_url(url).database)
            else:
                servers.drop_pg_database(url, make_url(url).set(database="postgres").render_as_string(hide_password=False))
    return summary


if __name__ == "__main__":
    sys.exit(main())
