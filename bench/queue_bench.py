"""Order-queue latency under load: the real page against a raw-SQL baseline, at several table sizes.

    .venv/bin/python -m bench.queue_bench --backends sqlite,postgresql --sizes 10000,1000000

For each backend: fill one database per size (the same shop at the same order rate, so the smaller
table is a shorter history with the same work waiting in the queue), start gunicorn for the real app
and for bench/baseline_app.py on each, then drive all of them from a separate load process in
interleaved rounds. Prints median and p90 per page and the ratios the issue asks for.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import requests

from . import servers
from .generate import generate
from .load import login

REAL_LIMIT, SCALE_LIMIT = 1.5, 1.3
PAGES = (("first page", "/"), ("search by phone", "/?q={phone}"))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.queue_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,1000000", help="orders per database, comma separated")
    parser.add_argument("--days", type=float, default=730, help="history of the largest size (smaller ones: same rate)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--concurrency", type=int, default=2, help="load threads")
    parser.add_argument("--requests", type=int, default=100, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "shopcs-bench"))
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep a bench database that already has the right size")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL bench databases at the end")
    parser.add_argument("--json", help="also write every latency figure to this file")
    return parser.parse_args(argv)


def fill(backend: str, size: int, args) -> str:
    url = servers.database_url(backend, size, args.workdir, args.pg_admin_url)
    if args.reuse and servers.order_count(url) == size:
        print(f"[{backend}] reusing {size:,} orders")
        return url
    if backend == "postgresql":
        servers.create_pg_database(url, args.pg_admin_url)
    elif os.path.exists(url.removeprefix("sqlite:///")):
        os.remove(url.removeprefix("sqlite:///"))
    days = args.days * size / max(args.sizes)
    print(f"[{backend}] generating {size:,} orders over {days:.1f} days ...")
    generate(url, size, args.seed, days=days, replace=True, log=lambda line: print(f"[{backend}]   {line}"))
    return url


def order_links(html: str) -> list[str]:
    return re.findall(r'href="/orders/([^"/?#]+)"', html)


def check_parity(real: str, baseline: str, path: str) -> tuple[bool, str]:
    """The two pages must show the same orders, or the comparison is not fair."""
    with requests.Session() as session:
        login(session, real, servers.BENCH_USER, servers.BENCH_PASSWORD)
        real_orders = list(dict.fromkeys(order_links(session.get(real + path, timeout=60).text)))
    base_orders = order_links(requests.get(baseline + path, timeout=60).text)
    if real_orders == base_orders:
        return True, f"both pages show the same {len(base_orders)} orders"
    return False, f"DIFFERENT orders (FAIL): real shows {len(real_orders)}, baseline {len(base_orders)}"


def sql_parity(url: str, paths: list[str]) -> bool:
    """The baseline must send the statements the real page sends, or the ratio means nothing."""
    from .profile_queue import clients, compare_sql

    app, real, baseline, _phone = clients(url)
    same = [compare_sql(app, real, baseline, path, quiet=True) for path in paths]
    with app.app_context():
        from shopcs.extensions import db

        db.engine.dispose()
    return all(same)


def run_backend(backend: str, args, parity: list[bool]) -> dict[str, list[float]]:
    key, started = servers.new_secret_key(), []
    targets = []
    try:
        for size in args.sizes:
            url = fill(backend, size, args)
            phone = servers.prepare(url, key)
            fair = sql_parity(url, [p.format(phone=phone) for _, p in PAGES])
            parity.append(fair)
            print(f"[{backend}] {size:,} SQL: " + ("the baseline sends the same statements as the real page" if fair else
                  "DIFFERENT statements (FAIL): run python -m bench.profile_queue --sql, update baseline_app.py"))
            log = os.path.join(args.workdir, f"gunicorn-{backend}-{size}.log")
            real = servers.Server(servers.REAL_APP, url, key, args.workers, log)
            baseline = servers.Server(servers.BASELINE_APP, url, key, args.workers, log)
            started += [real, baseline]
            for server in (real, baseline):
                server.wait_ready()
            for label, path in PAGES:
                path = path.format(phone=phone)
                same, message = check_parity(real.base, baseline.base, path)
                parity.append(same)
                print(f"[{backend}] {size:,} {label} {path}: {message}")
                targets.append({"name": f"{size}|real|{label}", "base": real.base, "path": path,
                                "login": [servers.BENCH_USER, servers.BENCH_PASSWORD]})
                targets.append({"name": f"{size}|baseline|{label}", "base": baseline.base, "path": path, "login": None})
        print(f"[{backend}] load: {args.rounds} rounds x {args.requests} requests per page, {args.concurrency} threads")
        return drive(targets, args)
    finally:
        for server in started:
            server.stop()
        if backend == "postgresql" and not args.keep:
            for size in args.sizes:
                servers.drop_pg_database(servers.database_url(backend, size, args.workdir, args.pg_admin_url),
                                         args.pg_admin_url)


def drive(targets: list[dict], args) -> dict[str, list[float]]:
    plan = {"targets": targets, "rounds": args.rounds, "requests": args.requests,
            "concurrency": args.concurrency, "warmup": args.warmup}
    plan_path = os.path.join(args.workdir, "plan.json")
    with open(plan_path, "w", encoding="utf-8") as handle:
        json.dump(plan, handle)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.load", plan_path], cwd=servers.ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"load generator failed: {done.stderr.strip() or done.stdout.strip()}")
    print(f"  load took {time.perf_counter() - began:.0f} s")
    return json.loads(done.stdout)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def report(backend: str, results: dict[str, list[float]], sizes: list[int]) -> list[bool]:
    print(f"\n== {backend} ==")
    print(f"{'orders':>10}  {'page':<16}{'app':<10}{'n':>6}{'median ms':>11}{'p90 ms':>9}")
    for name, values in results.items():
        size, app, label = name.split("|")
        p90 = statistics.quantiles(values, n=10)[8] * 1000
        print(f"{int(size):>10,}  {label:<16}{app:<10}{len(values):>6}{median_ms(values):>11.2f}{p90:>9.2f}")
    verdicts = []
    print(f"real / baseline (median; pass if <= {REAL_LIMIT}):")
    for size in sizes:
        for label, _ in PAGES:
            ratio = median_ms(results[f"{size}|real|{label}"]) / median_ms(results[f"{size}|baseline|{label}"])
            verdicts.append(ratio <= REAL_LIMIT)
            print(f"  {size:>10,}  {label:<16}{ratio:6.2f}  {'PASS' if verdicts[-1] else 'FAIL'}")
    small, large = min(sizes), max(sizes)
    if small != large:
        print(f"real at {large:,} / real at {small:,} (median; pass if <= {SCALE_LIMIT}):")
        for label, _ in PAGES:
            ratio = median_ms(results[f"{large}|real|{label}"]) / median_ms(results[f"{small}|real|{label}"])
            base = median_ms(results[f"{large}|baseline|{label}"]) / median_ms(results[f"{small}|baseline|{label}"])
            verdicts.append(ratio <= SCALE_LIMIT)
            print(f"  {label:<16}{ratio:6.2f}  {'PASS' if verdicts[-1] else 'FAIL'}   (baseline: {base:.2f})")
    return verdicts


def main(argv=None) -> int:
    args = parse_args(argv)
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    os.makedirs(args.workdir, exist_ok=True)
    verdicts, everything = [], {}
    for backend in args.backends.split(","):
        parity: list[bool] = []
        results = run_backend(backend, args, parity)
        everything[backend] = results
        verdicts += report(backend, results, args.sizes) + parity
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(everything, handle)
    print(f"\n{sum(verdicts)} of {len(verdicts)} checks pass")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
