"""Where an ingest request's time goes, in process: CPU per request and statements per request, load-independent.

    .venv/bin/python -m bench.ingest_profile                                 # PostgreSQL, 300 orders a kind
    .venv/bin/python -m bench.ingest_profile --backend sqlite --orders 200
    .venv/bin/python -m bench.ingest_profile --profile api_new --top 40      # cProfile of one kind
    .venv/bin/python -m bench.ingest_profile --sql api_paid                  # the statements of one request

A fresh database with the app's schema (migrations), the app as gunicorn runs it (not TESTING), an API token and the
Shopify secret; then each kind of request (bench/ingest_requests.py) through the Flask test client, in rounds of
`--orders` requests: new orders through the API, the same orders paid, Shopify orders/create, orders/paid. For each
kind: the app's CPU time per request (`time.process_time`, this process only: the test client, Flask, the app,
the driver), the database server's CPU per request on PostgreSQL (its backend's /proc figures, 10 ms ticks), the
statements per request (an SQLAlchemy `before_cursor_execute` listener; BEGIN/COMMIT are not statements to it, so
transactions are counted apart) and the wall time. CPU and statement counts do not depend on the machine's other
load the way throughput does, so they compare two versions of the code on a shared machine.
"""
import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import Counter

from sqlalchemy import event, text

from . import followup_common
from .ingest_requests import KINDS, SHOPIFY_SECRET, calls

SECRET_KEY = "bench-" + "x" * 40


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--orders", type=int, default=300, help="requests per kind and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--customers", type=int, default=0, help="distinct buyers (default: orders × rounds ÷ 3)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--profile", metavar="KIND", help="cProfile the last round of this kind")
    parser.add_argument("--top", type=int, default=30, help="functions the profile prints")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    parser.add_argument("--dump", metavar="FILE", help="also write the profile to FILE (pstats format)")
    parser.add_argument("--sql", metavar="KIND", help="print the statements of one request of this kind")
    return parser.parse_args(argv)


def make_app(url: str):
    from flask_migrate import upgrade

    from shopcs import create_app
    from shopcs.auth.services import create_api_token
    from shopcs.timeutil import utcnow

    followup_common.fresh_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                      "SHOPCS_SHOPIFY_WEBHOOK_SECRET": SHOPIFY_SECRET})
    with app.app_context():
        upgrade()
        _token, secret = create_api_token("bench", utcnow())
    return app, secret


class Statements:
    """Counts the statements the app's engine sends (and keeps their text when asked)."""

    def __init__(self, engine):
        self.count, self.keep, self.kept = 0, False, []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        self.count += 1
        if self.keep:
            self.kept.append(" ".join(statement.split()))


def backend_cpu(app) -> tuple[int | None, callable]:
    """PostgreSQL: the pid of the backend serving the app's pooled connection and a reader of its CPU seconds.
    The pool keeps one connection as the test client's requests run one at a time."""
    from shopcs.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None, lambda: 0.0
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return pid, read


def send(client, call):
    answer = client.open(call.path, method=call.method, data=call.body, headers=call.headers)
    if answer.status_code not in (200, 201) or (call.path.startswith("/webhooks/") and
                                                 answer.get_json()["outcome"] not in ("created", "updated")):
        raise SystemExit(f"{call.method} {call.path} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")


def measure(client, batch, statements, server_cpu, profiler=None) -> dict:
    statements.count = 0
    server_before, wall_before, cpu_before = server_cpu(), time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for call in batch:
        send(client, call)
    if profiler is not None:
        profiler.disable()
    cpu, wall, server = time.process_time() - cpu_before, time.perf_counter() - wall_before, server_cpu() - server_before
    n = len(batch)
    return {"cpu": cpu / n * 1000, "server": server / n * 1000, "wall": wall / n * 1000, "statements": statements.count / n}


def print_sql(client, call, statements) -> None:
    statements.keep, statements.kept = True, []
    send(client, call)
    statements.keep = False
    for number, (statement, times) in enumerate(Counter(statements.kept).items(), 1):
        print(f"{number:3d}. {'%d× ' % times if times > 1 else ''}{statement[:400]}")


def main(argv=None) -> int:
    args = parse_args(argv)
    from shopcs.extensions import db

    url = followup_common.url_for(args.backend, f"ingest_profile_{os.getpid()}")  # two runs side by side (before / after)
    app, token = make_app(url)
    customers = args.customers or max(1, args.orders * args.rounds // 3)
    kinds = args.kinds.split(",")
    with app.app_context():
        statements = Statements(db.engine)
    client = app.test_client()
    send(client, calls("api_new", range(10**7, 10**7 + 20), customers, token)[0])  # warm-up: imports, caches, pool
    _pid, server_cpu = backend_cpu(app)
    results: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for round_number in range(args.rounds):
        numbers = range(round_number * args.orders, (round_number + 1) * args.orders)
        for kind in kinds:
            batch = calls(kind, numbers, customers, token)
            if args.sql == kind and round_number == args.rounds - 1:
                print(f"-- statements of one {kind} request:")
                print_sql(client, batch[0], statements)
                batch = batch[1:]
            profiler = cProfile.Profile(time.process_time) if args.profile == kind and round_number == args.rounds - 1 else None
            results[kind].append(measure(client, batch, statements, server_cpu, profiler))
            if profiler is not None:
                print(f"-- cProfile (CPU time) of {len(batch)} {kind} requests (sorted by {args.sort}):")
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
                if args.dump:
                    profiler.dump_stats(args.dump)
    print(f"{args.backend}: {args.rounds} rounds × {args.orders} requests a kind, {customers} buyers; median of the rounds")
    print(f"{'kind':16s} {'app CPU ms':>10s} {'db CPU ms':>10s} {'wall ms':>8s} {'statements':>10s}")
    for kind, rounds in results.items():
        med = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        db_cpu = f"{med['server']:10.2f}" if args.backend == "postgresql" else f"{'-':>10s}"
        print(f"{kind:16s} {med['cpu']:10.2f} {db_cpu} {med['wall']:8.2f} {med['statements']:10.1f}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    followup_common.drop_database(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
