"""The yardstick: a minimal Flask page doing the order queue's database work in raw SQL, no ORM.

    SHOPCS_DATABASE_URL=... gunicorn -w 2 -b 127.0.0.1:8001 'bench.baseline_app:create_app()'

Same statements as shopcs/orders/queue.py issues for the first page of the default group and for a
search by phone (carrier exclusions, the six group counts in one statement, each stopping at 1,000 rows, the
search's count, the page's rows),
rendered with a small Jinja template. No login, no layout, no translations: everything the real
page does on top of this is what the 1.5x budget pays for. Keep the SQL in step with queue.py;
`python -m bench.profile_queue --sql` prints both side by side.
"""
import os
from datetime import datetime, timedelta, timezone

from flask import Flask, request
from sqlalchemy import create_engine, text

PER_PAGE = 50
COUNT_CAP = 1000  # shopcs/capped_counts.py: each tab's count stops here ("999+")
ROW_COLUMNS = ("orders.order_no, orders.status, orders.placed_at, orders.paid_at, orders.total, orders.recipient, "
               "customers.name, orders.phone, orders.phone_valid, orders.province, orders.city, "
               "orders.address_confirmed_at, orders.promised_ship_date, orders.id, orders.currency, orders.country")
EXCLUSIONS = text("SELECT carrier_exclusions.id, carrier_exclusions.carrier, carrier_exclusions.province "
                  "FROM carrier_exclusions ORDER BY carrier_exclusions.id")
CONFIRM_WHERE = "orders.status = :paid AND orders.address_confirmed_at IS NULL"
SEARCH_WHERE = "orders.order_no = :q OR orders.phone = :phone"
# Each count reads at most :cap rows ({limit}: "LIMIT :cap", and on SQLite " OFFSET :none" as SQLAlchemy writes it).
GROUP_ROWS = {  # each in the order of the index it walks (queue._COUNT_ORDER)
    "confirm": f"SELECT 1 FROM orders WHERE {CONFIRM_WHERE} ORDER BY orders.address_confirmed_at, orders.paid_at",
    "ship": "SELECT 1 FROM orders WHERE orders.status = :paid AND orders.address_confirmed_at IS NOT NULL "
            "AND NOT (EXISTS (SELECT * FROM shipments WHERE shipments.order_id = orders.id)) "
            "ORDER BY orders.address_confirmed_at, orders.paid_at",
    "due": "SELECT 1 FROM orders WHERE orders.status = :paid AND orders.promised_ship_date <= :today "
           "ORDER BY orders.promised_ship_date",
    "refund": "SELECT 1 FROM refunds WHERE refunds.status = :requested AND NOT (EXISTS (SELECT * FROM refunds AS earlier "
              "WHERE earlier.order_id = refunds.order_id AND earlier.status = :requested AND earlier.id < refunds.id)) "
              "ORDER BY refunds.completed_at, refunds.order_id",
    "flagged": "SELECT 1 FROM orders WHERE orders.phone_valid = {false} AND orders.status IN (:unpaid, :paid)",
    "unpaid": "SELECT 1 FROM orders WHERE orders.status = :unpaid ORDER BY orders.placed_at",
}


TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Queue</title></head><body>
<p>{% for group, n in counts.items() %}<a href="/?group={{ group }}">{{ group }} ({{ "999+" if n >= 1000 else n }})</a> {% endfor %}</p>
<form action="/"><input name="q" value="{{ q }}"><button>Search</button></form>
<p>{{ total }} orders</p>
<table><tr><th>Order</th><th>Status</th><th>Placed</th><th>Paid</th><th>Total</th><th>Buyer</th><th>Phone</th>
<th>Address</th><th>Confirmed</th><th>Ship by</th></tr>
{% for r in rows %}<tr><td><a href="/orders/{{ r.order_no }}">{{ r.order_no }}</a></td><td>{{ r.status }}</td>
<td>{{ r.placed_at|local }}</td><td>{{ r.paid_at|local }}</td><td>{{ r.total|cny }}</td>
<td>{{ r.recipient }} / {{ r.name }}</td><td>{{ r.phone|mask }}{% if not r.phone_valid %} !{% endif %}</td>
<td>{{ r.province }} {{ r.city }}</td><td>{{ r.address_confirmed_at|local }}</td><td>{{ r.promised_ship_date or "" }}</td></tr>
{% endfor %}</table></body></html>"""
SHOP_OFFSET = timedelta(hours=8)


def _local(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # SQLite hands back the stored text
        value = datetime.fromisoformat(value)
    return (value + SHOP_OFFSET).strftime("%Y-%m-%d %H:%M")


def _cny(stored: int) -> str:
    fen = stored // 10  # the database holds thousandths (shopcs/money.py)
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def _mask(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = app.extensions["bench_engine"] = create_engine(os.environ["SHOPCS_DATABASE_URL"], pool_pre_ping=True)
    sqlite = engine.dialect.name == "sqlite"
    false, limit = ("0", "LIMIT :cap OFFSET :none") if sqlite else ("false", "LIMIT :cap")
    counts_sql = text("SELECT " + ", ".join(f"(SELECT count(*) FROM ({sql.replace('{false}', false)} {limit}) AS anon_{n}) "
                                            f"AS {name}" for n, (name, sql) in enumerate(GROUP_ROWS.items(), 1)))
    search_count = text(f"SELECT count(*) FROM (SELECT 1 FROM orders WHERE {SEARCH_WHERE} "
                        f"{limit.replace(':cap', ':count_limit')}) AS anon_1")
    app.jinja_env.filters.update(local=_local, cny=_cny, mask=_mask)
    template = app.jinja_env.from_string(TEMPLATE)

    @app.route("/")
    def queue():
        q = (request.args.get("q") or "").strip()[:100]
        today = (datetime.now(timezone.utc) + SHOP_OFFSET).date()
        params = {"paid": "paid", "unpaid": "unpaid", "requested": "requested", "today": today, "q": q, "phone": q,
                  "cap": COUNT_CAP, "count_limit": COUNT_CAP, "none": 0}
        where, order_by = (SEARCH_WHERE, "orders.placed_at, orders.id") if q else (CONFIRM_WHERE, "orders.paid_at, orders.id")
        with engine.connect() as conn:
            conn.execute(EXCLUSIONS).all()
            counts = dict(conn.execute(counts_sql, params).one()._mapping)  # one round trip, as the real page
            total = conn.execute(search_count, params).scalar() if q \
                else counts["confirm"]  # the real page reuses the group's count when nothing narrows it
            rows = conn.execute(text(
                f"SELECT {ROW_COLUMNS} FROM orders JOIN customers ON customers.id = orders.customer_id "
                f"WHERE {where} ORDER BY {order_by} LIMIT :limit OFFSET :offset"), {**params, "limit": PER_PAGE, "offset": 0}).all()
        return template.render(rows=rows, total=total, counts=counts, q=q)

    @app.route("/healthz")
    def healthz():
        return "ok"

    return app
