"""The reports dashboard (/reports/) under gunicorn on the 1,000,000-order SQLite bench database: median and p90.

    .venv/bin/python -m bench.dashboard_bench                     # the reports bench's SQLite database
    .venv/bin/python -m bench.dashboard_bench --requests 100 --url sqlite:////path/to/other.sqlite3

Creates a bench operator (through shopcs.auth.services.create_user; the queue bench's user is an agent, who may
not see reports), then times the dashboard's parts in process — the refund totals of the window and of the
period before, the day-by-day trend, unpaid recovery and repurchase for both periods, the alerts, the template —
then starts the real app under gunicorn (bench/servers.py), logs in through the login form and requests
`/reports/` (the default window: the 30 shop-local days ending yesterday by the machine's clock) `--requests`
times one after another after `--warmup` requests. Prints the median and p90 with the machine's CPU count and load
average (an absolute time: the machine's other work moves it). Exit status 1 when the median is `--limit` ms
(150, the issue's bar) or more, or a page is not the dashboard with its figures.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import create_engine, text

from . import servers
from .load import login

LIMIT_MS = 150
OPERATOR, OPERATOR_PASSWORD = "bench-operator", "bench-password-" + "o" * 8


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite:////tmp/shopcs-bench/reports-1m.sqlite3")
    parser.add_argument("--requests", type=int, default=50, help="timed requests, one after another")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--split-runs", type=int, default=5, help="in-process timings of each part (median)")
    parser.add_argument("--limit", type=float, default=LIMIT_MS, help="pass when the median is below this (ms)")
    parser.add_argument("--workdir", default="/tmp/shopcs-bench")
    return parser.parse_args(argv)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} CPUs ({model or platform.machine()}), load average {load}"


def create_operator(url: str, secret_key: str) -> str:
    """Returns the shop's zone."""
    from shopcs import create_app
    from shopcs.auth.models import User
    from shopcs.auth.services import create_user
    from shopcs.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.app_context():
        if db.session.query(User).filter_by(username=OPERATOR).first() is None:
            create_user(OPERATOR, "operator", OPERATOR_PASSWORD, datetime.now(timezone.utc))
        db.session.remove()
        db.engine.dispose()
    return app.config["SHOPCS_TIMEZONE"]


def check_window(url: str, zone: str) -> None:
    """The default window follows the machine's clock; the bench database's history ends at its generation `now`."""
    from zoneinfo import ZoneInfo

    engine = create_engine(url)
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT max(placed_at) FROM orders")).scalar()
    engine.dispose()
    newest = datetime.fromisoformat(newest) if isinstance(newest, str) else newest
    last_day = newest.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
    yesterday = datetime.now(ZoneInfo(zone)).date() - timedelta(days=1)
    print(f"default window: the 30 days ending {yesterday} (the machine's clock); the database's history ends "
          f"{newest:%Y-%m-%d %H:%M} UTC" + ("" if yesterday == last_day else
                                           f" — NOT the database's yesterday ({last_day}): the window holds other data"))


def split(url: str, secret_key: str, runs: int) -> dict[str, float]:
    """Median ms of each part of the dashboard view, called in process as the view calls them."""
    from flask import render_template
    from flask_login import login_user

    from shopcs import create_app
    from shopcs.auth.models import User
    from shopcs.extensions import db
    from shopcs.followup.forms import ActionForm
    from shopcs.reports import dashboard
    from shopcs.reports.alerts import alerts_for, recent_alert_messages
    from shopcs.reports.dashboard_views import RULE_LABELS
    from shopcs.reports.page_support import default_window, zone
    from shopcs.reports.refund_rate import by_day, totals
    from shopcs.reports.unpaid_recovery import current_grace
    from shopcs.timeutil import local_date, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    times: dict[str, list[float]] = {}

    def timed(name, call):
        started = time.perf_counter()
        value = call()
        times.setdefault(name, []).append(time.perf_counter() - started)
        return value

    with app.test_request_context("/reports/"):
        login_user(db.session.query(User).filter_by(username=OPERATOR).one())
        shop = zone()
        window, grace = default_window(), current_grace()
        before = dashboard.previous_window(window)
        for _ in range(runs + 1):
            alerts = timed("alerts", lambda: (alerts_for(local_date(utcnow(), shop), shop), recent_alert_messages()))
            refund = timed("refund totals x2", lambda: (totals(window, shop), totals(before, shop)))
            trend = timed("refund by_day", lambda: by_day(window, shop))
            recovery = timed("recovery x2", lambda: (dashboard.recovery_figures(window, shop, grace),
                                                      dashboard.recovery_figures(before, shop, grace)))
            repurchase = timed("repurchase x2", lambda: (dashboard.repurchase_figures(window, shop),
                                                          dashboard.repurchase_figures(before, shop)))
            figures = dashboard.DashboardFigures(window, before, *refund, trend, *recovery, *repurchase)
            timed("render", lambda: render_template(  # noqa: B023 - called at once
                "reports/dashboard.html", figures=figures, errors={}, args={}, alerts=alerts[0],  # noqa: B023
                messages=alerts[1], rule_labels=RULE_LABELS, done_form=ActionForm()))  # noqa: B023
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    return {name: statistics.median(values[1:]) * 1000 for name, values in times.items()}


def measure(base: str, count: int, warmup: int) -> list[float]:
    with requests.Session() as session:
        login(session, base, OPERATOR, OPERATOR_PASSWORD)
        latencies = []
        for n in range(warmup + count):
            started = time.perf_counter()
            answer = session.get(base + "/reports/", allow_redirects=False, timeout=120)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200 or 'data-test="headline-recovery-rate"' not in answer.text:
                raise SystemExit(f"/reports/ answered {answer.status_code} without the dashboard's figures")
            if n >= warmup:
                latencies.append(elapsed)
    return latencies


def main(argv=None) -> int:
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    key = servers.new_secret_key()
    check_window(args.url, create_operator(args.url, key))
    print(f"machine: {machine()}")
    print(f"in process, median of {args.split_runs} (ms):")
    parts = split(args.url, key, args.split_runs)
    for name, ms in parts.items():
        print(f"  {name:<18}{ms:9.1f}")
    print(f"  {'sum':<18}{sum(parts.values()):9.1f}")
    server = servers.Server(servers.REAL_APP, args.url, key, args.workers, os.path.join(args.workdir, "gunicorn-dashboard.log"))
    try:
        server.wait_ready()
        print(f"machine before the requests: {machine()}")
        latencies = measure(server.base, args.requests, args.warmup)
        print(f"machine after the requests:  {machine()}")
    finally:
        server.stop()
    median = statistics.median(latencies) * 1000
    p90 = statistics.quantiles(latencies, n=10)[8] * 1000
    passed = median < args.limit
    print(f"/reports/ under gunicorn ({args.workers} workers), {len(latencies)} requests one after another after "
          f"{args.warmup} warm-up: median {median:.1f} ms, p90 {p90:.1f} ms, min {min(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms — {'PASS' if passed else 'FAIL'} (bar: median < {args.limit:.0f} ms)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
