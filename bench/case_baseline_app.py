"""The yardstick for the case queue: a minimal Flask page doing the queue's database work in raw SQL, no ORM.

    SHOPCS_DATABASE_URL=... gunicorn -w 2 -b 127.0.0.1:8001 'bench.case_baseline_app:create_app()'

`/?tab=mine|unanswered` and `/?q=<phone>` send the statements the queue view (shopcs/cases/views.py) sends for the bench
agent (bench/servers.py's user), in its order: the tab's (or search's) count and the page's rows (queue/pages.py,
queue/search.py: a search is a UNION of its lookups, newest case first), the SLA settings, the unread marks of the
page's cases (live/service.py unread_among: case_events joined to case_reads), the six tab counts in one statement
(with "unassigned"), the agent's availability (owners.is_available) and the live cursor (live/service.py
settled_cursor: max, then min of case_events.id). The rows are rendered with a small Jinja template (the
first-response clock as minutes left or overdue, a dot on unread rows), with the availability switch and the live
notice's cursor. No login, no CSRF token, no layout, no translations. Keep
the SQL in step with the view; bench/case_bench.py checks it.
"""
import os
from datetime import datetime, timedelta, timezone

from flask import Flask, request
from sqlalchemy import bindparam, create_engine, text

from .servers import BENCH_USER

PER_PAGE = 50
OPEN = "cases.status IN ('new', 'open', 'waiting')"  # written into the SQL, as queue.pages.is_one_of() does
TABS = {
    "mine": f"cases.owner_id = :owner AND {OPEN}",
    "unassigned": f"cases.owner_id IS NULL AND {OPEN}",
    "team": f"cases.team = :team AND {OPEN}",
    "unanswered": f"cases.first_responded_at IS NULL AND {OPEN}",
    "escalated": "cases.escalated_at IS NOT NULL AND cases.escalation_acknowledged_at IS NULL",
    "open": OPEN,
}
FOUND = ("SELECT cases.id{label} FROM cases WHERE cases.order_id IN (SELECT orders.id FROM orders WHERE "
         "orders.order_no = :q) UNION SELECT cases.id{label} FROM cases WHERE cases.customer_id IN (SELECT customers.id "
         "FROM customers WHERE customers.name = :q) UNION SELECT cases.id{label} FROM cases WHERE cases.customer_id IN "
         "(SELECT customers.id FROM customers WHERE customers.phone = :q)")  # a phone's cases: queue/search.py search_ids
SEARCH = f"cases.id IN ({FOUND.format(label='')})"
SEARCH_COUNT = f"SELECT count(*) FROM ({FOUND.format(label=' AS id')}) AS anon_1"
ROWS = ("SELECT cases.id, cases.subject, cases.category, cases.channel, cases.severity, cases.status, cases.team, "
        "cases.received_at, cases.first_response_due_at, cases.first_responded_at, cases.escalated_at, "
        "cases.escalation_acknowledged_at, customers.name, customers.external_id, customers.phone, orders.order_no, "
        "coalesce(nullif(users.display_name, :empty), users.username) AS owner, cases.suggested_category, "
        "cases.suggested_confidence FROM cases "
        "LEFT OUTER JOIN customers ON customers.id = cases.customer_id LEFT OUTER JOIN orders ON orders.id = cases.order_id "
        "LEFT OUTER JOIN users ON users.id = cases.owner_id WHERE {where} "
        "ORDER BY {order} LIMIT :limit OFFSET :offset")
BY_URGENCY, BY_CASE_NO = "cases.first_response_due_at, cases.id", "cases.id DESC"  # a tab's order; a search's, newest case first
SETTINGS = text('SELECT shop_settings.value FROM shop_settings WHERE shop_settings.area = :area AND shop_settings."key" = :key')
BUYER, MESSAGES = "customer_message", ("customer_message", "reply", "reply_logged")  # as live/service.py
UNREAD = text(  # one page's cases with a buyer message newer than what the agent saw and than the last answer
    "SELECT case_events.case_id FROM case_events LEFT OUTER JOIN case_reads ON case_reads.case_id = case_events.case_id "
    "AND case_reads.user_id = :owner WHERE case_events.case_id IN :ids AND case_events.kind IN (:m1, :m2, :m3) "
    "GROUP BY case_events.case_id HAVING max(CASE WHEN (case_events.kind = :buyer) THEN case_events.id END) > "
    "coalesce(max(case_reads.last_seen_event_id), :zero) AND max(CASE WHEN (case_events.kind = :buyer) THEN "
    "case_events.id END) > coalesce(max(CASE WHEN (case_events.kind != :buyer) THEN case_events.id END), :zero)"
).bindparams(bindparam("ids", expanding=True))
AVAILABLE = text("SELECT users.available FROM users WHERE users.id = :owner")
NEWEST = text("SELECT max(case_events.id) AS max_1 FROM case_events")  # the labels as the page's, for the parity check
RECENT = {dialect: text("SELECT min(case_events.id) AS min_1 FROM case_events WHERE case_events.id > :low AND "
                        f"case_events.created_at > :settle{cast}")  # PostgreSQL: the bind cast the page's psycopg sends
          for dialect, cast in (("sqlite", ""), ("postgresql", r"\:\:TIMESTAMP WITHOUT TIME ZONE"))}
