"""In-process look at one queue request: real app against baseline, where the time goes, same SQL?

    .venv/bin/python -m bench.profile_queue --url sqlite:////tmp/shopcs-bench/bench-1000000.sqlite3
    ... --sql       print the statements each app sends, and whether they match
    ... --profile   a pyinstrument profile of the real page (pip install pyinstrument into the venv)

No gunicorn, no network: quick to iterate on while fixing the page. The database needs the bench
user, which bench.queue_bench creates (or run it once with --reuse --keep).
"""
import argparse
import os
import re
import sys
import time

from sqlalchemy import event

from . import servers


def timed(label: str, call, repeat: int) -> float:
    for _ in range(max(10, repeat // 10)):
        call()
    started = time.perf_counter()
    for _ in range(repeat):
        call()
    ms = (time.perf_counter() - started) / repeat * 1000
    print(f"  {label:<44}{ms:8.2f} ms")
    return ms


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
    """The view's parts, timed separately inside one request context."""
    from flask import render_template, request
    from flask_login import login_user

    from shopcs.auth.models import User
    from shopcs.extensions import db
    from shopcs.orders import queue, views
    from shopcs.orders.exclusions import load_exclusions
    from shopcs.orders.shipping import CARRIERS
    from shopcs.timeutil import local_date, utcnow

    with app.test_request_context(path):
        login_user(db.session.query(User).filter_by(username=servers.BENCH_USER).one())
        today = local_date(utcnow(), app.config["SHOPCS_TIMEZONE"])
        exclusions = load_exclusions()
        query = queue.query_from_args(request.args, exclusions)
        timed("load_exclusions()", load_exclusions, repeat)
        timed("list_page()", lambda: queue.list_page(query, today), repeat)
        timed("group_counts()", lambda: queue.group_counts(today), repeat)
        page, counts = queue.list_page(query, today), queue.group_counts(today)
        extra = {"qurl": views._queue_url, "status_labels": views._status_labels()}
        timed("render_template()", lambda: render_template(
            "orders/queue.html", query=query, page=page, counts=counts, carriers=CARRIERS, today=today,
            exclusions=exclusions, **extra), repeat)


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
        base_ms = timed("baseline: whole request", lambda path=path: baseline.get(path), args.repeat)
        real_ms = timed("real: whole request", lambda path=path: real.get(path), args.repeat)
        timed("real: GET /healthz (the framework's floor)", lambda: real.get("/healthz"), args.repeat)
        split(app, path, args.repeat)
        print(f"  real / baseline in process: {real_ms / base_ms:.2f}")
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
