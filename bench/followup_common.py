"""Shared pieces of the follow-up benches: databases, the app, due orders, outbox rows, a webhook receiver."""
import multiprocessing
import os
import resource
import statistics
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

UTC = timezone.utc
# 10:00 in Shanghai (the default shop zone): outside quiet hours, so every due reminder is "send".
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
HISTORY_END = NOW - timedelta(hours=25)  # generated history stops before the reminder window: we place the due orders
WEBHOOK_SECRET = "bench-webhook-secret"
PG_BASE = os.environ.get("BENCH_PG_URL_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432")
WORKDIR = os.environ.get("BENCH_WORKDIR", "/tmp/shopcs-bench-followup")


def url_for(backend: str, name: str) -> str:
    if backend == "sqlite":
        os.makedirs(WORKDIR, exist_ok=True)
        return "sqlite:///" + os.path.join(WORKDIR, f"{name}.sqlite3")
    return make_url(f"{PG_BASE}/shopcs_bench_{name}").render_as_string(hide_password=False)


def pg_admin() -> str:
    return f"{PG_BASE}/postgres"


def fresh_database(url: str) -> None:
    from .servers import create_pg_database

    if make_url(url).get_backend_name() == "postgresql":
        create_pg_database(url, pg_admin())
    else:
        path = make_url(url).database
        if os.path.exists(path):
            os.remove(path)


def drop_database(url: str) -> None:
    from .servers import drop_pg_database

    if make_url(url).get_backend_name() == "postgresql":
        drop_pg_database(url, pg_admin())
    elif os.path.exists(make_url(url).database):
        os.remove(make_url(url).database)


def fill(url: str, orders: int) -> None:
    """The shop's history (bench.generate) at the same orders per day at every size, ending 25 h before NOW.
    Old unpaid (2 %), cancelled and closed orders are in it; none falls into the reminder window."""
    from .generate import generate

    fresh_database(url)
    generate(url, orders, seed=1, now=HISTORY_END.replace(tzinfo=None), days=730 * orders / 1_000_000,
             replace=True, log=lambda *_: None)


def make_app(url: str, webhook_url: str = "", channel: str = "manual"):
    from shopcs import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "k" * 32, "SHOPCS_OUTBOX_CHANNEL": channel,
                       "SHOPCS_WEBHOOK_URL": webhook_url, "SHOPCS_WEBHOOK_SECRET": WEBHOOK_SECRET})


def add_unpaid_orders(placed_times: list[datetime], prefix: str) -> list[int]:
    """Unpaid orders (one item each) of existing customers, in the app context; returns their ids."""
    from shopcs.extensions import db
    from shopcs.orders.models import Customer, Order, OrderItem

    customers = list(db.session.scalars(text("SELECT id FROM customers WHERE opted_out = :no ORDER BY id LIMIT 1000"),
                                         {"no": False}))
    if not customers:
        db.session.add(Customer(external_id=f"{prefix}-buyer", name="张三", created_at=NOW))
        db.session.flush()
        customers = list(db.session.scalars(text("SELECT id FROM customers ORDER BY id LIMIT 1")))
    ids = []
    for start in range(0, len(placed_times), 1000):
        batch = []
        for i, placed in enumerate(placed_times[start:start + 1000], start):
            price = Decimal("59.00") + i % 40
            order = Order(order_no=f"{prefix}-{i:06d}", status="unpaid", customer_id=customers[i % len(customers)],
                          placed_at=placed, items_total=price, shipping_fee=Decimal("0.00"), discount=Decimal("0.00"),
                          total=price, recipient="张三", phone="13800138000", province="四川省", city="成都市",
                          district="武侯区", detail="人民南路四段 1 号", created_at=placed, updated_at=placed)
            order.items = [OrderItem(position=0, sku=f"SKU-{i % 500}", title="纯棉短袖T恤 白色 L", quantity=1, unit_price=price)]
            batch.append(order)
        db.session.add_all(batch)
        db.session.commit()
        ids.extend(o.id for o in batch)
    return ids


def add_webhook_messages(count: int, now: datetime) -> None:
    """`count` pending webhook messages due at `now` (shipping notices: no order needed), in the app context."""
    from shopcs.extensions import db
    from shopcs.notify.models import OutboxMessage

    body = "您好，您的订单已发货，承运商顺丰速运，运单号 SF1234567890，预计两天内送达。如有问题请随时联系客服。"
    rows = [{"dedupe_key": f"bench:{i}", "kind": "shipping_notice", "channel": "webhook", "body": body,
             "scheduled_for": now - timedelta(minutes=1), "status": "pending", "attempts": 0, "created_at": now}
            for i in range(count)]
    db.session.execute(insert(OutboxMessage), rows)
    db.session.commit()


def median(values) -> float:
    return statistics.median(values)


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client's connection pool is reused, as with a real endpoint
    disable_nagle_algorithm = True  # else the body waits for a delayed ACK: ~40 ms per request on loopback

    def do_POST(self):  # noqa: N802 - the name http.server dispatches to
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):
        pass


def _serve(port_queue) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


class Receiver:
    """A webhook receiver that answers 200 at once, in its own process (so it takes no GIL from the sender)."""

    def __enter__(self):
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        self.process = ctx.Process(target=_serve, args=(queue,), daemon=True)
        self.process.start()
        self.url = f"http://127.0.0.1:{queue.get(timeout=30)}/hook"
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.join(5)


def engine_for(url: str):
    return create_engine(url)
