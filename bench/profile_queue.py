"""In-process look at one queue request: real app against baseline, where the time goes, same SQL?

    .venv/bin/python -m bench.profile_queue --url sqlite:////tmp/shopcs-bench/bench-1000000.sqlite3
    ... --sql       print the statements each app sends, and whether they match
    ... --profile   a pyinstrument profile of the real page (pip install pyinstrument into the venv)

No gunicorn, no network: quick to iterate on while fixing the page. The database needs the bench
user, which bench.queue_bench creates (or run it once with --reuse --keep). Times are CPU ms per call
(the median of 7 rounds), so a busy machine blurs them less than wall-clock times; the ratio comes
from interleaved rounds of both apps.
"""
import argparse
import os
import re
import statistics
import sys
import time

from sqlalchemy import event

from . import servers

ROUNDS = 7


def _round_ms(call, count: int) -> float:
    started = time.thread_time()  # CPU time of this thread: the neighbours' load does not count, their cache misses do
    for _ in range(count):
        call()
    return (time.thread_time() - started) / count * 1000


def timed(label: str, call, repeat: int) -> float:
    """The median of ROUNDS rounds of repeat / ROUNDS calls each, in CPU ms per call: the machine is shared,
    one slow round must not decide."""
    for _ in range(max(10, repeat // 10)):
        call()
    ms = statistics.median(_round_ms(call, max(1, repeat // ROUNDS)) for _ in range(ROUNDS))
    print(f"  {label:<44}{ms:8.2f} ms")
    return ms


def ratio(real_call, baseline_call, repeat: int) -> float:
    """real / baseline, from interleaved rounds (each round's ratio, then the median): both sides see the
    same moments of the machine's other work."""
    for _ in range(max(10, repeat // 10)):
        real_call(), baseline_call()
    count = max(1, repeat // ROUNDS)
    return statistics.median(_round_ms(real_call, count) / _round_ms(baseline_call, count) for _ in range(ROUNDS))


def clients(url: str):
    """(real app, its logged-in test client, baseline test client, a buyer's phone to search for)."""
    from shopcs import create_app

    from .baseline_app import create_app as create_baseline

    os.environ["SHOPCS_DATABASE_URL"] = url
    phone = servers.prepare(url, "profile-secret-key-" + "x" * 20)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "profile-secret-key-" + "x" * 20,
                      "WTF_CSRF_ENABLED": False})
    real = app.test_client()
    answer = real.post("/login", data={"username": servers.BENCH_USER, "password": servers.BENCH_PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"login failed ({answer.status_code})")
    return app, real, create_baseline().test_client(), phone


def split(app, path: str, repeat: int) -> None:
    """The request's parts, timed separately inside one request context."""
    from flask import request
    from flask_login import login_user

    from shopcs.auth.models import User
    from shopcs.extensions import db
    from shopcs.orders import queue, views
    from shopcs.orders.exclusions import load_exclusions
    from shopcs.timeutil import local_date, utcnow

    with app.test_request_context(path):
        user = db.session.query(User).filter_by(username=servers.BENCH_USER).one()
        login_user(user)
        loader, user_id = app.login_manager._user_callback, str(user.id)

        def load_user():
            db.session.expunge_all()  # as on a new request: nothing in the session yet
            return loader(user_id)

        today = local_date(utcnow(), app.config["SHOPCS_TIMEZONE"])
        exclusions = load_exclusions()
        query = queue.query_from_args(request.args, exclusions)
        timed("user load (Flask-Login's user_loader)", load_user, repeat)
        timed("load_exclusions()", load_exclusions, repeat)
        timed("group_counts()", lambda: queue.group_counts(today), repeat)
        counts = queue.group_counts(today)
        timed("list_page()", lambda: queue.list_page(query, today, counts), repeat)
        page = queue.list_page(query, today, counts)
        args = request.args.to_dict()
        timed("render_queue() (render_template)", lambda: views.render_queue(query, page, counts, today, args), repeat)


def statements(engine, call) -> list[str]:
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


def normal(sql: str) -> str:
    sql = re.sub(r" AS count_\d+|::[A-Z]+", "", sql)  # labels and psycopg bind casts change no work
    sql = re.sub(r"%\(\w+\)s|\?|:\w+|\$\d+", "?", sql)
    return sql.lower()


def compare_sql(app, real, baseline, path: str, quiet: bool = False) -> bool:
    from shopcs.extensions import db

    with app.app_context():
        real_sql = [s for s in statements(db.engine, lambda path=path: real.get(path)) if " users" not in s and s != "SELECT 1"]
    base_engine = baseline.application.extensions["bench_engine"]
    base_sql = [s for s in statements(base_engine, lambda path=path: baseline.get(path)) if s != "SELECT 1"]
    same = [normal(s) for s in real_sql] == [normal(s) for s in base_sql]
    if quiet:
        return same
    print(f"\n{path}: {len(real_sql)} statements from the real page, {len(base_sql)} from the baseline - "
          f"{'the same' if same else 'DIFFERENT'}")
    for label, sqls in (("real", real_sql), ("baseline", base_sql)):
        for sql in sqls:
            print(f"  {label:<9}{sql}")
    return same


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_queue", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", action="append", help="default: / and a search by a buyer's phone")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    app, real, baseline, phone = clients(args.url)
    for path in args.path or ["/", f"/?q={phone}"]:
        print(f"{path}")
        timed("baseline: whole request", lambda path=path: baseline.get(path), args.repeat)
        timed("real: whole request", lambda path=path: real.get(path), args.repeat)
        timed("real: GET /healthz (the framework's floor)", lambda: real.get("/healthz"), args.repeat)
        split(app, path, args.repeat)
        interleaved = ratio(lambda path=path: real.get(path), lambda path=path: baseline.get(path), args.repeat)
        print(f"  real / baseline in process (interleaved rounds): {interleaved:.2f}")
        if args.sql:
            compare_sql(app, real, baseline, path)
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            with profiler:
                for _ in range(args.repeat):
                    real.get(path)
            print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