SETTLE, SETTLE_ROWS = timedelta(seconds=5), 500  # as live/service.py
COUNTS = text("SELECT " + ", ".join(f"(SELECT count(*) FROM cases WHERE {where}) AS {tab}" for tab, where in TABS.items()))
TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Cases</title></head><body>
<form method="post" action="/cases/availability"><input type="hidden" name="available" value="{{ 0 if available else 1 }}">
<span data-available="{{ 'yes' if available else 'no' }}">{{ 'Available' if available else 'Away' }}</span>
<button>{{ 'Go away' if available else 'Become available' }}</button></form>
<div role="status" hidden data-live-queue data-cursor="{{ cursor }}">New messages <a href="">Refresh</a></div>
<p>{% for tab, n in counts.items() %}<a href="/?tab={{ tab }}">{{ tab }} ({{ n }})</a> {% endfor %}</p>
<form action="/"><input name="q" value="{{ q }}"><button>Search</button></form>
<p>{{ total }} cases</p>
<table><tr><th>Case</th><th>Subject</th><th>Category</th><th>Channel</th><th>Severity</th><th>Status</th><th>Customer</th>
<th>Order no.</th><th>Owner</th><th>First response</th></tr>
{% for r in rows %}<tr data-case-id="{{ r.id }}"><td><a href="/cases/{{ r.id }}">#{{ r.id }}</a>
{% if r.id in unread %}<span title="New message">•</span>{% endif %}</td><td>{{ r.subject }}
{% if r.escalated_at and not r.escalation_acknowledged_at %} escalated{% endif %}</td><td>{{ r.category }}
{%- if r.suggested_category and r.suggested_category != r.category %}
 <span>Assistant: {{ r.suggested_category }} {{ (r.suggested_confidence * 100)|round|int }}%</span>{% endif %}</td>
<td>{{ r.channel }}</td><td>{{ r.severity }}</td><td>{{ r.status }}{% if r.team != 'agents' %} {{ r.team }}{% endif %}</td>
<td>{{ r.name or '—' }} {{ (r.phone or '')|mask }}</td>
<td>{% if r.order_no %}<a href="/orders/{{ r.order_no }}">{{ r.order_no }}</a>{% else %}—{% endif %}</td>
<td>{{ r.owner or '—' }}</td><td>{{ r|clock(now) }}</td></tr>
{% endfor %}</table></body></html>"""


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite hands back the stored text


def _clock(row, now: datetime) -> str:
    received, due, responded = _time(row.received_at), _time(row.first_response_due_at), _time(row.first_responded_at)
    if responded is not None:
        return f"answered in {(responded - received) // timedelta(minutes=1)} min"
    left = (due - now) // timedelta(minutes=1)
    return f"{left} min left" if left >= 0 else f"overdue {-left} min"


def _mask(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = app.extensions["bench_engine"] = create_engine(os.environ["SHOPCS_DATABASE_URL"], pool_pre_ping=True)
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": BENCH_USER}).scalar()
    recent_sql = RECENT[engine.dialect.name]
    moment = (lambda t: t.isoformat(" ", "microseconds")) if engine.dialect.name == "sqlite" else (lambda t: t)  # naive UTC
    app.jinja_env.filters.update(mask=_mask, clock=_clock)
    template = app.jinja_env.from_string(TEMPLATE)
    rows_sql = {name: text(ROWS.format(where=where, order=BY_URGENCY)) for name, where in TABS.items()}
    rows_sql["search"] = text(ROWS.format(where=SEARCH, order=BY_CASE_NO))
    count_sql = {name: text(f"SELECT count(*) FROM cases WHERE {where}") for name, where in TABS.items()}
    count_sql["search"] = text(SEARCH_COUNT)

    @app.route("/")
    def queue():
        q = (request.args.get("q") or "").strip()[:100]
        tab = "search" if q else request.args.get("tab", "mine")
        params = {"owner": owner, "team": "agents", "q": q}
        with engine.connect() as conn:
            total = conn.execute(count_sql[tab], params).scalar()
            rows = conn.execute(rows_sql[tab], {**params, "empty": "", "limit": PER_PAGE, "offset": 0}).all()
            conn.execute(SETTINGS, {"area": "cases", "key": "sla"}).all()
            unread = set(conn.execute(UNREAD, {"owner": owner, "ids": [r.id for r in rows], "m1": MESSAGES[0],
                                               "m2": MESSAGES[1], "m3": MESSAGES[2], "buyer": BUYER, "zero": 0})
                         .scalars()) if rows else set()
            counts = dict(conn.execute(COUNTS, params).one()._mapping)
            available = bool(conn.execute(AVAILABLE, {"owner": owner}).scalar())
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            newest = conn.execute(NEWEST).scalar() or 0
            recent = conn.execute(recent_sql, {"low": newest - SETTLE_ROWS, "settle": moment(now - SETTLE)}).scalar()
        cursor = newest if recent is None else recent - 1
        return template.render(rows=rows, total=total, counts=counts, q=q, now=now, unread=unread, available=available,
                               cursor=cursor)

    @app.route("/healthz")
    def healthz():
        return "ok"

    return app
