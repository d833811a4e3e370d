"""Customer cases (issue 6): the case queue under load against a raw-SQL baseline, and the weekly team report
against hand-written SQL, on 1,000,000 and 10,000 cases.

    .venv/bin/python -m bench.case_bench                       # both backends, queue and report
    .venv/bin/python -m bench.case_bench --backends sqlite --only report --runs 9

The databases (bench/generate.py for the orders, bench/generate_cases.py for the cases; see bench/README.md) are
only read. Queue: for each backend and size, gunicorn serves the real app (`app:app`) and bench/case_baseline_app.py;
before measuring, the baseline must send the same SQL statements as the real page (traced in process; the real page's
user load aside) and both pages must show the same cases. Pages: the agent's default tab "Mine" (bench-agent owns about
a hundred open cases at both sizes), "Unanswered", and a search by a buyer's phone (the newest customer with exactly five
cases, so the page has the same length at both sizes; a search lists the newest case first). bench/load.py drives every
server in shuffled rounds.
Ratios: real / baseline (bar 1.5) and real at the larger size / real at the smaller (bar 1.3).

Report: in process, `team_report(week)` against raw `text()` SQL plus the least Python giving the same figures
(asserted equal), --runs rounds in shuffled order, the median of each round's ratio (bar 1.5), for the week in the
middle of each database's history; then the plan of each statement.
"""
import argparse
import json
import os
import random
import re
import signal
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, text

from . import servers
from .load import login
from .profile_queue import statements
from .queue_bench import drive

REAL_LIMIT, SCALE_LIMIT, REPORT_LIMIT = 1.5, 1.3, 1.5
WORKDIR = "/tmp/shopcs-bench-cases"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
URLS = {"sqlite": {1_000_000: f"sqlite:///{WORKDIR}/cases-1m.sqlite3", 10_000: f"sqlite:///{WORKDIR}/cases-10k.sqlite3"},
        "postgresql": {1_000_000: PG + "shopcs_bench_cases_1m", 10_000: PG + "shopcs_bench_cases_10k"}}
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # the end of the generated history
PAGES = (("mine", "/cases/", "/?tab=mine"), ("unanswered", "/cases/?tab=unanswered", "/?tab=unanswered"),
         ("search by phone", "/cases/?q={phone}", "/?q={phone}"))
SECRET = "case-bench-secret-key-" + "x" * 20
BASELINE_APP = "bench.case_baseline_app:create_app()"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.case_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.set_defaults(workdir=WORKDIR)  # where queue_bench.drive writes the load plan
    parser.add_argument("--only", choices=("queue", "inprocess", "report"), default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--requests", type=int, default=60, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7, help="report: rounds of app and baseline")
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    parser.add_argument("--repeat", type=int, default=140, help="in process: calls per page and side")
    return parser.parse_args(argv)


def search_phone(conn) -> str:
    return conn.execute(text(
        "SELECT customers.phone FROM cases JOIN customers ON customers.id = cases.customer_id GROUP BY customers.phone "
        "HAVING count(*) = 5 ORDER BY max(cases.id) DESC LIMIT 1")).scalar()


def real_app(url: str):
    from shopcs import create_app

    os.environ["SHOPCS_DATABASE_URL"] = url
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})


# -- SQL parity ------------------------------------------------------------------------------------------------

def normal(sql: str) -> str:
    sql = re.sub(r" AS count_\d+| AS coalesce_1| AS owner|::[A-Z]+(\([0-9]+\))?|\"", "", sql)
    sql = re.sub(r"%\(\w+\)s|\?|:\w+|\$\d+", "?", sql)
    return sql.lower()


USER_LOAD = re.compile(r"^SELECT users\.id, .* FROM users WHERE users\.id = ")


def sql_parity(url: str, phone: str, show: bool = False) -> bool:
    from shopcs.extensions import db

    from .case_baseline_app import create_app as create_baseline

    app = real_app(url)
    real = app.test_client()
    if real.post("/login", data={"username": servers.BENCH_USER, "password": servers.BENCH_PASSWORD}).status_code != 302:
        raise SystemExit("bench login failed: run bench.generate_cases on this database first")
    baseline = create_baseline().test_client()
    same = True
    for label, real_path, base_path in PAGES:
        with app.app_context():
            real_sql = [s for s in statements(db.engine, lambda p=real_path: real.get(p.format(phone=phone)))
                        if not USER_LOAD.match(s) and s != "SELECT 1"]
        base_sql = statements(baseline.application.extensions["bench_engine"], lambda p=base_path: baseline.get(p.format(phone=phone)))
        base_sql = [s for s in base_sql if s != "SELECT 1"]
        equal = [normal(s) for s in real_sql] == [normal(s) for s in base_sql]
        same &= equal
        if show or not equal:
            print(f"  {label}: {'the same' if equal else 'DIFFERENT'} statements")
            for side, sqls in (("real", real_sql), ("baseline", base_sql)):
                for sql in sqls:
                    print(f"    {side:<9}{sql}")
    with app.app_context():
        db.engine.dispose()
    baseline.application.extensions["bench_engine"].dispose()
    return same


