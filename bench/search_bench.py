"""The case queue's word search (issue 20): the word index against reading every case, at 1,000,000 cases.

    .venv/bin/python -m bench.search_bench                       # both backends, the case bench's 1M databases
    .venv/bin/python -m bench.search_bench --backends sqlite --runs 15 --terms 破损,围巾

The databases are bench/case_bench.py's (bench/generate_cases.py builds their word index as the migration does); only
read. For each term, in process on the app's own session: the search page's database work (`list_page`: choosing the
rarest pairs, the count up to search.COUNT_LIMIT and the first page, newest first), page 20, and the first page most
urgent first (the open cases by their clocks, then the rest newest first), each the median of --runs after one
warm-up; against the search before the index (the subject read with LIKE on every case, the exact
alternatives beside it, the most urgent first) and the scan the index stands for (subjects and messages, LIKE), which
must find the same cases: the same count (up to the limit) and the same first page. Then the index's size and what it
adds to writing a message. Bar: the word search's median at most 50 ms.
"""
import argparse
import statistics
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, text

from .case_bench import URLS, real_app

LIMIT_MS = 50.0
TERMS = ("破损", "围巾", "包裹破损要求赔偿", "显示签收但没收到", "SF", "{tracking}", "发票抬头", "您好", "破")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--size", type=int, default=1_000_000, choices=(10_000, 1_000_000))
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--terms", default=",".join(TERMS), help="{tracking}: a tracking number one message holds")
    parser.add_argument("--no-scan", dest="scan", action="store_false", help="skip the full scans (minutes at 1M)")
    return parser.parse_args(argv)


def median_ms(call, runs: int) -> float:
    from shopcs.extensions import db

    call()
    times = []
    for _ in range(runs):
        db.session.rollback()  # a fresh transaction each time, as a request has
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def tracking_number(conn) -> str:
    """The tracking number of the newest message that has one (bench/generate_cases.py writes "快递单号 SF…")."""
    body = conn.execute(text("SELECT body FROM case_events WHERE kind = 'customer_message' AND body LIKE '%单号 SF%' "
                             "ORDER BY id DESC LIMIT 1")).scalar()
    return body.rsplit(" ", 1)[1]


def old_search(term: str):
    """The search as it was before the index (queue/search.py at 9b26562): the subject by LIKE on every case or an
    exact alternative, the most urgent first; its count and first page."""
    from shopcs.cases.models import Case
    from shopcs.cases.queue.search import _like_escape
    from shopcs.extensions import db
    from shopcs.orders.models import Customer, Order

    def run():
        found = or_(Case.subject.ilike(f"%{_like_escape(term)}%", escape="\\"), Case.id.in_(
            select(Case.id).where(Case.order_id.in_(select(Order.id).where(Order.order_no == term)))
            .union_all(select(Case.id).where(Case.customer_id.in_(select(Customer.id).where(Customer.name == term))))))
        total = db.session.scalar(select(func.count()).select_from(Case).where(found))
        rows = db.session.execute(select(Case.id).where(found).order_by(Case.first_response_due_at, Case.id).limit(50))
        return total, [row.id for row in rows]
    return run


def scan(term: str) -> tuple[int, list[int]]:
    """Every case whose subject or a message contains the term: the count and the newest fifty."""
    from shopcs.cases.models import Case
    from shopcs.cases.queue.search import _like_escape, text_matches
    from shopcs.extensions import db

    pattern = {"term_like": f"%{_like_escape(term)}%"}
    total = db.session.scalar(select(func.count()).select_from(Case).where(text_matches()), pattern)
    first = list(db.session.scalars(select(Case.id).where(text_matches()).order_by(Case.id.desc()).limit(50), pattern))
    return total, first


