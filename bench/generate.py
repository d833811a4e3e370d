"""Fill a bench database with a shop's two years of orders, fast.

    .venv/bin/python -m bench.generate --url sqlite:////tmp/bench.sqlite3 --orders 1000000 --seed 1

The schema is the app's own metadata (create_all on the bench database: benches are not the app).
Refuses to touch a database that already has orders unless --replace is given.
"""
import argparse
import sys
import time
from datetime import datetime, timezone

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from .story import Story

ORDER_TABLES = ("orders", "order_items", "shipments", "refunds", "handoff_notes")
FOLLOWUP_TABLES = ("outbox_messages", "buyer_concerns")  # with --followups (bench/story.py: followup_rows)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the bench database")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: orders / 5")
    parser.add_argument("--skus", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=730, help="length of the history ending now (default 2 years)")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--now", default=None, help="end of history, ISO 8601 with offset (default: now)")
    parser.add_argument("--followups", action="store_true",
                        help="also the unpaid-order reminders sent (outbox) and buyer concerns (for the reports bench)")
    parser.add_argument("--replace", action="store_true", help="drop the app's tables first")
    parser.add_argument("--create-database", action="store_true",
                        help="PostgreSQL: drop and create the database named in --url first (via the 'postgres' database)")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false", help="skip ANALYZE at the end")
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def _metadata():
    import shopcs.models  # noqa: F401 - registers every table
    from shopcs.extensions import db

    return db.metadata


def _end_of_history(text_value: str | None) -> datetime:
    value = datetime.fromisoformat(text_value) if text_value else datetime.now(timezone.utc)
    if value.tzinfo is None:
        raise SystemExit("--now needs an offset, such as 2026-03-04T10:00:00+08:00")
    return value.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _prepare(engine, metadata, replace: bool) -> None:
    if inspect(engine).has_table("orders"):
        with engine.connect() as conn:
            has_orders = conn.execute(text("SELECT 1 FROM orders LIMIT 1")).first() is not None
        if has_orders and not replace:
            raise SystemExit("The database already has orders; pass --replace to drop and regenerate them.")
    metadata.drop_all(engine)


def generate(url: str, orders: int, seed: int = 1, customers: int | None = None, skus: int = 5000,
             batch: int = 10_000, now: datetime | None = None, replace: bool = False, analyze: bool = True,
             days: float = 730, log=print, followups: bool = False) -> dict[str, int]:
    """Returns rows written per table."""
    from .writers import BulkWriter

    metadata = _metadata()
    engine = create_engine(url)
    now = now or _end_of_history(None)
    story = Story(orders, customers if customers is not None else max(orders // 5, 1), now, seed, skus, days, followups)
    written = ORDER_TABLES + (FOLLOWUP_TABLES if followups else ())
    counts = {name: 0 for name in ("customers",) + written}
    started = time.perf_counter()
    _prepare(engine, metadata, replace)
    writer = BulkWriter(engine, metadata)
    writer.create_tables()
    for first in range(1, story.customers + 1, batch):
        rows = story.customer_rows(first, min(batch, story.customers - first + 1))
        writer.write("customers", rows)
        counts["customers"] += len(rows)
    writer.commit()
    log(f"customers: {counts['customers']:>9,} in {time.perf_counter() - started:6.1f} s")
    for first in range(1, orders + 1, batch):
        tables = story.order_batch(first, min(batch, orders - first + 1))
        for name in written:
            writer.write(name, tables[name])
            counts[name] += len(tables[name])
        writer.commit()
        done = first + len(tables["orders"]) - 1
        if done % (batch * 20) == 0 or done == orders:
            elapsed = time.perf_counter() - started
            log(f"orders:    {done:>9,} in {elapsed:6.1f} s ({done / elapsed:,.0f} orders/s)")
    loaded = time.perf_counter()
    writer.finish(analyze)
    log(f"indexes{' and ANALYZE' if analyze else ''}: {time.perf_counter() - loaded:6.1f} s")
    engine.dispose()
    total = time.perf_counter() - started
    log(f"done on {engine.dialect.name}: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()) + f"; total {total:.1f} s")
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.create_database and make_url(args.url).get_backend_name() == "postgresql":
        from .servers import create_pg_database

        create_pg_database(args.url, make_url(args.url).set(database="postgres").render_as_string(hide_password=False))
    generate(args.url, args.orders, args.seed, args.customers, args.skus, args.batch, _end_of_history(args.now),
             args.replace, args.analyze, args.days, log=(lambda *_: None) if args.quiet else print,
             followups=args.followups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
