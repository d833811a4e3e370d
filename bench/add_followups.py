"""Add the follow-up rows (unpaid-order reminders sent, buyer concerns) to a bench database generated without them.

    .venv/bin/python -m bench.add_followups --url sqlite:////tmp/shopcs-bench/reports-1m.sqlite3 \\
        --seed 1 --now 2026-11-26T01:00:00+00:00

The same rows `bench.generate --followups` writes for that seed and `now` (bench/story.py, `followup_rows`: each
order's rows come from its own random numbers), computed from the orders and customers already in the database;
a few minutes instead of regenerating the million orders. Refuses a database that already has reminders or
concerns. Keeps the database's journal mode (the app's WAL on SQLite); refreshes the planner's statistics (and, on
PostgreSQL, the visibility map, as `bench.generate` does).
"""
import argparse
import sys
import time
from datetime import datetime

from sqlalchemy import create_engine, text

from .generate import FOLLOWUP_TABLES, _end_of_history, _metadata
from .story import Story
from .writers import TableShape


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.add_followups", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", required=True, help="the generator's --now (end of history, ISO 8601 with offset)")
    parser.add_argument("--batch", type=int, default=20_000)
    return parser.parse_args(argv)


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def add_followups(url: str, seed: int, now: datetime, batch: int = 20_000, log=print) -> dict[str, int]:
    metadata = _metadata()
    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    story = Story(1, 1, now, seed, sku_count=1, followups=True)
    counts = dict.fromkeys(FOLLOWUP_TABLES, 0)
    started = time.perf_counter()
    with engine.connect() as conn:
        for table in FOLLOWUP_TABLES:
            if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                raise SystemExit(f"{table} already has rows: this database has its follow-ups")
        (last,) = conn.execute(text("SELECT max(id) FROM orders")).one()
    raw = engine.raw_connection()
    shapes: dict[str, TableShape] = {}
    try:
        for first in range(1, last + 1, batch):
            cursor = raw.cursor()
            mark = "?" if sqlite else "%s"
            cursor.execute("SELECT o.id, o.customer_id, o.placed_at, o.paid_at, c.opted_out FROM orders o JOIN customers c "
                           f"ON c.id = o.customer_id WHERE o.id >= {mark} AND o.id < {mark} ORDER BY o.id", (first, first + batch))
            out = {name: [] for name in FOLLOWUP_TABLES}
            for oid, customer_id, placed_at, paid_at, opted_out in cursor.fetchall():
                order = {"id": oid, "customer_id": customer_id, "placed_at": _time(placed_at),
                         "paid_at": _time(paid_at) if paid_at is not None else None}
                story.followup_rows(order, bool(opted_out), out)
            for name, rows in out.items():
                if not rows:
                    continue
                shape = shapes.get(name) or shapes.setdefault(name, TableShape(metadata.tables[name], list(rows[0]), sqlite))
                if sqlite:
                    marks = ", ".join("?" * len(shape.columns))
                    cursor.executemany(f"INSERT INTO {name} ({', '.join(shape.columns)}) VALUES ({marks})", shape.tuples(rows))
                else:
                    with cursor.copy(f"COPY {name} ({', '.join(shape.columns)}) FROM STDIN") as copy:
                        for value in shape.tuples(rows):
                            copy.write_row(value)
                counts[name] += len(rows)
            cursor.close()
            raw.commit()
            if (first // batch) % 10 == 9:
                log(f"orders up to {first + batch - 1:>9,}: " + ", ".join(f"{n} {c:,}" for n, c in counts.items())
                    + f" in {time.perf_counter() - started:6.1f} s")
        if not sqlite:
            cursor = raw.cursor()
            for name in FOLLOWUP_TABLES:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)")
            cursor.close()
            raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in FOLLOWUP_TABLES:  # PostgreSQL: VACUUM too, so that index-only scans need not visit the table
            conn.execute(text(f"{'ANALYZE' if sqlite else 'VACUUM ANALYZE'} {name}"))
    engine.dispose()
    log(f"done on {engine.dialect.name}: " + ", ".join(f"{n} {c:,}" for n, c in counts.items())
        + f"; total {time.perf_counter() - started:.1f} s")
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    add_followups(args.url, args.seed, _end_of_history(args.now), args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