def index_size(conn, sqlite: bool) -> str:
    if sqlite:
        try:
            pages = conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name = 'case_words'")).scalar()
        except Exception:  # noqa: BLE001 - a SQLite built without the dbstat table
            return "size unknown (no dbstat)"
        rows = conn.execute(text("SELECT count(*) FROM case_words")).scalar()
        return f"{rows:,} rows, {pages / 1e6:,.0f} MB (one B-tree, WITHOUT ROWID)"
    heap, index = conn.execute(text("SELECT pg_relation_size('case_words'), pg_indexes_size('case_words')")).one()
    rows = conn.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'case_words'")).scalar()
    return f"about {rows:,} rows, table {heap / 1e6:,.0f} MB + primary key {index / 1e6:,.0f} MB"


def write_cost(runs: int) -> float:
    """ms to index one more message of 120 characters (add_text), rolled back each time."""
    from shopcs.cases.wordsearch.index import add_text
    from shopcs.extensions import db

    message = ("您好，我上周买的加厚羊毛围巾今天到了，但是外箱压坏了，围巾上有污渍，快递单号 SF123456789012，"
               "麻烦帮我看一下怎么处理，是退货还是换货？谢谢！") * 2
    newest = db.session.scalar(text("SELECT max(id) FROM cases"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        add_text(newest, message[:120])
        db.session.flush()
        times.append(time.perf_counter() - started)
        db.session.rollback()
    return statistics.median(times) * 1000


def backend_report(backend: str, args) -> list[bool]:
    from shopcs.cases.queue.pages import SEARCH, CaseQuery, Viewer, list_page
    from shopcs.cases.queue.search import COUNT_LIMIT
    from shopcs.extensions import db

    url = URLS[backend][args.size]
    app = real_app(url)
    verdicts = []
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        conn = db.session.connection()
        cases = conn.execute(text("SELECT count(*) FROM cases")).scalar()
        print(f"\n== {backend}: {cases:,} cases; case_words {index_size(conn, sqlite)} ==")
        print(f"{'term':<18}{'found':>9}{'search ms':>11}{'page 20':>9}{'urgent':>8}{'before ms':>11}{'scan ms':>10}  "
              "result")
        viewer = Viewer(user_id=None, role="supervisor")
        tracking = tracking_number(conn)
        for term in args.terms.split(","):
            term = term.replace("{tracking}", tracking)
            first = CaseQuery(tab=SEARCH, q=term, sort="newest")
            deep = CaseQuery(tab=SEARCH, q=term, sort="newest", page=20)
            search_ms = median_ms(lambda q=first: list_page(q, viewer), args.runs)
            deep_ms = median_ms(lambda q=deep: list_page(q, viewer), args.runs)
            urgent = CaseQuery(tab=SEARCH, q=term, sort="urgent")
            urgent_ms = median_ms(lambda q=urgent: list_page(q, viewer), args.runs)
            before_ms = median_ms(old_search(term), max(1, args.runs // 3))
            page = list_page(first, viewer)
            shown = f"{page.total}{'+' if page.more else ''}"
            same, scan_ms = "", float("nan")
            if args.scan:
                started = time.perf_counter()
                total, newest = scan(term)
                scan_ms = (time.perf_counter() - started) * 1000
                counted = min(total, COUNT_LIMIT) if page.more else total
                equal = page.total == counted and page.more == (total > COUNT_LIMIT) and \
                    [row.id for row in page.rows] == newest
                verdicts.append(equal)
                shown = f"{total:,}"
                same = "same cases" if equal else "DIFFERENT (FAIL)"
            verdicts.append(search_ms <= LIMIT_MS)
            print(f"{term:<18}{shown:>9}{search_ms:>11.1f}{deep_ms:>9.1f}{urgent_ms:>8.1f}{before_ms:>11.0f}{scan_ms:>10.0f}  "
                  f"{'PASS' if search_ms <= LIMIT_MS else 'FAIL'} {same}")
            db.session.rollback()
        print(f"indexing a 120-character message (add_text, flushed): {write_cost(args.runs):.2f} ms")
        db.session.remove()
        db.engine.dispose()
    return verdicts


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"search bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; bar: the search's median <= {LIMIT_MS:.0f} ms")
    checks = []
    for backend in args.backends.split(","):
        checks += backend_report(backend, args)
    print(f"\n{sum(checks)} of {len(checks)} checks pass")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
