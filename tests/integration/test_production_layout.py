"""The production layout, run here as the systemd units and the image run it: every process started through
deploy/entrypoint.sh with deploy/shopcs.env.example's settings, on a fresh PostgreSQL database migrated by
`entrypoint.sh migrate`, the webhook channel pointed at a local receiver.

Orders come in through the API (gunicorn with deploy/gunicorn.conf.py); the scheduler's sweep finds their first
reminders due and its sender drains them. That scheduler is killed with SIGKILL in the middle of its drain and a
second one is started: every reminder reaches the receiver, once per order, and a message the dead process may have
been sending goes again only with the same Idempotency-Key. Nothing is patched: the lease of a dead sender's claims
is the real one (two minutes), so this test takes about three minutes.
"""
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, text

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.followup.settings import save_settings
from shopcs.notify.channels import SIGNATURE_HEADER, verify_signature
from shopcs.notify.sender import CLAIM_BATCH
from shopcs.timeutil import utcnow

from .. import databases
from ..conftest import make_app
from ..deploy_files import ENTRYPOINT, env_example, seconds, unit
from ..receivers import WebhookReceiver, free_port

pytestmark = pytest.mark.slow
ORDERS = 150
SECRET = "layout-test-webhook-secret"
RECEIVER_DELAY = 0.05  # each delivery takes a moment, so the kill lands while a batch is being sent
LAYOUT_DB = databases.PG_TEST_DB + "_layout"


