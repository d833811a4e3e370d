"""What keeping orders.previous_paid_at costs an order write: the order service with the flush hook on and off.

    .venv/bin/python -m bench.ingest_bench                        # SQLite and PostgreSQL, 400 orders a side
    .venv/bin/python -m bench.ingest_bench --backends sqlite --orders 1000

For each backend, a fresh database (SQLite file in BENCH_WORKDIR, PostgreSQL `shopcs_bench_ingest`) with the app's
schema, then rounds that each write `--orders` new paid orders through `shopcs.orders.ingest.ingest_order` (as
`PUT /api/v1/orders/<no>` does: validation, customer upsert, audit, commit), spread over a few hundred customers
so that each customer already has orders to recompute — once with the hook (shopcs/orders/previous_payment.py)
listening, once with it removed, in alternating order. Prints the median per order of each side and the ratio
hook on ÷ hook off (the median of the rounds' ratios). The hook's figures are checked exact at the end.
"""
import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from . import followup_common

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--orders", type=int, default=400, help="orders written per side per round")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args(argv)


def fresh_database(backend: str) -> str:
    url = followup_common.url_for(backend, "ingest")
    if backend == "sqlite":
        import os

        if os.path.exists(url.removeprefix("sqlite:///")):
            os.remove(url.removeprefix("sqlite:///"))
    else:
        admin = create_engine(followup_common.pg_admin(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS shopcs_bench_ingest WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE shopcs_bench_ingest"))
        admin.dispose()
    return url


def order_input(number: int, customers: int):
    from shopcs.orders.schemas import validate_order

    placed = NOW - timedelta(days=400) + timedelta(minutes=7 * number)
    return validate_order(f"B{number:08d}", {
        "status": "paid", "placed_at": placed.isoformat(), "paid_at": (placed + timedelta(minutes=3)).isoformat(),
        "customer": {"external_id": f"buyer-{number % customers}", "name": "王小明", "phone": "13812345678"},
        "shipping_address": {"recipient": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                             "district": "西湖区", "detail": "文三路 100 号"},
        "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 1, "unit_price": "100.00"}], "total": "100.00"})


def write_orders(start: int, count: int, customers: int) -> float:
    from shopcs.actor import Actor
    from shopcs.orders.ingest import ingest_order

    actor, inputs = Actor.system("bench"), [order_input(n, customers) for n in range(start, start + count)]
    began = time.perf_counter()
    for data in inputs:
        ingest_order(data, actor, NOW, "Asia/Shanghai")
    return (time.perf_counter() - began) / count * 1000


def check_exact() -> bool:
    from shopcs.extensions import db
    from shopcs.orders.models import Order

    rows = db.session.execute(select(Order.id, Order.customer_id, Order.paid_at, Order.previous_paid_at)).all()
    by_customer: dict[int, list] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    for orders in by_customer.values():
        orders.sort(key=lambda row: (row.paid_at, row.id))
        expected = [None] + [row.paid_at for row in orders[:-1]]
        if [row.previous_paid_at for row in orders] != expected:
            return False
    return True


def bench(backend: str, args) -> bool:
    from flask_migrate import upgrade

    from shopcs import create_app
    from shopcs.extensions import db
    from shopcs.orders import previous_payment

    url = fresh_database(backend)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench-" + "x" * 40})
    hooks = (("before_flush", previous_payment._remember_touched_orders),
             ("after_flush_postexec", previous_payment._refresh_touched_customers))
    on, off, ratios, written = [], [], [], 0
    with app.app_context():
        upgrade()
        written += args.orders
        write_orders(0, args.orders, args.customers)  # warm-up: every customer has orders before the rounds
        for round_number in range(args.rounds):
            times = {}
            for side in (("on", "off") if round_number % 2 == 0 else ("off", "on")):
                if side == "off":
                    for name, hook in hooks:
                        event.remove(Session, name, hook)
                times[side] = write_orders(written, args.orders, args.customers)
                written += args.orders
                if side == "off":
                    for name, hook in hooks:
                        event.listen(Session, name, hook)
                    from shopcs.orders.previous_payment import refresh_all

                    refresh_all(db.session.connection())  # the orders written without the hook get theirs
                    db.session.commit()
            on.append(times["on"])
            off.append(times["off"])
            ratios.append(times["on"] / times["off"])
        exact = check_exact()
        total = db.session.scalar(select(func.count()).select_from(previous_payment.Order))
        db.session.remove()
        db.engine.dispose()
    print(f"{backend:10s} {total:,} orders, {args.customers} customers: hook on {statistics.median(on):.2f} ms/order, "
          f"off {statistics.median(off):.2f} ms/order, ratio {statistics.median(ratios):.2f}; "
          f"previous payments {'exact' if exact else 'WRONG'}")
    return exact


def main(argv=None) -> int:
    args = parse_args(argv)
    results = [bench(backend, args) for backend in args.backends.split(",")]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
