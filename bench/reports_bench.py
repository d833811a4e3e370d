"""Report functions against the best hand-written SQL for the same figures, on the same database, in the same run.

    .venv/bin/python -m bench.reports_bench \\
        --sqlite-url sqlite:////tmp/shopcs-bench/reports-1m.sqlite3 \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/shopcs_bench_reports_1m

For each backend, and for two windows — the 30 shop-local days ending the day before the newest order, and the
whole history up to that day — each report function is called through the app (create_app with
SHOPCS_DATABASE_URL pointing at the bench database, inside an app context) and each of its baselines: raw
`text()` SQL through the app's own engine plus the least Python that turns the rows into the same figures.
One warm-up call of each, then `--runs` rounds, each calling every side once in a shuffled order. Prints the
median per side and the ratio app ÷ fastest baseline (the one with the lowest median): the median over the rounds of
the two calls' ratio within a round. The figures of every side must be equal. Then, unless --no-explain,
EXPLAIN QUERY PLAN (SQLite) / EXPLAIN (PostgreSQL) of every statement the report sent, with the indexes it uses.
Exit status 1 when a ratio exceeds --limit (1.3) or any figures differ.

A report has several baselines when the fastest hand-written SQL is not the same on both backends or windows
(e.g. counting an index range per day vs. computing each row's day): the ratio is against the fastest one that
run. To add a report: write its baselines (SQL + post-processing) and add a `Case` to `CASES`.
"""
import argparse
import os
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, text

from shopcs.money import STORED_PER_UNIT

LIMIT = 1.3
INDEXED_TABLES = ("orders", "order_items", "refunds", "outbox_messages", "buyer_concerns")  # the reports read these
DAY = 86400
ROLLING = 30


# -- what a baseline gets -----------------------------------------------------------------------------------

@dataclass
class Query:
    """One backend, one window: the connection a baseline runs its SQL on, and the window's parameters."""

    conn: Any  # a Connection of the app's engine
    dialect: str
    first: date  # the window's first and last shop-local day
    last: date
    zone: str

    def instant(self, day: date):
        """The first instant of a shop-local day, as the database stores times (naive UTC; SQLite: its text)."""
        at = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(self.zone)).astimezone(UTC).replace(tzinfo=None)
        return at.isoformat(" ", "microseconds") if self.dialect == "sqlite" else at

    def bounds(self, widened: bool = False) -> dict:
        first = self.first - timedelta(days=ROLLING - 1) if widened else self.first
        return {"lo": self.instant(first), "hi": self.instant(self.last + timedelta(days=1))}

    def days(self, widened: bool = False, how: str = "values") -> tuple[str, dict]:
        """`WITH days(day, lo, hi) AS (...)`: each day's number (since 1970-01-01) and UTC bounds."""
        first = self.first - timedelta(days=ROLLING - 1) if widened else self.first
        rows = [((first - date(1970, 1, 1)).days + n, self.instant(first + timedelta(days=n)),
                 self.instant(first + timedelta(days=n + 1))) for n in range((self.last - first).days + 1)]
        if how == "unnest":  # PostgreSQL: three array parameters
            return ("WITH days AS (SELECT * FROM unnest(CAST(:days AS integer[]), CAST(:los AS timestamp[]), "
                    "CAST(:his AS timestamp[])) AS d(day, lo, hi))",
                    {"days": [r[0] for r in rows], "los": [r[1] for r in rows], "his": [r[2] for r in rows]})
        cast = ("CAST(:d{0} AS integer), CAST(:l{0} AS timestamp), CAST(:h{0} AS timestamp)" if self.dialect == "postgresql"
                else ":d{0}, :l{0}, :h{0}")
        params = {}
        for n, (number, lo, hi) in enumerate(rows):
            params.update({f"d{n}": number, f"l{n}": lo, f"h{n}": hi})
        return "WITH days(day, lo, hi) AS (VALUES " + ", ".join(f"({cast.format(n)})" for n in range(len(rows))) + ")", params

    def day_number(self, column: str) -> str:
        """SQL for the shop-local day number of a naive-UTC column; written for zones without daylight saving."""
        first, tz = self.first - timedelta(days=ROLLING), ZoneInfo(self.zone)
        offsets = {tz.utcoffset(datetime.combine(first + timedelta(days=n), time(12)))
                   for n in range((self.last - first).days + 2)}
        if len(offsets) != 1:
            raise SystemExit(f"the hand-written baselines assume a zone without daylight saving, not {self.zone}")
        offset = int(offsets.pop().total_seconds())
        if self.dialect == "sqlite":
            return f"((CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) + {offset}) / {DAY})"
        return f"(CAST({column} + interval '{offset} seconds' AS date) - DATE '1970-01-01')"

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return [tuple(row) for row in self.conn.execute(text(sql), params or {})]


@dataclass(frozen=True)
class Baseline:
    name: str
    run: Callable[[Query], Any]  # SQL and post-processing; returns the figures in the Case's normal form
    dialects: tuple[str, ...] = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Case:
    name: str
    report: Callable  # report(window, zone), called in the app context
    normal: Callable[[Any], Any]  # the report's result -> plain, comparable figures
    baselines: tuple[Baseline, ...]


# -- the refund-rate report ---------------------------------------------------------------------------------

COMPLETED = "status = 'completed' AND completed_at >= :lo AND completed_at < :hi"