@pytest.fixture
def layout_url():
    """A fresh, empty PostgreSQL database of its own (the schema comes from the migrations), dropped afterwards."""
    try:
        admin = create_engine(databases.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{LAYOUT_DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{LAYOUT_DB}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure has the same meaning here
        if databases.in_ci():
            pytest.fail(f"PostgreSQL is required under CI and cannot be reached: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield databases.PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + LAYOUT_DB
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{LAYOUT_DB}" WITH (FORCE)'))
        admin.dispose()


class Layout:
    """The processes of the layout, each `deploy/entrypoint.sh COMMAND` in a session of its own with its log in a
    file; whatever happens in the test, none outlives it."""

    def __init__(self, env: dict, log_dir):
        self.env, self.log_dir, self.procs = env, log_dir, []

    def run(self, *args, timeout=300) -> subprocess.CompletedProcess:
        done = subprocess.run([ENTRYPOINT, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(f"entrypoint.sh {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, name: str, *args) -> subprocess.Popen:
        with open(self.log_dir / f"{len(self.procs)}-{name}.log", "wb") as log:
            proc = subprocess.Popen([ENTRYPOINT, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float) -> int:
        """SIGTERM, as systemd stops a unit, and the exit code once it has stopped by itself within `timeout`."""
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pid {proc.pid} did not stop within {timeout} s of SIGTERM\n{self.logs()}")

    def kill_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # gunicorn's workers too
                except ProcessLookupError:
                    pass
                proc.wait(timeout=30)

    def log_of(self, proc: subprocess.Popen) -> str:
        index = self.procs.index(proc)
        return next(self.log_dir.glob(f"{index}-*.log")).read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}" for path in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def layout(layout_url, tmp_path):
    env = dict(os.environ)
    env.update(env_example())  # the example settings file, as the units and `docker run --env-file` read it
    env.update(SHOPCS_VENV=sys.prefix, SHOPCS_DATABASE_URL=layout_url, SHOPCS_SECRET_KEY="layout-test-secret",
               SHOPCS_UPLOAD_DIR=str(tmp_path / "uploads"), SHOPCS_WEB_BIND=f"127.0.0.1:{free_port()}", SHOPCS_WEB_WORKERS="2",
               SHOPCS_PUBLIC_URL="http://127.0.0.1", SHOPCS_OUTBOX_CHANNEL="webhook", SHOPCS_WEBHOOK_SECRET=SECRET)
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = Layout(env, logs)
    try:
        yield processes
    finally:
        processes.kill_all()


def _wait(condition, seconds: float, what: str, layout: Layout, every: float = 0.02) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting until {what}\n{layout.logs()}")
        time.sleep(every)


def _serving(base: str, proc: subprocess.Popen, layout: Layout) -> bool:
    if proc.poll() is not None:
        pytest.fail(f"gunicorn exited with {proc.returncode}\n{layout.logs()}")
    try:
        return requests.get(base + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _order(number: int, placed_at) -> dict:
    return {"status": "unpaid", "placed_at": placed_at.isoformat(),
            "customer": {"external_id": f"layout-buyer-{number}", "name": "王五", "phone": "13812345678"},
            "shipping_address": {"recipient": "王五", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                                 "district": "西湖区", "detail": "文三路 100 号", "postal_code": "310000"},
            "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 1, "unit_price": "59.00"}],
            "shipping_fee": "0.00", "discount": "0.00", "total": "59.00"}


def _place_orders(base: str, token: str) -> list[str]:
    """ORDERS unpaid orders placed 40 minutes ago, through the API: their first reminder (30 minutes) is due."""
    placed_at = utcnow() - timedelta(minutes=40)
    numbers = [f"LAYOUT-{number:04d}" for number in range(ORDERS)]

    def put(pair):
        number, order_no = pair
        return requests.put(f"{base}/api/v1/orders/{order_no}", json=_order(number, placed_at),
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(put, enumerate(numbers)))
    assert [answer.status_code for answer in answers] == [201] * ORDERS, answers[0].text
    return numbers


def _no_quiet_hours(url: str) -> None:
    """The reminders go out whatever the hour this test runs at: quiet hours off, as a supervisor would set them."""
    application = make_app(url)
    with application.app_context():
        save_settings({"quiet_start": "00:00", "quiet_end": "00:00"}, Actor.system("layout-test"), utcnow())
        db.session.remove()
        db.engine.dispose()


class Outbox:
    """Reads the layout's outbox from the test, on a connection of its own."""

    def __init__(self, url: str):
        self.engine = create_engine(url)
        self.holders: dict[int, set[int]] = defaultdict(set)

    def claims(self) -> dict[int, int]:
        """message id → pid of the process holding its claim (claimed_by is host:pid:thread), right now."""
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, claimed_by FROM outbox_messages WHERE claimed_by IS NOT NULL")).all()
        claims = {message_id: int(worker.split(":")[1]) for message_id, worker in rows}
        for message_id, pid in claims.items():
            self.holders[message_id].add(pid)
        return claims

    def rows(self) -> list:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT m.id, m.kind, m.status, m.attempts, m.claimed_by, o.order_no FROM outbox_messages m "
                                     "LEFT JOIN orders o ON o.id = m.order_id ORDER BY m.id")).all()


def test_the_production_layout_loses_no_reminder_and_sends_none_twice_when_a_scheduler_is_killed_mid_drain(layout, layout_url):
    layout.run("migrate")
    token = layout.run("flask", "api-token", "create", "layout-test").stdout.strip().splitlines()[-1]
    _no_quiet_hours(layout_url)
    outbox = Outbox(layout_url)
    try:
        with WebhookReceiver(delay=RECEIVER_DELAY) as receiver:
            layout.env["SHOPCS_WEBHOOK_URL"] = receiver.url
            web = layout.start("web", "web")
            base = "http://" + layout.env["SHOPCS_WEB_BIND"]
            _wait(lambda: _serving(base, web, layout), 120, "gunicorn answers /healthz", layout, every=0.2)
            order_numbers = _place_orders(base, token)

            doomed = layout.start("scheduler", "scheduler")

            def mid_drain() -> bool:
                if doomed.poll() is not None:
                    pytest.fail(f"the scheduler exited with {doomed.returncode}\n{layout.logs()}")
                return Counter(outbox.claims().values())[doomed.pid] >= 3 and len(receiver.requests) >= 10

            _wait(mid_drain, 120, "the first scheduler is draining the reminders", layout)
            os.killpg(doomed.pid, signal.SIGKILL)
            assert doomed.wait(timeout=10) == -signal.SIGKILL
            in_flight = {message_id for message_id, pid in outbox.claims().items() if pid == doomed.pid}
            survivor = layout.start("scheduler", "scheduler")

            # The dead process's claims come back when their lease (2 minutes) runs out; the survivor sends them then.
            def all_sent() -> bool:
                outbox.claims()
                rows = outbox.rows()
                return len(rows) >= ORDERS and all(row.status == "sent" for row in rows)

            _wait(all_sent, 300, "every reminder is sent", layout, every=0.5)
            scheduler_stop = seconds(unit("shopcs-scheduler.service")["Service"]["TimeoutStopSec"])
            assert layout.stop(survivor, scheduler_stop) == 0  # SIGTERM: the running jobs finish, then it exits
            web_stop = seconds(unit("shopcs-web.service")["Service"]["TimeoutStopSec"])
            assert layout.stop(web, web_stop) == 0
            requests_seen = list(receiver.requests)
        rows = outbox.rows()
    finally:
        outbox.engine.dispose()

    # The kill landed mid-drain: the dead process held claims on a batch it had not finished sending.
    assert 1 <= len(in_flight) <= CLAIM_BATCH
    # One first reminder per order placed through the API, each sent and recorded once, no claim left behind.
    assert sorted(row.order_no for row in rows) == order_numbers and {row.kind for row in rows} == {"unpaid_reminder"}
    assert {(row.status, row.attempts, row.claimed_by) for row in rows} == {("sent", 1, None)}
    # The receiver saw every message; each request is signed and carries the message id as its Idempotency-Key.
    delivered = Counter()
    for request in requests_seen:
        body = json.loads(request["raw"])
        assert request["headers"]["Idempotency-Key"] == str(body["id"])
        assert verify_signature(request["raw"], request["headers"][SIGNATURE_HEADER], SECRET)
        delivered[body["id"]] += 1
    assert set(delivered) == {row.id for row in rows}
    # Twice only what the dead process was sending as it died (one message at most), with the same key both times:
    # a receiver that keeps the keys it has seen takes each reminder once.
    twice = {message_id for message_id, times in delivered.items() if times > 1}
    assert twice <= in_flight and len(twice) <= 1 and all(delivered[message_id] == 2 for message_id in twice)
    # The living schedulers never shared a message; the survivor took over only the dead one's claims.
    assert {m for m, pids in outbox.holders.items() if doomed.pid in pids and len(pids) > 1} <= in_flight
    # gunicorn ran with the config: its access log lines (with the time taken) went to stdout.
    access = [line for line in layout.log_of(web).splitlines() if '"PUT /api/v1/orders/LAYOUT-' in line]
    assert len(access) == ORDERS and all(line.rstrip().endswith("us") for line in access)
    assert "scheduler stopped" in layout.log_of(survivor)
