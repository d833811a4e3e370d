"""Orders pour in while agents work (issue 20): the order API and the Shopify webhook at a fixed rate, on PostgreSQL
behind gunicorn, while 10 agents load the order queue.

    .venv/bin/python -m bench.ingest_load                          # 300 order writes/s offered, -w 4, 2 × (20 s + 20 s)
    .venv/bin/python -m bench.ingest_load --rate 0 --phase 15      # as fast as 16 senders go: the ceiling
    .venv/bin/python -m bench.ingest_load --ingest-pool 4          # the writes to their own gunicorn at nice 10
    .venv/bin/python -m bench.ingest_load --profile /tmp/ingest-prof   # cProfile (CPU) of each gunicorn worker too

A fresh database `shopcs_bench_ingest_load` (dropped afterwards unless --keep) holding `--history` orders over the
last 7.3 days (bench.generate: the queue bench's 10,000-order shop), 10 agents and an API token; one gunicorn of
`--workers` sync workers serves everything, as in the issue's trial (with `--ingest-pool`, the writes go to a second
gunicorn at a lower CPU priority, as the conversation bench's widget pool does). Phases of `--phase` seconds alternate quiet and
busy (quiet, busy, quiet, busy). All the time each agent loads the queue's first page or a search by a buyer's phone,
then thinks 1 s. While busy, another process sends order writes at `--rate` a second (an open loop: each request has
its start time, so a slow server shows as lateness, not as a slower client), cycling through a new order by the
API, a Shopify orders/create, the API's payment of an earlier new order, Shopify's orders/paid of an earlier one
(bench/ingest_requests.py). Each write opens its own connection (gunicorn's sync workers close it) with a minimal
socket client, so the client costs little of the 2 cores. The first 2 s of each phase are not counted.

Prints the writes per second done, their latency, the agents' page p50/p95 quiet and busy, and the CPU seconds per
write of the gunicorn workers, the database backends and the sender (busy minus quiet, per write). Checks (exit 1 on
a miss): done ≥ 0.98 × offered, agents' p95 busy / quiet ≤ 1.5, every answer a success.
"""
import argparse
import multiprocessing
import os
import pstats
import sys
import threading
import time

import requests
from sqlalchemy import create_engine, text

from . import ingest_senders
from .load import login
from .servers import REAL_APP, ROOT, Server, create_pg_database, drop_pg_database, new_secret_key, search_phone

