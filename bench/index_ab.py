"""Did an index change slow the order queue or the follow-up sweep? The same databases, before and after, alternating.

    .venv/bin/python -m bench.index_ab --phases before,after,before,after

Copies the reports bench databases (1,000,000 orders; SQLite file and PostgreSQL database from `bench.generate`, see
bench/reports_bench.py), so the originals keep their indexes. Then for each phase it puts the indexes in that phase's
state (`CHANGES`: the refund-rate report's migration 7c4e1f9a2b3d; edit it for another change), refreshes the
planner's statistics, and runs
- the order-queue bench (bench/queue_bench.py: real page and raw-SQL baseline under gunicorn, same load) on the copy;
- the follow-up sweep (bench/followup_bench.py's `sweep_unpaid` timing, the same 100 orders due) on the copy, its
  `now` 25 hours after the newest generated order, like the follow-up bench's own databases.
Phases alternate so that the machine's other work falls on both. Prints each phase's figures and, per backend, the
median of the "after" phases over the median of the "before" ones.
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from . import followup_bench, queue_bench, servers

CHANGES = {  # phase -> statements that put the indexes in that state (idempotent)
    "before": ("DROP INDEX IF EXISTS ix_orders_paid_at", "DROP INDEX IF EXISTS ix_refunds_status_completed",
               "CREATE INDEX IF NOT EXISTS ix_refunds_status ON refunds (status)"),
    "after": ("CREATE INDEX IF NOT EXISTS ix_orders_paid_at ON orders (paid_at, total)",
              "CREATE INDEX IF NOT EXISTS ix_refunds_status_completed ON refunds (status, completed_at, order_id, amount)",
              "DROP INDEX IF EXISTS ix_refunds_status"),
}
DUE = 100


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.index_ab", description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-url", default="sqlite:////tmp/shopcs-bench/reports-1m.sqlite3")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/shopcs_bench_reports_1m")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--phases", default="before,after,before,after")
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


def set_phase(url: str, phase: str) -> None:
    engine = create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in CHANGES[phase]:
            conn.execute(text(statement))
        for table in ("orders", "refunds"):
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
    followup_bench.NOW = now  # _time_sweeps sweeps at followup_bench.NOW
    return statistics.median(followup_bench._time_sweeps(url, DUE, runs)) * 1000


def plan_shapes(url: str, now: datetime) -> dict[str, str]:
    """EXPLAIN of every SELECT the queue pages (first page, search by phone) and one sweep send, costs left out:
    an index change can only slow these reads by changing their plans."""
    import re

    from shopcs.extensions import db
    from shopcs.followup.unpaid import sweep_unpaid
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
        sweep_unpaid(now)
        log.recording = False
        db.session.rollback()
        db.session.execute(OutboxMessage.__table__.delete())
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
            set_phase(url, phase)
            plans.setdefault(phase, plan_shapes(url, now))
            row = queue_figures(backend, url, args)
            row["sweep_unpaid"] = sweep_figure(url, now, args.runs)
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
        set_phase(url, "after")
        if not args.keep:
            if backend == "sqlite":
                os.remove(make_url(url).database)
            else:
                servers.drop_pg_database(url, make_url(url).set(database="postgres").render_as_string(hide_password=False))
    print("\n== after / before (medians over the phases)")
    for backend, name, before, after in summary:
        print(f"  {backend:<11}{name:<32}{before:8.1f} ms -> {after:8.1f} ms   {after / before:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