def _completed(alias: str) -> str:
    """COMPLETED for the refunds table under `alias` (joined to its orders for their currency)."""
    return f"{alias}.status = 'completed' AND {alias}.completed_at >= :lo AND {alias}.completed_at < :hi"


def _fen(amounts) -> tuple:
    """The report's money (amounts.Amounts) in the database's integer unit (thousandths, money.py), per currency in the
    report's order, to compare with the raw sums (_money)."""
    return tuple((currency, int(amount * STORED_PER_UNIT)) for currency, amount in amounts.pairs)


def _money(sums) -> tuple:
    """(currency, stored sum) pairs from SQL as _fen gives the report's: summed per currency, no zero, the shop's
    currency first."""
    from shopcs.reports.amounts import currency_order

    found = Counter()
    for currency, stored in sums:
        found[currency] += int(stored or 0)
    return tuple((currency, found[currency]) for currency in sorted(found, key=currency_order) if found[currency])


def _per_key(rows) -> dict:
    """(key, currency, orders, stored sum) rows → key → (orders over all currencies, _money of the sums)."""
    found: dict = {}
    for key, currency, orders, stored in rows:
        count, sums = found.get(key, (0, []))
        found[key] = (count + orders, [*sums, (currency, stored)])
    return {key: (orders, _money(sums)) for key, (orders, sums) in found.items()}


def _stored_key(money: tuple) -> int:
    """Rows ordered by money compare the shop's currency only (reports/amounts.py)."""
    return dict(money).get("CNY", 0)


def totals_sql(q: Query):
    rows = q.rows(f"""
        SELECT 'paid', currency, count(*), sum(total) FROM orders WHERE paid_at >= :lo AND paid_at < :hi GROUP BY currency
        UNION ALL
        SELECT 'refunded', o.currency, count(DISTINCT r.order_id), sum(r.amount)
        FROM refunds r JOIN orders o ON o.id = r.order_id WHERE {_completed("r")} GROUP BY o.currency""",
                  q.bounds())
    figures = _per_key(rows)
    paid, refunded = figures.get("paid", (0, ())), figures.get("refunded", (0, ()))
    return paid[0], refunded[0], paid[1], refunded[1]


def _rolling(q: Query, paid: dict, spans) -> list[tuple]:
    """Per day of the window: (day, paid, refunded, rolling paid, rolling refunded) from the per-day counts and the
    (refund day, first day it newly covers, pairs) rows."""
    refunded, change = Counter(), Counter()
    for day, covers_from, pairs in spans:
        refunded[day] += pairs
        change[covers_from] += pairs
        change[day + ROLLING] -= pairs
    out, rolling_paid, rolling_refunded = [], 0, 0
    epoch = date(1970, 1, 1)
    first = (q.first - epoch).days
    for n in range(first - ROLLING + 1, (q.last - epoch).days + 1):
        rolling_paid += paid.get(n, 0) - paid.get(n - ROLLING, 0)
        rolling_refunded += change[n]
        if n >= first:
            out.append((epoch + timedelta(days=n), paid.get(n, 0), refunded[n], rolling_paid, rolling_refunded))
    return out


SPANS = f"""
    spans AS (SELECT day, LAG(day) OVER (PARTITION BY order_id ORDER BY day) AS previous FROM pairs)
    SELECT day, CASE WHEN previous > day - {ROLLING} THEN previous + {ROLLING} ELSE day END AS covers_from, count(*)
    FROM spans GROUP BY day, covers_from"""


def _paid_per_day_by_bounds(q: Query, how: str = "values") -> dict:
    days, params = q.days(widened=True, how=how)
    return dict(q.rows(days + " SELECT day, (SELECT count(*) FROM orders WHERE paid_at >= lo AND paid_at < hi) FROM days",
                       params))


def _paid_per_day_by_row(q: Query) -> dict:
    return dict(q.rows(f"SELECT {q.day_number('paid_at')} AS day, count(*) FROM orders "
                       "WHERE paid_at >= :lo AND paid_at < :hi GROUP BY day", q.bounds(widened=True)))


def _spans_by_row(q: Query) -> list[tuple]:
    return q.rows(f"WITH pairs AS (SELECT DISTINCT order_id, {q.day_number('completed_at')} AS day FROM refunds "
                  f"WHERE {COMPLETED}), " + SPANS, q.bounds(widened=True))


def _spans_by_bounds(q: Query) -> list[tuple]:
    days, params = q.days(widened=True)
    return q.rows(days + ", pairs AS (SELECT DISTINCT r.order_id, days.day FROM days JOIN refunds r "
                  "ON r.status = 'completed' AND r.completed_at >= days.lo AND r.completed_at < days.hi), " + SPANS, params)


def _spans_in_python(q: Query) -> list[tuple]:
    """The distinct (order, day) pairs to Python, the LAG done there."""
    days_of: dict[int, set] = {}
    for order_id, day in q.rows(f"SELECT order_id, {q.day_number('completed_at')} FROM refunds WHERE {COMPLETED}",
                                q.bounds(widened=True)):
        days_of.setdefault(order_id, set()).add(day)
    spans = Counter()
    for days in days_of.values():
        previous = None
        for day in sorted(days):
            spans[(day, previous + ROLLING if previous is not None and previous > day - ROLLING else day)] += 1
            previous = day
    return [(day, covers_from, n) for (day, covers_from), n in spans.items()]