PG_BASE = os.environ.get("BENCH_PG_URL_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432")
PASSWORD = "bench-password-" + "x" * 8
THINK, SETTLE = 1.0, 2.0  # an agent's pause between pages; seconds of each phase not counted


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_load", description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300, help="order writes a second offered while busy; 0: as fast as the senders go")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--phase", type=float, default=20, help="seconds per phase")
    parser.add_argument("--phases", type=int, default=4, help="quiet and busy alternating, quiet first")
    parser.add_argument("--senders", type=int, default=16, help="sender threads (requests in flight at most)")
    parser.add_argument("--ingest-pool", type=int, default=0, metavar="WORKERS",
                        help="send the writes to a gunicorn of their own with this many workers at nice 10")
    parser.add_argument("--history", type=int, default=10_000, help="orders in the shop before the bench")
    parser.add_argument("--profile", metavar="DIR", help="cProfile each gunicorn worker (CPU time) into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args(argv)


def seed(url: str, secret: str, agents: int, history: int) -> tuple[str, str]:
    """The shop's history, the agents and an API token; returns (token secret, a buyer's phone to search for)."""
    from shopcs import create_app
    from shopcs.auth.services import create_api_token, create_user
    from shopcs.extensions import db
    from shopcs.timeutil import utcnow

    from .generate import generate

    generate(url, history, seed=1, days=7.3 * history / 10_000, replace=True, log=lambda *_: None)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        for n in range(agents):
            create_user(f"ingest-agent-{n}", "agent", PASSWORD, utcnow())
        _token, token = create_api_token("bench", utcnow())
        phone = search_phone(db.session)
        db.session.remove()
        db.engine.dispose()
    return token, phone


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(parent: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


class Agents:
    """Each agent loads the queue's first page or a phone search, thinks THINK s; latencies by the time they began."""

    def __init__(self, base: str, phone: str, count: int):
        self.base, self.paths, self.stop = base, ["/", f"/?q={phone}"], threading.Event()
        self.pages: list[tuple[float, float]] = []
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(count)]

    def run(self, n: int) -> None:
        try:
            session = requests.Session()
            login(session, self.base, f"ingest-agent-{n}", PASSWORD)
            turn = n
            while not self.stop.is_set():
                began, started = time.time(), time.perf_counter()
                answer = session.get(self.base + self.paths[turn % 2], timeout=60, allow_redirects=False)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200:
                    self.errors.append(f"{self.paths[turn % 2]}: {answer.status_code}")
                self.pages.append((began, elapsed))
                turn += 1
                time.sleep(max(0.0, THINK - elapsed))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a failed agent is a failed run, said in the report
            self.errors.append(f"agent {n}: {exc!r}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def backend_pids(url: str) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return list(pids)


def run(args, url: str, secret: str, token: str, phone: str) -> bool:
    os.environ["SHOPCS_SHOPIFY_WEBHOOK_SECRET"] = ingest_senders.SHOPIFY_SECRET
    extra = ("-c", os.path.join(ROOT, "bench", "gunicorn_profile.py")) if args.profile else ()
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        for name in os.listdir(args.profile):
            if name.startswith("worker-") and name.endswith(".prof"):
                os.remove(os.path.join(args.profile, name))
        os.environ["BENCH_PROFILE_DIR"] = args.profile
    log = "/tmp/shopcs-bench-ingest-gunicorn.log"
    server = Server(REAL_APP, url, secret, args.workers, log, extra=extra)
    pool = Server(REAL_APP, url, secret, args.ingest_pool, log, extra=extra, prefix=("nice", "-n", "10")) \
        if args.ingest_pool else server
    try:
        server.wait_ready()
        pool.wait_ready()
        host, port = "127.0.0.1", pool.port
        ingest_senders.warm_up(host, port, token, args.workers * 4)
        spawn = multiprocessing.get_context("spawn")
        inbox, out = spawn.Queue(), spawn.Queue()
        sender = spawn.Process(target=ingest_senders.send_phases, args=(
            host, port, token, args.rate, args.phases // 2, args.phase, args.senders, inbox, out))
        sender.start()
        if out.get(timeout=600) != "ready":  # the writes are built before any phase
            raise SystemExit("the sender did not start")
        agents = Agents(server.base, phone, args.agents)
        for thread in agents.threads:
            thread.start()
        time.sleep(3)  # every agent logged in and working before the first phase
        start = time.time() + 1
        inbox.put([(start + k * args.phase, start + (k + 1) * args.phase) for k in range(args.phases) if k % 2 == 1])
        workers = children(server.process.pid) + (children(pool.process.pid) if pool is not server else [])
        backends = backend_pids(url)
        cpu = []
        for k in range(args.phases + 1):
            time.sleep(max(0.0, start + k * args.phase - time.time()))
            cpu.append((sum(map(cpu_seconds, workers)), sum(map(cpu_seconds, backends))))
        agents.stop.set()
        sent = out.get(timeout=120)
        sender.join()
    finally:
        server.stop()
        if pool is not server:
            pool.stop()
    if args.profile:
        files = [os.path.join(args.profile, name) for name in os.listdir(args.profile) if name.endswith(".prof")]
        pstats.Stats(*files).sort_stats("cumulative").print_stats(40)
    return report(args, start, agents, sent, cpu)


def report(args, start: float, agents: Agents, sent: list[dict], cpu: list[tuple[float, float]]) -> bool:
    pages = {"quiet": [], "busy": []}
    for began, elapsed in agents.pages:
        k = int((began - start) // args.phase)
        if 0 <= k < args.phases and began - (start + k * args.phase) >= SETTLE:
            pages["busy" if k % 2 else "quiet"].append(elapsed * 1000)
    done = sum(p["done"] for p in sent)
    seconds = sum(p["seconds"] for p in sent)
    rate = done / seconds if seconds else 0.0
    quiet_p95, busy_p95 = percentile(pages["quiet"], 0.95), percentile(pages["busy"], 0.95)
    ratio = busy_p95 / quiet_p95
    latency = [ms for p in sent for ms in p["latency"]]
    if args.ingest_pool:
        print(f"the writes go to a gunicorn of their own: -w {args.ingest_pool} at nice 10")
    print(f"gunicorn -w {args.workers}, PostgreSQL, {args.history:,} orders before, {args.agents} agents, "
          f"{args.phases} phases of {args.phase:.0f} s, offered {args.rate:.0f} writes/s" if args.rate else
          f"gunicorn -w {args.workers}, PostgreSQL, {args.history:,} orders before, {args.agents} agents, "
          f"{args.phases} phases of {args.phase:.0f} s, writes as fast as {args.senders} senders go")
    print(f"order writes: {done:,} done, {rate:.1f}/s; latency from their start time p50 {percentile(latency, 0.5):.1f} ms, "
          f"p95 {percentile(latency, 0.95):.1f} ms; by kind {sent[0]['kinds']}; failures {sum(p['failed'] for p in sent)}")
    print(f"agents' pages: quiet n={len(pages['quiet'])} p50 {percentile(pages['quiet'], 0.5):.1f} ms p95 {quiet_p95:.1f} ms; "
          f"busy n={len(pages['busy'])} p50 {percentile(pages['busy'], 0.5):.1f} ms p95 {busy_p95:.1f} ms; "
          f"ratio {ratio:.2f} (≤ 1.5)")
    quiet_cpu = [(cpu[k + 1][i] - cpu[k][i]) for k in range(0, args.phases, 2) for i in (0, 1)]
    busy_cpu = [(cpu[k + 1][i] - cpu[k][i]) for k in range(1, args.phases, 2) for i in (0, 1)]
    per_write = [(sum(busy_cpu[i::2]) - sum(quiet_cpu[i::2]) * len(busy_cpu) / max(len(quiet_cpu), 1)) / max(done, 1) * 1000
                 for i in (0, 1)]
    sender_cpu = sum(p["cpu"] for p in sent) / max(done, 1) * 1000
    print(f"CPU per order write (busy − quiet): gunicorn workers {per_write[0]:.2f} ms, database backends "
          f"{per_write[1]:.2f} ms, sender {sender_cpu:.2f} ms; load average {os.getloadavg()[0]:.1f}")
    failures = [*agents.errors[:3], *[e for p in sent for e in p["errors"]][:3]]
    for failure in failures:
        print("  failure:", failure)
    ok = not failures and ratio <= 1.5 and (not args.rate or rate >= 0.98 * args.rate)
    print("PASS" if ok else "FAIL")
    return ok


def main(argv=None) -> int:
    args = parse_args(argv)
    url = f"{PG_BASE}/shopcs_bench_ingest_load"
    secret = new_secret_key()
    create_pg_database(url, f"{PG_BASE}/postgres")
    try:
        token, phone = seed(url, secret, args.agents, args.history)
        ok = run(args, url, secret, token, phone)
    finally:
        if not args.keep:
            drop_pg_database(url, f"{PG_BASE}/postgres")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