def case_ids(html: str) -> list[str]:
    return re.findall(r'data-case-id="(\d+)"', html)


def page_parity(real: str, baseline: str, real_path: str, base_path: str) -> tuple[bool, str]:
    with __import__("requests").Session() as session:
        login(session, real, servers.BENCH_USER, servers.BENCH_PASSWORD)
        shown = case_ids(session.get(real + real_path, timeout=60).text)
    base = case_ids(__import__("requests").get(baseline + base_path, timeout=60).text)
    if shown == base and shown:
        return True, f"both pages show the same {len(base)} cases"
    return False, f"DIFFERENT cases (FAIL): real shows {len(shown)}, baseline {len(base)}"


# -- the queue under load --------------------------------------------------------------------------------------

def queue_backend(backend: str, args, checks: list[bool]) -> dict[str, list[float]]:
    from sqlalchemy import create_engine

    started, targets = [], []
    try:
        for size, url in sorted(URLS[backend].items()):
            engine = create_engine(url)
            with engine.connect() as conn:
                phone = search_phone(conn)
            engine.dispose()
            fair = sql_parity(url, phone)
            checks.append(fair)
            print(f"[{backend}] {size:,} SQL: " + ("the baseline sends the same statements as the real page" if fair
                                                   else "DIFFERENT statements (FAIL)"))
            log = os.path.join(WORKDIR, f"gunicorn-cases-{backend}-{size}.log")
            real = servers.Server(servers.REAL_APP, url, SECRET, args.workers, log)
            baseline = servers.Server(BASELINE_APP, url, SECRET, args.workers, log)
            started += [real, baseline]
            for server in (real, baseline):
                server.wait_ready()
            for label, real_path, base_path in PAGES:
                real_path, base_path = real_path.format(phone=phone), base_path.format(phone=phone)
                same, message = page_parity(real.base, baseline.base, real_path, base_path)
                checks.append(same)
                print(f"[{backend}] {size:,} {label} {real_path}: {message}")
                targets.append({"name": f"{size}|real|{label}", "base": real.base, "path": real_path,
                                "login": [servers.BENCH_USER, servers.BENCH_PASSWORD]})
                targets.append({"name": f"{size}|baseline|{label}", "base": baseline.base, "path": base_path, "login": None})
        print(f"[{backend}] load: {args.rounds} rounds x {args.requests} requests per page, {args.concurrency} threads")
        return drive(targets, args)
    finally:
        for server in started:
            server.stop()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def queue_report(backend: str, results: dict[str, list[float]]) -> list[bool]:
    sizes = sorted(URLS[backend])
    print(f"\n== {backend}: case queue ==")
    print(f"{'cases':>10}  {'page':<16}{'app':<10}{'n':>6}{'median ms':>11}{'p90 ms':>9}")
    for name, values in results.items():
        size, app, label = name.split("|")
        print(f"{int(size):>10,}  {label:<16}{app:<10}{len(values):>6}{median_ms(values):>11.2f}"
              f"{statistics.quantiles(values, n=10)[8] * 1000:>9.2f}")
    verdicts = []
    print(f"real / baseline (median; pass if <= {REAL_LIMIT}):")
    for size in sizes:
        for label, _, _ in PAGES:
            ratio = median_ms(results[f"{size}|real|{label}"]) / median_ms(results[f"{size}|baseline|{label}"])
            verdicts.append(ratio <= REAL_LIMIT)
            print(f"  {size:>10,}  {label:<16}{ratio:6.2f}  {'PASS' if verdicts[-1] else 'FAIL'}")
    small, large = sizes[0], sizes[-1]
    print(f"real at {large:,} / real at {small:,} (median; pass if <= {SCALE_LIMIT}):")
    for label, _, _ in PAGES:
        ratio = median_ms(results[f"{large}|real|{label}"]) / median_ms(results[f"{small}|real|{label}"])
        base = median_ms(results[f"{large}|baseline|{label}"]) / median_ms(results[f"{small}|baseline|{label}"])
        verdicts.append(ratio <= SCALE_LIMIT)
        print(f"  {label:<16}{ratio:6.2f}  {'PASS' if verdicts[-1] else 'FAIL'}   (baseline: {base:.2f})")
    return verdicts