DAY_BASELINES = (
    Baseline("bounds count + row day LAG", lambda q: _rolling(q, _paid_per_day_by_bounds(q), _spans_by_row(q))),
    Baseline("bounds count (unnest) + row day LAG",
             lambda q: _rolling(q, _paid_per_day_by_bounds(q, "unnest"), _spans_by_row(q)), ("postgresql",)),
    Baseline("row day GROUP BY + row day LAG", lambda q: _rolling(q, _paid_per_day_by_row(q), _spans_by_row(q))),
    Baseline("bounds count + bounds join LAG", lambda q: _rolling(q, _paid_per_day_by_bounds(q), _spans_by_bounds(q))),
    Baseline("bounds count + pairs to Python", lambda q: _rolling(q, _paid_per_day_by_bounds(q), _spans_in_python(q))),
)

PAID_PER_SKU = """
    SELECT oi.sku, o.currency, max(oi.title), count(DISTINCT o.id), sum(oi.unit_price * oi.quantity)
    FROM orders o JOIN order_items oi ON oi.order_id = o.id
    WHERE o.paid_at >= :lo AND o.paid_at < :hi GROUP BY oi.sku, o.currency"""
PAID_PER_SKU_ITEMS_FIRST = """
    SELECT oi.sku, o.currency, max(oi.title), count(DISTINCT o.id), sum(oi.unit_price * oi.quantity)
    FROM order_items oi NOT INDEXED CROSS JOIN orders o ON oi.order_id = o.id
    WHERE o.paid_at >= :lo AND o.paid_at < :hi GROUP BY oi.sku, o.currency"""
PAID_PER_SKU_LATERAL = """
    SELECT oi.sku, o.currency, max(oi.title), count(DISTINCT o.id), sum(oi.unit_price * oi.quantity)
    FROM orders o CROSS JOIN LATERAL (SELECT sku, title, unit_price, quantity FROM order_items
                                      WHERE order_id = o.id OFFSET 0) AS oi
    WHERE o.paid_at >= :lo AND o.paid_at < :hi GROUP BY oi.sku, o.currency"""
REFUNDED_PER_SKU = f"""
    SELECT sku, currency, max(title), count(*), sum(fen) FROM (
        SELECT oi.sku, max(r.currency) AS currency, max(oi.title) AS title, max(r.fen) AS fen
        FROM (SELECT rf.order_id, o.currency, sum(rf.amount) AS fen FROM refunds rf JOIN orders o ON o.id = rf.order_id
              WHERE {_completed("rf")} GROUP BY rf.order_id, o.currency) AS r
        JOIN order_items oi ON oi.order_id = r.order_id
        GROUP BY r.order_id, oi.sku) AS lines
    GROUP BY sku, currency"""


def _by_product(q: Query, paid_sql: str = PAID_PER_SKU) -> list[tuple]:
    figures: dict = {}  # sku → [(paid?, title), paid orders, paid sums, refunded orders, refunded sums]
    for side, sql in ((1, paid_sql), (3, REFUNDED_PER_SKU)):
        for sku, currency, title, orders, fen in q.rows(sql, q.bounds()):
            found = figures.setdefault(sku, [(False, ""), 0, [], 0, []])
            found[0] = max(found[0], (side == 1, title))
            found[side] += orders
            found[side + 1].append((currency, fen))
    rows = [(sku, title, paid, _money(paid_sums), refunded, _money(refunded_sums))
            for sku, ((_, title), paid, paid_sums, refunded, refunded_sums) in figures.items()]
    return sorted(rows, key=lambda r: (-r[4], -_stored_key(r[5]), r[0]))


def _grouped(column: str):
    def run(q: Query) -> list[tuple]:
        rows = q.rows(f"SELECT {column} AS k, o.currency, count(DISTINCT r.order_id), sum(r.amount) "
                      f"FROM refunds r JOIN orders o ON o.id = r.order_id WHERE {_completed('r')} "
                      "GROUP BY k, o.currency", q.bounds())
        return sorted(((k, n, money) for k, (n, money) in _per_key(rows).items()), key=lambda r: (-r[1], -_stored_key(r[2]), r[0]))
    return run


def _refund_rate_cases() -> tuple[Case, ...]:
    from shopcs.reports import refund_rate as rr

    return (
        Case("totals", rr.totals,
             lambda t: (t.paid_orders, t.refunded_orders, _fen(t.paid_amount), _fen(t.refunded_amount)),
             (Baseline("one statement", totals_sql),)),
        Case("by_day", rr.by_day,
             lambda rows: [(r.day, r.paid_orders, r.refunded_orders, r.rolling_paid, r.rolling_refunded) for r in rows],
             DAY_BASELINES),
        Case("by_product", rr.by_product,
             lambda rows: [(r.sku, r.title, r.paid_orders, _fen(r.paid_amount), r.refunded_orders, _fen(r.refunded_amount))
                           for r in rows],
             (Baseline("orders first", _by_product),
              Baseline("items first", lambda q: _by_product(q, PAID_PER_SKU_ITEMS_FIRST), ("sqlite",)),
              Baseline("each order's lines (LATERAL)", lambda q: _by_product(q, PAID_PER_SKU_LATERAL), ("postgresql",)))),
        Case("by_reason", rr.by_reason, lambda rows: [(r.reason, r.refunded_orders, _fen(r.refunded_amount)) for r in rows],
             (Baseline("group by", _grouped("r.reason")),)),
        Case("by_agent", rr.by_agent, lambda rows: [(r.agent, r.refunded_orders, _fen(r.refunded_amount)) for r in rows],
             (Baseline("group by", _grouped("coalesce(r.decided_by, '')")),)),
    )


