"""The order queue's first page as the open work grows: about 1,000 open orders against about 100,000.

    .venv/bin/python -m bench.queue_counts_bench                         # SQLite and PostgreSQL, 1k and 100k open
    .venv/bin/python -m bench.queue_counts_bench --backends sqlite --reuse --keep --rounds 4

Each size is a festival week (`--days 7`) of a shop taking more or fewer orders a day, so the open work (orders
unpaid, paid and not shipped, or with a refund to decide) is about a third of the table. For each backend and size
it fills a database (bench/generate.py; PostgreSQL then VACUUM ANALYZE, as autovacuum would), counts the open
orders, starts gunicorn for the real app and for bench/baseline_app.py, and drives the first page (`/`) of both
from bench/load.py in shuffled, interleaved rounds. The check: the real page's median at the larger size over
its median at the smaller one, at most `--limit` (1.5). Exit status 1 when it is above. The baseline's own
ratio is printed beside it (the raw-SQL floor: when both grow, a statement grows with the open work).
"""
import argparse
import os
import re
import statistics
import sys
import tempfile

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from . import servers
from .generate import generate
from .load import login
from .queue_bench import drive, sql_parity

OPEN_SHARE = 1 / 3  # open orders per order in a 7-day history (bench/story.py): 1,020 of 3,000, 99,695 of 300,000
OPEN_ORDERS = text("SELECT count(*) FROM orders WHERE status IN ('unpaid', 'paid') "
                   "OR id IN (SELECT order_id FROM refunds WHERE status = 'requested')")
TAB_COUNT = re.compile(r'data-test="queue-tab-(\w+)" data-count="([^"]+)"')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.queue_counts_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--open", default="1000,100000", help="open orders wanted per database, comma separated")
    parser.add_argument("--days", type=float, default=7, help="the history of every size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--concurrency", type=int, default=2, help="load threads")
    parser.add_argument("--requests", type=int, default=100, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--limit", type=float, default=1.5, help="largest / smallest size's median, at most")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "shopcs-bench"))
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep a bench database that already has the right size")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL bench databases at the end")
    return parser.parse_args(argv)


def database_url(backend: str, open_orders: int, args) -> str:
    if backend == "sqlite":
        return "sqlite:///" + os.path.join(args.workdir, f"bench-open-{open_orders}.sqlite3")
    return make_url(args.pg_admin_url).set(database=f"shopcs_bench_open_{open_orders}").render_as_string(hide_password=False)


def fill(backend: str, open_orders: int, args) -> str:
    url, orders = database_url(backend, open_orders, args), round(open_orders / OPEN_SHARE)
    if args.reuse and servers.order_count(url) == orders:
        print(f"[{backend}] reusing {orders:,} orders")
        return url
    if backend == "postgresql":
        servers.create_pg_database(url, args.pg_admin_url)
    elif os.path.exists(url.removeprefix("sqlite:///")):
        os.remove(url.removeprefix("sqlite:///"))
    print(f"[{backend}] generating {orders:,} orders over {args.days:g} days ...")
    generate(url, orders, args.seed, days=args.days, replace=True, log=lambda line: print(f"[{backend}]   {line}"))
    if backend == "postgresql":  # the visibility map index-only scans rely on, as autovacuum keeps it
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()
    return url


def open_orders_in(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(OPEN_ORDERS).scalar_one()
    finally:
        engine.dispose()


def tab_counts(base: str) -> str:
    """The tabs as the real page shows them (999+ past the cap)."""
    with requests.Session() as session:
        login(session, base, servers.BENCH_USER, servers.BENCH_PASSWORD)
        html = session.get(base + "/", timeout=60).text
    return ", ".join(f"{tab} {count}" for tab, count in TAB_COUNT.findall(html))


def run_backend(backend: str, args) -> tuple[dict[str, list[float]], dict[int, int]]:
    key, started, targets, found = servers.new_secret_key(), [], [], {}
    try:
        for size in args.open:
            url = fill(backend, size, args)
            servers.prepare(url, key)
            found[size] = open_orders_in(url)
            same = sql_parity(url, ["/"])
            log = os.path.join(args.workdir, f"gunicorn-open-{backend}-{size}.log")
            real = servers.Server(servers.REAL_APP, url, key, args.workers, log)
            baseline = servers.Server(servers.BASELINE_APP, url, key, args.workers, log)
            started += [real, baseline]
            for server in (real, baseline):
                server.wait_ready()
            print(f"[{backend}] {found[size]:,} open orders; tabs: {tab_counts(real.base)}; baseline SQL "
                  + ("the same as the real page's" if same else "DIFFERENT (its figures are no floor; see profile_queue --sql)"))
            targets.append({"name": f"{size}|real", "base": real.base, "path": "/",
                            "login": [servers.BENCH_USER, servers.BENCH_PASSWORD]})
            targets.append({"name": f"{size}|baseline", "base": baseline.base, "path": "/", "login": None})
        print(f"[{backend}] load: {args.rounds} rounds x {args.requests} requests per page, {args.concurrency} threads")
        return drive(targets, args), found
    finally:
        for server in started:
            server.stop()
        if backend == "postgresql" and not args.keep:
            for size in args.open:
                servers.drop_pg_database(database_url(backend, size, args), args.pg_admin_url)


def report(backend: str, results: dict[str, list[float]], found: dict[int, int], args) -> bool:
    def median(name: str) -> float:
        return statistics.median(results[name]) * 1000

    print(f"\n== {backend}: the first page ==")
    print(f"{'open orders':>12}  {'app':<10}{'n':>6}{'median ms':>11}{'p90 ms':>9}")
    for size in args.open:
        for app in ("real", "baseline"):
            values = results[f"{size}|{app}"]
            p90 = statistics.quantiles(values, n=10)[8] * 1000
            print(f"{found[size]:>12,}  {app:<10}{len(values):>6}{median(f'{size}|{app}'):>11.2f}{p90:>9.2f}")
    small, large = min(args.open), max(args.open)
    ratio = median(f"{large}|real") / median(f"{small}|real")
    floor = median(f"{large}|baseline") / median(f"{small}|baseline")
    passed = ratio <= args.limit
    print(f"real at {found[large]:,} open / at {found[small]:,} open (median; pass if <= {args.limit}): "
          f"{ratio:.2f}  {'PASS' if passed else 'FAIL'}   (baseline: {floor:.2f})")
    for size in args.open:
        print(f"  real / baseline at {found[size]:,} open: {median(f'{size}|real') / median(f'{size}|baseline'):.2f}")
    return passed


def main(argv=None) -> int:
    args = parse_args(argv)
    args.open = sorted(int(n) for n in args.open.split(","))
    os.makedirs(args.workdir, exist_ok=True)
    verdicts = []
    for backend in args.backends.split(","):
        results, found = run_backend(backend, args)
        verdicts.append(report(backend, results, found, args))
    print(f"\n{sum(verdicts)} of {len(verdicts)} checks pass")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