# -- the queue in process: CPU time per request, no gunicorn, no network ---------------------------------------

def _cpu_ms(call, count: int) -> float:
    started = time.thread_time()  # this thread's CPU: the neighbours' load does not count, their cache misses do
    for _ in range(count):
        call()
    return (time.thread_time() - started) / count * 1000


def inprocess_backend(backend: str, args) -> list[bool]:
    """Each page of each app through Flask's test client, in interleaved rounds (real, baseline, real, ...): the
    median CPU ms per request of each side, the median of the rounds' real / baseline, and 1M / 10k."""
    from sqlalchemy import create_engine

    from .case_baseline_app import create_app as create_baseline

    medians, verdicts = {}, []
    print(f"\n== {backend}: case queue in process (CPU ms per request, median of 7 interleaved rounds) ==")
    for size, url in sorted(URLS[backend].items()):
        engine = create_engine(url)
        with engine.connect() as conn:
            phone = search_phone(conn)
        engine.dispose()
        app = real_app(url)
        real = app.test_client()
        real.post("/login", data={"username": servers.BENCH_USER, "password": servers.BENCH_PASSWORD})
        baseline = create_baseline().test_client()
        for label, real_path, base_path in PAGES:
            real_path, base_path = real_path.format(phone=phone), base_path.format(phone=phone)
            for _ in range(20):
                real.get(real_path), baseline.get(base_path)
            count, rounds = max(1, args.repeat // 7), []
            for _ in range(7):
                rounds.append((_cpu_ms(lambda p=real_path, c=real: c.get(p), count),
                               _cpu_ms(lambda p=base_path, c=baseline: c.get(p), count)))
            r, b = statistics.median(x for x, _ in rounds), statistics.median(y for _, y in rounds)
            ratio = statistics.median(x / y for x, y in rounds)
            medians[(size, label)] = (r, b)
            verdicts.append(ratio <= REAL_LIMIT)
            print(f"  {size:>10,}  {label:<16} real {r:6.2f}  baseline {b:6.2f}  real / baseline {ratio:5.2f}  "
                  f"{'PASS' if verdicts[-1] else 'FAIL'}")
        from shopcs.extensions import db

        with app.app_context():
            db.engine.dispose()
        baseline.application.extensions["bench_engine"].dispose()
    small, large = min(URLS[backend]), max(URLS[backend])
    for label, _, _ in PAGES:
        ratio = medians[(large, label)][0] / medians[(small, label)][0]
        base = medians[(large, label)][1] / medians[(small, label)][1]
        verdicts.append(ratio <= SCALE_LIMIT)
        print(f"  {large:,} / {small:,}  {label:<16} real {ratio:5.2f}  {'PASS' if verdicts[-1] else 'FAIL'}  "
              f"(baseline: {base:.2f})")
    return verdicts


# -- the weekly team report ------------------------------------------------------------------------------------

COHORT = """SELECT cases.id, cases.category, cases.channel, cases.severity, cases.status, cases.received_at,
  cases.first_response_due_at, cases.first_responded_at,
  (SELECT e.actor FROM case_events e WHERE e.case_id = cases.id AND e.kind IN ('reply', 'reply_logged')
   ORDER BY e.occurred_at, e.id LIMIT 1) AS first_actor, users.username
FROM cases LEFT OUTER JOIN users ON users.id = cases.owner_id
WHERE cases.category IN ('tracking', 'payment', 'claim', 'after_sales', 'pre_sale', 'complaint')
  AND cases.received_at >= :lo AND cases.received_at < :hi"""
ESCALATIONS = """SELECT e.case_id, e.kind, {reason} FROM case_events e JOIN cases ON cases.id = e.case_id
WHERE cases.category IN ('tracking', 'payment', 'claim', 'after_sales', 'pre_sale', 'complaint')
  AND cases.received_at >= :lo AND cases.received_at < :hi AND e.kind IN ('escalation', 'acknowledgement')"""
ACTIVITY = """SELECT actor, kind, count(*), sum(CASE WHEN {after} = 'resolved' THEN 1 ELSE 0 END) FROM case_events
WHERE actor IN ({labels}) AND occurred_at >= :lo AND occurred_at < :hi
  AND kind IN ('reply', 'reply_logged', 'note', 'transfer', 'acknowledgement', 'status') GROUP BY actor, kind"""
REFUNDS = """SELECT a.actor, a.action, a.after, o.currency FROM audit_entries a LEFT JOIN orders o ON o.id = a.order_id
  WHERE a.at >= :lo AND a.at < :hi
  AND a.action IN ('refund.requested', 'refund.approved', 'refund.rejected', 'refund.completed') ORDER BY a.at, a.id"""
ACTIVITY_NAMES = {"reply": "replies", "reply_logged": "replies", "note": "notes", "transfer": "transfers",
                  "acknowledgement": "acknowledged"}


def _moment(value, sqlite: bool):
    return value.isoformat(" ", "microseconds") if sqlite else value


def _dt(value):
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def baseline_report(conn, lo: datetime, hi: datetime, now: datetime, sqlite: bool) -> dict:
    """Hand-written SQL and the least Python: per person and for the team, the figures report_json shows."""
    from shopcs.reports.team.report import p90_microseconds
    from shopcs.reports.unpaid_recovery import median_microseconds

    bounds = {"lo": _moment(lo, sqlite), "hi": _moment(hi, sqlite)}
    people = [u for (u,) in conn.execute(text("SELECT username FROM users"))]
    figures: dict = defaultdict(lambda: {"cases": 0, "cat": Counter(), "chan": Counter(), "spans": [], "met": 0, "base": 0,
                                         "complaints": 0, "esc": 0, "ack": 0, "act": Counter(), "refunds": {}})
    owner_of = {}
    for cid, category, channel, _sev, _status, received, due, responded, first_actor, username in conn.execute(text(COHORT), bounds):
        who = first_actor[5:] if first_actor and first_actor.startswith("user:") else (None if first_actor else username)
        owner_of[cid] = who
        received, due = _dt(received), _dt(due)
        responded = _dt(responded) if responded is not None else None
        for key in ("", who) if who else ("",):
            f = figures[key]
            f["cases"] += 1
            f["cat"][category] += 1
            f["chan"][channel] += 1
            if responded is not None:
                f["spans"].append((responded - received) // timedelta(microseconds=1))
                f["met"] += responded <= due
            if responded is not None or now > due:
                f["base"] += 1
            f["complaints"] += category == "complaint"
    reason = "json_extract(e.data, '$.reason')" if sqlite else "e.data ->> 'reason'"
    for cid, kind, _reason in conn.execute(text(ESCALATIONS.format(reason=reason)), bounds):
        for key in ("", owner_of.get(cid)):
            if key is not None and key in figures:
                figures[key]["esc" if kind == "escalation" else "ack"] += 1
    after = "json_extract(data, '$.status.after')" if sqlite else "data -> 'status' ->> 'after'"
    labels = ", ".join(f":u{n}" for n in range(len(people)))
    params = {**bounds, **{f"u{n}": f"user:{name}" for n, name in enumerate(people)}}
    for actor, kind, count, resolved in conn.execute(text(ACTIVITY.format(after=after, labels=labels)), params):
        name, value = (ACTIVITY_NAMES[kind], count) if kind in ACTIVITY_NAMES else ("resolved", resolved or 0)
        if value:
            for key in ("", actor[5:]):
                figures[key]["act"][name] += value
    refunds: dict = defaultdict(dict)
    for actor, _action, after_value, currency in conn.execute(text(REFUNDS), bounds):
        after_value = json.loads(after_value) if isinstance(after_value, str) else (after_value or {})
        for key in ("", actor[5:] if actor and actor.startswith("user:") else None):
            if key is not None:  # each refund's last amount, in its order's currency
                refunds[key][after_value.get("refund_id")] = (currency or "CNY", Decimal(str(after_value.get("amount") or "0")))
    out = {}
    for key, f in figures.items():
        out[key or None] = (f["cases"], dict(f["cat"]), dict(f["chan"]), len(f["spans"]), median_microseconds(f["spans"]),
                            p90_microseconds(f["spans"]), f["met"], f["base"], f["complaints"], f["esc"], f["ack"],
                            {k: v for k, v in f["act"].items() if v}, len(refunds.get(key, {})),
                            _per_currency(refunds.get(key, {}).values()))
    for key in refunds:  # a person with refund actions only
        out.setdefault(key or None, (0, {}, {}, 0, None, None, 0, 0, 0, 0, 0, {}, len(refunds[key]),
                                     _per_currency(refunds[key].values())))
    return out


def _per_currency(amounts) -> dict:
    """{currency: sum} of (currency, amount) pairs, no zero: never summed across currencies (reports/amounts.py)."""
    sums: dict = defaultdict(Decimal)
    for currency, amount in amounts:
        sums[currency] += amount
    return {currency: total for currency, total in sums.items() if total}


def app_figures(report) -> dict:
    def one(f):
        return (f.cases, {k: v for k, v in f.by_category.items() if v}, {k: v for k, v in f.by_channel.items() if v},
                f.answered, f.median_seconds, f.p90_seconds, f.met, f.target_base, sum(f.complaints.values()),
                sum(f.escalations.values()), f.acknowledgements, {k: v for k, v in f.activity.items() if v},
                f.refunds_handled, dict(f.refund_amount.pairs))

    return {None: one(report.team), **{name: one(f) for name, f in report.agents.items()}}


def _plain(figures: dict) -> dict:
    """median/p90 in whole seconds on both sides (median_microseconds rounds; compare what the page shows)."""
    return {k: tuple(v) for k, v in figures.items() if v[0] or v[11] or v[12]}


def middle_week(conn, zone: str):
    from zoneinfo import ZoneInfo

    from shopcs.reports.team.report import week_window

    lo, hi = conn.execute(text("SELECT min(received_at), max(received_at) FROM cases")).one()
    lo, hi = _dt(lo), _dt(hi)
    return week_window((lo + (hi - lo) / 2).astimezone(ZoneInfo(zone)).date())


def report_backend(backend: str, args, checks: list[bool]) -> None:
    from shopcs.extensions import db
    from shopcs.reports.team.report import team_report

    for size, url in sorted(URLS[backend].items()):
        app = real_app(url)
        with app.app_context():
            zone = app.config["SHOPCS_TIMEZONE"]
            conn = db.session.connection()
            window = middle_week(conn, zone)
            lo, hi = window.utc_bounds(zone)
            sqlite = db.engine.dialect.name == "sqlite"

            def run_app(window=window, zone=zone):
                db.session.rollback()  # a fresh transaction each call, as a request would have
                return team_report(window, zone, NOW)

            def run_base(lo=lo, hi=hi, sqlite=sqlite):
                db.session.rollback()
                return baseline_report(db.session.connection(), lo, hi, NOW, sqlite)

            first_app, first_base = _plain(app_figures(run_app())), _plain(run_base())
            equal = first_app == first_base
            checks.append(equal)
            if not equal:
                for key in sorted(set(first_app) | set(first_base), key=str):
                    if first_app.get(key) != first_base.get(key):
                        print(f"  differs for {key}: app {first_app.get(key)} baseline {first_base.get(key)}")
            times = {"app": [], "baseline": []}
            ratios = []
            for _ in range(args.runs):
                within = {}
                for side in random.sample(["app", "baseline"], 2):
                    started = time.perf_counter()
                    (run_app if side == "app" else run_base)()
                    within[side] = time.perf_counter() - started
                    times[side].append(within[side])
                ratios.append(within["app"] / within["baseline"])
            ratio = statistics.median(ratios)
            checks.append(ratio <= REPORT_LIMIT)
            team = first_app[None]
            print(f"[{backend}] {size:,} cases, week {window.start} … {window.end} ({team[0]:,} cases counted, "
                  f"{len(first_app) - 1} people): app {median_ms(times['app']):.1f} ms, baseline "
                  f"{median_ms(times['baseline']):.1f} ms, ratio {ratio:.2f} "
                  f"{'PASS' if ratio <= REPORT_LIMIT else 'FAIL'}; figures {'equal' if equal else 'DIFFERENT (FAIL)'}")
            if args.explain and size == max(URLS[backend]):
                explain_report(db, window, zone, sqlite)
            db.session.remove()
            db.engine.dispose()


def explain_report(db, window, zone: str, sqlite: bool) -> None:
    from shopcs.reports.team.report import team_report

    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        team_report(window, zone, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    raw = db.session.connection().connection.driver_connection
    for statement, parameters in seen:
        if "case_events" not in statement and "cases" not in statement:
            continue
        cursor = raw.cursor()
        cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
        plan = [row[-1] if sqlite else row[0] for row in cursor.fetchall()]
        cursor.close()
        print("    " + " ".join(statement.split())[:160] + " ...")
        for line in plan:
            print("      " + line)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the gunicorns (finally) when killed
    os.makedirs(WORKDIR, exist_ok=True)
    checks: list[bool] = []
    for backend in args.backends.split(","):
        if args.only in (None, "report"):
            report_backend(backend, args, checks)
        if args.only in (None, "queue"):
            results = queue_backend(backend, args, checks)
            checks += queue_report(backend, results)
        if args.only in (None, "inprocess"):
            checks += inprocess_backend(backend, args)
    print(f"\n{sum(checks)} of {len(checks)} checks pass")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