# -- unpaid recovery -----------------------------------------------------------------------------------------

GRACE = timedelta(minutes=30)  # the follow-up settings' default first-reminder delay
REMINDER = "unpaid_reminder"


def _not_paid_within_grace(q: Query, seconds: int) -> str:
    """paid_at is null or paid_at >= placed_at + grace, exactly (times to the microsecond)."""
    if q.dialect == "postgresql":
        return f"(o.paid_at IS NULL OR o.paid_at >= o.placed_at + interval '{seconds} seconds')"
    # julianday() keeps milliseconds: decide by it away from the edge, by the text of placed_at + grace near it
    span = "(julianday(o.paid_at) - julianday(o.placed_at)) * 86400"
    exact = (f"o.paid_at >= strftime('%Y-%m-%d %H:%M:%S', o.placed_at, '+{seconds} seconds') || substr(o.placed_at, 20)")
    return f"(o.paid_at IS NULL OR {span} >= {seconds + 0.01} OR ({span} > {seconds - 0.01} AND {exact}))"


def _microseconds(q: Query, later: str, earlier: str) -> str:
    if q.dialect == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {later} - {earlier}) * 1000000 AS bigint)"
    whole = f"CAST(round((julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19))) * 86400) AS INTEGER)"
    return f"({whole} * 1000000 + (substr({later}, 21) - substr({earlier}, 21)))"


def _recovery_rows(q: Query, how: str) -> str:
    """Per cohort order: step (null when not reminded), paid_at, total, span (µs from its last reminder sent at or
    before payment to the payment). `how` finds that reminder: a correlated subquery per order, then the reminder
    by id; (PostgreSQL) LATERAL, or DISTINCT ON over a join."""
    where = (f"o.placed_at >= :lo AND o.placed_at < :hi AND {_not_paid_within_grace(q, int(GRACE.total_seconds()))}")
    sent = (f"m.order_id = o.id AND m.kind = '{REMINDER}' AND m.status = 'sent' AND m.sent_at IS NOT NULL "
            "AND (o.paid_at IS NULL OR m.sent_at <= o.paid_at)")
    last = f"FROM outbox_messages m WHERE {sent} ORDER BY m.sent_at DESC, m.id DESC LIMIT 1"

    def columns(order: str, reminder: str) -> str:
        return (f"substr({reminder}.dedupe_key, length(CAST({order}.id AS text)) + {len(REMINDER) + 3}) AS step, "
                f"{order}.paid_at, {order}.total, {order}.currency, "
                f"{_microseconds(q, f'{order}.paid_at', f'{reminder}.sent_at')} AS span")

    if how == "subquery":
        return (f"SELECT {columns('c', 'r')} FROM (SELECT o.id, o.paid_at, o.total, o.currency, (SELECT m.id {last}) AS mid "
                f"FROM orders o WHERE {where}) AS c LEFT JOIN outbox_messages r ON r.id = c.mid")
    if how == "lateral":
        return (f"SELECT {columns('o', 'r')} FROM orders o LEFT JOIN LATERAL (SELECT m.sent_at, m.dedupe_key {last}) AS r "
                f"ON true WHERE {where}")
    assert how == "distinct on"
    return (f"SELECT {columns('c', 'c')} FROM (SELECT DISTINCT ON (o.id) o.id, o.paid_at, o.total, o.currency, m.sent_at, "
            f"m.dedupe_key FROM orders o LEFT JOIN outbox_messages m ON {sent} WHERE {where} "
            "ORDER BY o.id, m.sent_at DESC, m.id DESC) AS c")


STEP_SUMS = ("SELECT step, currency, count(*), count(paid_at), coalesce(sum(CASE WHEN paid_at IS NOT NULL THEN total END), 0) "
             "FROM per_order GROUP BY step, currency")


def _recovery_figures(step_rows, spans_sorted_or_middle, n=None):
    from shopcs.reports.unpaid_recovery import _step_order, step_name

    figures: dict[str, list] = {}
    for raw, currency, orders, recovered, fen in step_rows:
        row = figures.setdefault(step_name(raw), [0, 0, []])
        row[0], row[1] = row[0] + orders, row[1] + recovered
        row[2].append((currency, fen))
    rows = [(step, orders, recovered, _money(sums))
            for step, (orders, recovered, sums) in sorted(figures.items(), key=lambda item: _step_order(item[0]))]
    return rows, _median(spans_sorted_or_middle, n)


def _median(middle: list[int], n: int | None = None) -> int | None:
    """The median of n sorted values (in µs) given all of them, or (with n) only the one or two middle ones."""
    from fractions import Fraction

    if n is None:
        n, middle = len(middle), middle[(len(middle) - 1) // 2: len(middle) // 2 + 1]
    if not n:
        return None
    return round(Fraction(sum(int(value) for value in middle), len(middle)) / 1_000_000)


def _recovery_spans_to_python(how: str):
    """One statement: the per-step sums, then every span (to Python, which sorts them)."""
    def run(q: Query):
        rows = q.rows(f"WITH per_order AS ({_recovery_rows(q, how)}) {STEP_SUMS} UNION ALL "
                      "SELECT '-', NULL, NULL, NULL, span FROM per_order WHERE paid_at IS NOT NULL AND span IS NOT NULL",
                      q.bounds())
        steps = [row for row in rows if row[0] != "-"]
        return _recovery_figures(steps, sorted(row[4] for row in rows if row[0] == "-"))
    return run


def _recovery_spans_per_step(how: str):
    """One statement, one pass: per step its sums and its spans as one array (SQLite JSON, PostgreSQL array_agg)."""
    def run(q: Query):
        import json

        spans_of = ("json_group_array(span)" if q.dialect == "sqlite" else "array_agg(span)")
        rows = q.rows(f"""SELECT step, currency, count(*), count(paid_at),
                                 coalesce(sum(CASE WHEN paid_at IS NOT NULL THEN total END), 0),
                                 {spans_of} FILTER (WHERE paid_at IS NOT NULL AND span IS NOT NULL)
                          FROM ({_recovery_rows(q, how)}) AS per_order GROUP BY step, currency""", q.bounds())
        spans = sorted(span for row in rows for span in (json.loads(row[5]) if q.dialect == "sqlite" else row[5] or []))
        return _recovery_figures([row[:5] for row in rows], spans)
    return run


def _recovery_middle_in_sql(how: str):
    """One statement: the per-step sums, then the one or two middle spans (row_number over the spans, in SQL)."""
    def run(q: Query):
        rows = q.rows(f"""WITH per_order AS MATERIALIZED ({_recovery_rows(q, how)}),
            spans AS (SELECT span, row_number() OVER (ORDER BY span) AS n, count(*) OVER () AS total
                      FROM per_order WHERE paid_at IS NOT NULL AND span IS NOT NULL)
            {STEP_SUMS} UNION ALL SELECT '-', NULL, total, NULL, span FROM spans WHERE 2 * n IN (total, total + 1, total + 2)""",
                      q.bounds())
        middle = sorted(row[4] for row in rows if row[0] == "-")
        return _recovery_figures([row for row in rows if row[0] != "-"], middle, next((row[2] for row in rows if row[0] == "-"), 0))
    return run


def _recovery_two_statements(how: str):
    """The per-step sums; then the middle spans by ORDER BY ... LIMIT/OFFSET (the count known from the first)."""
    def run(q: Query):
        steps = q.rows(f"WITH per_order AS ({_recovery_rows(q, how)}) {STEP_SUMS}", q.bounds())
        n = sum(recovered for raw, _, _, recovered, _ in steps if raw is not None)
        middle = [span for (span,) in q.rows(
            f"SELECT span FROM ({_recovery_rows(q, how)}) AS per_order WHERE paid_at IS NOT NULL AND span IS NOT NULL "
            "ORDER BY span LIMIT :take OFFSET :skip", {**q.bounds(), "take": 2 - n % 2, "skip": (n - 1) // 2})] if n else []
        return _recovery_figures(steps, middle, n)
    return run


def _reminded_split(q: Query):
    """The dashboard's recovery figures: the cohort split by whether any reminder was sent before payment."""
    where = (f"o.placed_at >= :lo AND o.placed_at < :hi AND {_not_paid_within_grace(q, int(GRACE.total_seconds()))}")
    sent = (f"m.order_id = o.id AND m.kind = '{REMINDER}' AND m.status = 'sent' AND m.sent_at IS NOT NULL "
            "AND (o.paid_at IS NULL OR m.sent_at <= o.paid_at)")
    split = {True: [0, 0, []], False: [0, 0, []]}
    for reminded, currency, orders, recovered, fen in q.rows(f"""
            SELECT reminded, currency, count(*), count(paid_at), coalesce(sum(CASE WHEN paid_at IS NOT NULL THEN total END), 0)
            FROM (SELECT EXISTS (SELECT 1 FROM outbox_messages m WHERE {sent}) AS reminded, o.currency, o.paid_at, o.total
                  FROM orders o WHERE {where}) AS c GROUP BY reminded, currency""", q.bounds()):
        part = split[bool(reminded)]
        part[0], part[1] = part[0] + orders, part[1] + recovered
        part[2].append((currency, fen))
    return tuple((orders, recovered, _money(sums)) for orders, recovered, sums in (split[True], split[False]))


def _recovery_cases() -> tuple[Case, ...]:
    from shopcs.reports import dashboard
    from shopcs.reports import unpaid_recovery as ur

    both, pg = ("sqlite", "postgresql"), ("postgresql",)
    return (
        Case("recovery", lambda window, zone: ur.unpaid_recovery(window, zone, GRACE),
             lambda r: ([(row.step, row.orders, row.recovered, _fen(row.recovered_amount)) for row in r.rows],
                        r.totals.median_seconds_to_pay),
             (Baseline("subquery, spans to Python", _recovery_spans_to_python("subquery"), both),
              Baseline("subquery, spans per step", _recovery_spans_per_step("subquery"), ("sqlite",)),
              Baseline("lateral, spans per step", _recovery_spans_per_step("lateral"), pg),
              Baseline("distinct on, spans per step", _recovery_spans_per_step("distinct on"), pg),
              Baseline("subquery, middle by row_number", _recovery_middle_in_sql("subquery"), both),
              Baseline("subquery, two statements", _recovery_two_statements("subquery"), both),
              Baseline("lateral, spans to Python", _recovery_spans_to_python("lateral"), pg),
              Baseline("distinct on, spans to Python", _recovery_spans_to_python("distinct on"), pg))),
        Case("dash_recov", lambda window, zone: dashboard.recovery_figures(window, zone, GRACE),
             lambda h: tuple((r.orders, r.recovered, _fen(r.recovered_amount)) for r in (h.reminded, h.not_reminded)),
             (Baseline("exists per order", _reminded_split),)),
    )


# -- repurchase ----------------------------------------------------------------------------------------------

PER_CUSTOMER = "SELECT customer_id, count(*) AS orders FROM orders WHERE paid_at >= :lo AND paid_at < :hi GROUP BY customer_id"


def _buckets(rows) -> list[tuple]:
    from shopcs.reports.repurchase import BUCKETS, bucket

    counts = {name: [0, 0] for name in BUCKETS}
    for orders, customers, returning in rows:
        counts[bucket(orders)][0] += customers
        counts[bucket(orders)][1] += int(returning)
    return [(name, customers, returning) for name, (customers, returning) in counts.items()]


def _repurchase_exists(q: Query):
    return _buckets(q.rows(f"""
        SELECT pc.orders, count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM orders b WHERE b.customer_id = pc.customer_id
                                                          AND b.paid_at < :lo) THEN 1 ELSE 0 END)
        FROM ({PER_CUSTOMER}) AS pc GROUP BY pc.orders""", q.bounds()))


def _repurchase_earlier_set(q: Query):
    return _buckets(q.rows(f"""
        SELECT pc.orders, count(*), count(pb.customer_id)
        FROM ({PER_CUSTOMER}) AS pc LEFT JOIN (SELECT DISTINCT customer_id FROM orders WHERE paid_at < :lo) AS pb
             ON pb.customer_id = pc.customer_id GROUP BY pc.orders""", q.bounds()))


def _repurchase_semi_anti(q: Query):
    """Two joins the planner can turn into a semi and an anti join (PostgreSQL)."""
    earlier = "SELECT 1 FROM orders b WHERE b.customer_id = pc.customer_id AND b.paid_at < :lo"
    return _buckets(q.rows(f"""
        SELECT orders, count(*), sum(back) FROM (
            SELECT pc.orders, 1 AS back FROM ({PER_CUSTOMER}) AS pc WHERE EXISTS ({earlier})
            UNION ALL SELECT pc.orders, 0 FROM ({PER_CUSTOMER}) AS pc WHERE NOT EXISTS ({earlier})) AS x
        GROUP BY orders""", q.bounds()))


def _repurchase_previous_payment(q: Query):
    """orders.previous_paid_at (the customer's payment before each one): no seek per customer."""
    return _buckets(q.rows("""
        SELECT orders, count(*), sum(back) FROM (
            SELECT count(*) AS orders, max(CASE WHEN previous_paid_at < :lo THEN 1 ELSE 0 END) AS back
            FROM orders WHERE paid_at >= :lo AND paid_at < :hi GROUP BY customer_id) AS pc
        GROUP BY orders""", q.bounds()))


def _repurchase_totals_grouped(q: Query):
    """The dashboard's three totals by grouping the window's payments by customer, a seek each for an earlier one."""
    customers, returning, multi = q.rows("""
        SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM orders b WHERE b.customer_id = pc.customer_id
                                                        AND b.paid_at < :lo) THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN pc.orders > 1 THEN 1 ELSE 0 END), 0)
        FROM (SELECT customer_id, count(*) AS orders FROM orders WHERE paid_at >= :lo AND paid_at < :hi
              GROUP BY customer_id) AS pc""", q.bounds())[0]
    return (customers, returning, multi)


def _repurchase_totals_previous_grouped(q: Query):
    """The three totals from previous_paid_at, grouped by customer."""
    customers, returning, multi = q.rows("""
        SELECT count(*), coalesce(sum(back), 0), coalesce(sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END), 0) FROM (
            SELECT count(*) AS orders, max(CASE WHEN previous_paid_at < :lo THEN 1 ELSE 0 END) AS back
            FROM orders WHERE paid_at >= :lo AND paid_at < :hi GROUP BY customer_id) AS pc""", q.bounds())[0]
    return (customers, returning, multi)


def _repurchase_totals_previous_counted(q: Query):
    """The three totals from previous_paid_at, counted without grouping (each customer's first order in the
    window is the one whose previous payment is not in it)."""
    customers, returning, multi = q.rows("""
        SELECT sum(CASE WHEN previous_paid_at IS NULL OR previous_paid_at < :lo THEN 1 ELSE 0 END),
               sum(CASE WHEN previous_paid_at < :lo THEN 1 ELSE 0 END),
               count(DISTINCT CASE WHEN previous_paid_at >= :lo THEN customer_id END)
        FROM orders WHERE paid_at >= :lo AND paid_at < :hi""", q.bounds())[0]
    return (int(customers or 0), int(returning or 0), multi)


def _repurchase_cases() -> tuple[Case, ...]:
    from shopcs.reports import repurchase as rp

    return (
        Case("repurchase", rp.by_orders_paid, lambda rows: [(r.orders_paid, r.customers, r.returning) for r in rows],
             (Baseline("exists per customer", _repurchase_exists),
              Baseline("join earlier customers", _repurchase_earlier_set),
              Baseline("semi + anti join", _repurchase_semi_anti, ("postgresql",)),
              Baseline("previous payment, grouped", _repurchase_previous_payment))),
        Case("dash_repurchase", rp.totals, lambda t: (t.customers, t.returning, t.multi),
             (Baseline("exists per customer", _repurchase_totals_grouped),
              Baseline("previous payment, grouped", _repurchase_totals_previous_grouped),
              Baseline("previous payment, counted", _repurchase_totals_previous_counted))),
    )


# -- buyer concerns ------------------------------------------------------------------------------------------

CONCERNS_IN = ("FROM buyer_concerns bc JOIN orders o ON o.id = bc.order_id "
               "WHERE bc.created_at >= :lo AND bc.created_at < :hi")
CONCERN_FIGURES = ("count(*), count(DISTINCT bc.order_id), "
                   "count(DISTINCT CASE WHEN o.paid_at >= bc.created_at THEN bc.order_id END)")


def _concerns_sorted(totals: tuple, rows) -> tuple:
    return tuple(totals), sorted((tuple(row) for row in rows), key=lambda r: (-r[1], -r[2], r[0]))


def _concerns_two(q: Query):
    (totals,) = q.rows(f"SELECT {CONCERN_FIGURES} {CONCERNS_IN}", q.bounds())
    return _concerns_sorted(totals, q.rows(f"SELECT bc.category, {CONCERN_FIGURES} {CONCERNS_IN} GROUP BY bc.category",
                                           q.bounds()))


def _concerns_one(q: Query):
    rows = q.rows(f"SELECT bc.category, {CONCERN_FIGURES} {CONCERNS_IN} GROUP BY bc.category "
                  f"UNION ALL SELECT NULL, {CONCERN_FIGURES} {CONCERNS_IN}", q.bounds())
    return _concerns_sorted(next(row[1:] for row in rows if row[0] is None), [row for row in rows if row[0] is not None])


def _concerns_cases() -> tuple[Case, ...]:
    from shopcs.reports import concerns as cc

    return (
        Case("concerns", cc.concerns_report,
             lambda r: ((r.totals.concerns, r.totals.orders, r.totals.paid_since),
                        [(row.category, row.concerns, row.orders, row.paid_since) for row in r.rows]),
             (Baseline("totals + by category", _concerns_two), Baseline("one UNION ALL", _concerns_one))),
    )


CASES: dict[str, Callable[[], tuple[Case, ...]]] = {"refund_rate": _refund_rate_cases, "unpaid_recovery": _recovery_cases,
                                                    "repurchase": _repurchase_cases, "concerns": _concerns_cases}


# -- running ------------------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reports_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-url", default="sqlite:////tmp/shopcs-bench/reports-1m.sqlite3")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/shopcs_bench_reports_1m")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--windows", default="30d,full", help="30d (the 30 days ending yesterday), full (all history)")
    parser.add_argument("--reports", default=",".join(CASES), help=f"comma separated: {', '.join(CASES)}")
    parser.add_argument("--only", default="", help="comma separated case names, e.g. by_day,totals")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per side (after one warm-up)")
    parser.add_argument("--limit", type=float, default=LIMIT)
    parser.add_argument("--zone", default=None, help="SHOPCS_TIMEZONE for the app (default: the app's)")
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    parser.add_argument("--add-missing-indexes", action="store_true",
                        help="put the bench database's indexes in the models' state: create the missing ones, recreate "
                             "those on other columns, drop those the models no longer declare (then ANALYZE)")
    return parser.parse_args(argv)


def windows_of(conn, names: list[str], zone: str) -> dict[str, tuple[date, date]]:
    """'Yesterday' is the day before the newest order's (the bench database's `now`), not the clock's."""
    newest, oldest = (conn.execute(text(f"SELECT placed_at FROM orders ORDER BY id {o} LIMIT 1")).scalar()
                      for o in ("DESC", "ASC"))

    def local(value) -> date:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()

    yesterday = local(newest) - timedelta(days=1)
    known = {"30d": (yesterday - timedelta(days=ROLLING - 1), yesterday), "full": (local(oldest), yesterday)}
    return {name: known[name] for name in names}


def check_indexes(engine, metadata, tables: tuple[str, ...], add: bool) -> bool:
    """The bench database should have the indexes the app's models declare (a database generated before an index
    was added or changed lacks it, or has it on other columns, or still has one the models dropped); with `add`,
    put them in the models' state and refresh the planner's statistics."""
    from sqlalchemy import inspect

    changes = []
    for name in tables:
        known = {index["name"]: index["column_names"] for index in inspect(engine).get_indexes(name)}
        declared = {index.name: index for index in metadata.tables[name].indexes}
        for index_name, index in declared.items():
            columns = [column.name for column in index.columns]
            if index_name not in known:
                changes.append((f"index {index_name} of the models is missing from the bench database", None, index))
            elif known[index_name] != columns:
                changes.append((f"index {index_name} is on {known[index_name]} in the bench database, on {columns} in "
                                "the models", index_name, index))
        for index_name in known:
            if index_name.startswith("ix_") and index_name not in declared:
                changes.append((f"index {index_name} of the bench database is no longer in the models", index_name, None))
    for problem, drop, create in changes:
        print(f"  {problem}" + ("; fixing it" if add else " (--add-missing-indexes fixes it)"))
        if add:
            if drop:
                with engine.begin() as conn:
                    conn.execute(text(f"DROP INDEX {drop}"))
            if create is not None:
                create.create(engine)
    if changes and add:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return not changes or add


def timed(call) -> tuple[float, Any]:
    started = perf_counter()
    value = call()
    return perf_counter() - started, value


class StatementLog:
    """The statements the app sends while `recording`, for EXPLAIN."""

    def __init__(self, engine):
        self.recording, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.recording:
            self.statements.append((statement, parameters))


def explain(conn, dialect: str, statement: str, parameters) -> list[str]:
    if dialect == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        depth = {0: -1}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return lines
    return [row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()]


def indexes_in(plan: list[str]) -> list[str]:
    found = []
    for line in plan:
        for name in re.findall(r"(?:INDEX|[Ii]ndex(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) ([A-Za-z_]\w*)", line):
            if name not in found:
                found.append(name)
    return found


def short(statement: str) -> str:
    one_line = " ".join(statement.split())
    one_line = re.sub(r"VALUES \(.{40,}?\)\)", "VALUES (...)", one_line)
    return one_line if len(one_line) <= 150 else one_line[:147] + "..."


def bench_backend(url: str, args, cases: list[Case]) -> tuple[list[tuple], bool]:
    os.environ["SHOPCS_DATABASE_URL"] = url
    os.environ.setdefault("SHOPCS_SECRET_KEY", "bench-" + "k" * 32)
    if args.zone:
        os.environ["SHOPCS_TIMEZONE"] = args.zone
    from shopcs import create_app
    from shopcs.extensions import db
    from shopcs.windows import Window

    app = create_app()
    zone = app.config["SHOPCS_TIMEZONE"]
    results, ok = [], True
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        ok &= check_indexes(engine, db.metadata, INDEXED_TABLES, args.add_missing_indexes)
        log = StatementLog(engine)
        with engine.connect() as conn:
            windows = windows_of(conn, args.windows.split(","), zone)
            conn.rollback()
            for window_name, (first, last) in windows.items():
                window = Window(first, last)
                query = Query(conn, dialect, first, last, zone)
                print(f"\n== {dialect}, {window_name}: {first} .. {last} ({window.days} days), zone {zone}")
                for case in cases:
                    # only the report call is timed on the app's side; its figures are normalised afterwards
                    sides = {"app": lambda c=case, w=window: c.report(w, zone)}
                    for baseline in case.baselines:
                        if dialect in baseline.dialects:
                            sides[baseline.name] = lambda b=baseline, q=query: b.run(q)
                    times = {name: [] for name in sides}
                    figures = {}
                    for round_ in range(args.runs + 1):
                        order = list(sides)
                        random.shuffle(order)
                        for name in order:
                            elapsed, value = timed(sides[name])
                            (db.session if name == "app" else conn).rollback()
                            if round_:
                                times[name].append(elapsed)
                            else:
                                figures[name] = case.normal(value) if name == "app" else value
                    medians = {name: statistics.median(values) for name, values in times.items()}
                    best = min((name for name in medians if name != "app"), key=medians.get)
                    # the ratio of the two calls of each round (close in time, so a busy moment moves both), median
                    ratio = statistics.median(a / b for a, b in zip(times["app"], times[best], strict=True))
                    same = all(value == figures["app"] for value in figures.values())
                    passed = same and ratio <= args.limit
                    ok &= passed
                    results.append((dialect, window_name, case.name, medians["app"], best, medians[best], ratio, same))
                    print(f"  {case.name:<11} app {medians['app'] * 1000:9.1f} ms   best baseline {medians[best] * 1000:9.1f} ms"
                          f" ({best})   ratio {ratio:5.2f}  {'PASS' if passed else 'FAIL'}"
                          + ("" if same else "   DIFFERENT FIGURES"))
                    for name in sides:
                        if name not in ("app", best):
                            print(f"      {'':<11} other baseline {medians[name] * 1000:9.1f} ms ({name})")
                    if not same:
                        for name, value in figures.items():
                            if value != figures["app"]:
                                print(f"      {name} differs from the app, e.g. {_first_difference(figures['app'], value)}")
                    if args.explain:
                        log.statements.clear()
                        log.recording = True
                        case.report(window, zone)
                        log.recording = False
                        db.session.rollback()
                        for statement, parameters in log.statements:
                            plan = explain(conn, dialect, statement, parameters)
                            conn.rollback()
                            print(f"      SQL: {short(statement)}")
                            print(f"      indexes: {', '.join(indexes_in(plan)) or 'NONE'}")
                            for line in plan:
                                print(f"        | {line}")
        db.session.remove()
        engine.dispose()
    return results, ok


def _first_difference(expected, got):
    if isinstance(expected, list) and isinstance(got, list):
        for a, b in zip(expected, got, strict=False):
            if a != b:
                return f"app {a} vs {b}"
        return f"app has {len(expected)} rows, baseline {len(got)}"
    return f"app {expected} vs {got}"


def main(argv=None) -> int:
    args = parse_args(argv)
    cases = [case for name in args.reports.split(",") for case in CASES[name]()]
    if args.only:
        cases = [case for case in cases if case.name in args.only.split(",")]
    urls = {"sqlite": args.sqlite_url, "postgresql": args.pg_url}
    results, ok = [], True
    for backend in args.backends.split(","):
        backend_results, backend_ok = bench_backend(urls[backend], args, cases)
        results += backend_results
        ok &= backend_ok
    print(f"\n== summary: app / fastest hand-written SQL (median of {args.runs}; pass if <= {args.limit} and same figures)")
    print(f"  {'backend':<11}{'window':<7}{'report':<12}{'app ms':>10}{'baseline ms':>13}  {'ratio':>5}")
    for dialect, window, name, app_s, best, best_s, ratio, same in results:
        verdict = "PASS" if same and ratio <= args.limit else "FAIL"
        print(f"  {dialect:<11}{window:<7}{name:<12}{app_s * 1000:10.1f}{best_s * 1000:13.1f}  {ratio:5.2f}  {verdict}"
              f"   ({best}{'' if same else '; DIFFERENT FIGURES'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
