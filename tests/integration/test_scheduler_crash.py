"""Two scheduler processes on PostgreSQL, one killed with SIGKILL mid-run: every message still goes out, once.

The scheduler processes are real (`run_scheduler`, the function `flask followup scheduler` runs: APScheduler,
run_job, drain over FOR UPDATE SKIP LOCKED) with two test-only settings patched in the child before it
starts: the job table is just the outbox sender every second, and the claim lease is a few seconds
instead of two minutes, so that the killed process's claims run out within the test. Nothing in
shopcs/ is changed for the test.
"""
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.notify.channels import SIGNATURE_HEADER, verify_signature
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.notify.sender import CLAIM_BATCH
from shopcs.timeutil import utcnow

from ..builders import make_order
from ..conftest import _url_for
from ..receivers import WebhookReceiver

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MESSAGES = 200
LEASE_SECONDS = 4  # far above one batch's sending time (10 × ~0.1 s), so a live sender never loses its lease
RECEIVER_DELAY = 0.08  # each delivery takes a moment, so the kill lands while a batch is being sent
SECRET = "crash-test-webhook-secret"

# A scheduler process as `flask followup scheduler` runs it, with the sender every second and a short lease.
SCHEDULER = """
import os
from datetime import timedelta
from app import app
from shopcs.followup import cli, scheduler
from shopcs.notify import sender
sender.LEASE = timedelta(seconds=float(os.environ["CRASH_TEST_LEASE_SECONDS"]))
scheduler.JOBS = (scheduler.PeriodicJob("outbox_sender", 1, "shopcs.followup.jobs:drain_outbox"),)
with app.app_context():  # as the flask CLI runs the command
    cli._configure_logging()
scheduler.run_scheduler(app)
"""


@pytest.fixture
def backend():
    return "postgresql"


class Schedulers:
    """Starts scheduler processes, remembers their logs, and makes sure none outlives the test."""

    def __init__(self, env, log_dir):
        self.env, self.log_dir, self.procs = env, log_dir, []

    def start(self) -> subprocess.Popen:
        log = open(self.log_dir / f"scheduler-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-c", SCHEDULER], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def schedulers(app, database_urls, tmp_path):
    env = dict(os.environ, SHOPCS_DATABASE_URL=_url_for("postgresql", database_urls), SHOPCS_SECRET_KEY="crash-test",
               SHOPCS_WEBHOOK_URL="", SHOPCS_WEBHOOK_SECRET=SECRET, CRASH_TEST_LEASE_SECONDS=str(LEASE_SECONDS))
    group = Schedulers(env, tmp_path)
    try:
        yield group
    finally:
        group.stop_all()


def _queue_webhook_messages(count: int) -> list[int]:
    now = utcnow() - timedelta(minutes=1)
    ids = []
    for i in range(count):
        order = make_order(commit=False)
        db.session.flush()
        message = enqueue(kind="shipping_notice", dedupe_key=f"crash-test:{i}", body=f"您的订单 {order.order_no} 已发货",
                          now=now, customer_id=order.customer_id, order_id=order.id, channel="webhook")
        db.session.flush()
        ids.append(message.id)
    db.session.commit()
    return ids


def _claims() -> dict[int, int]:
    """message id → pid of the process holding its claim (claimed_by is host:pid:thread), right now."""
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.claimed_by).where(OutboxMessage.claimed_by.is_not(None))).all()
    db.session.rollback()  # end the read transaction; the next look sees fresh rows
    return {message_id: int(worker.split(":")[1]) for message_id, worker in rows}


def _unsent() -> int:
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent"))
    db.session.rollback()
    return count


class ClaimWatch:
    """Looks at the claims every few milliseconds: who held which message, and which processes held claims together."""

    def __init__(self):
        self.holders: dict[int, set[int]] = defaultdict(set)
        self.together: set[frozenset[int]] = set()

    def look(self) -> dict[int, int]:
        claims = _claims()
        for message_id, pid in claims.items():
            self.holders[message_id].add(pid)
        self.together.add(frozenset(claims.values()))
        return claims


def _wait(condition, seconds: float, what: str, schedulers: Schedulers) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}\n{schedulers.logs()}")
        time.sleep(0.02)


def test_a_scheduler_killed_mid_run_loses_no_message_and_its_redelivery_carries_the_same_key(app, schedulers):
    message_ids = _queue_webhook_messages(MESSAGES)
    watch = ClaimWatch()
    with WebhookReceiver(delay=RECEIVER_DELAY) as receiver:
        schedulers.env["SHOPCS_WEBHOOK_URL"] = receiver.url
        doomed, survivor = schedulers.start(), schedulers.start()

        def both_busy_and_doomed_mid_batch():
            claims = Counter(watch.look().values())
            return claims[doomed.pid] >= 3 and claims[survivor.pid] >= 1 and len(receiver.requests) >= 10

        _wait(both_busy_and_doomed_mid_batch, 60, "both schedulers are sending at once", schedulers)
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=10) == -signal.SIGKILL
        in_flight = {message_id for message_id, pid in watch.look().items() if pid == doomed.pid}
        replacement = schedulers.start()

        _wait(lambda: watch.look() is not None and _unsent() == 0, 90, "every message is sent", schedulers)
        schedulers.stop_all()
        requests = list(receiver.requests)

    # The kill landed mid-run: the dead process still held a batch of claims it had not finished sending.
    assert 1 <= len(in_flight) <= CLAIM_BATCH
    # Every message went out and was recorded once: sent, one attempt, no claim left behind.
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.claimed_by)).all()
    assert sorted(r.id for r in rows) == sorted(message_ids)
    assert {(r.status, r.attempts, r.claimed_by) for r in rows} == {("sent", 1, None)}
    # The receiver saw every message; each request is signed and its Idempotency-Key is the message id.
    delivered = Counter()
    for request in requests:
        body = json.loads(request["raw"])
        assert request["headers"]["Idempotency-Key"] == str(body["id"])
        assert verify_signature(request["raw"], request["headers"][SIGNATURE_HEADER], SECRET)
        delivered[body["id"]] += 1
    assert set(delivered) == set(message_ids)
    # A message reached the receiver twice only if the killed process was sending it when it died (it sends
    # one at a time, so at most one), and the redelivery carried the same key, so the receiver can drop it.
    twice = {message_id for message_id, times in delivered.items() if times > 1}
    assert twice <= in_flight and len(twice) <= 1
    assert all(times == 2 for message_id, times in delivered.items() if message_id in twice)
    # No message was ever claimed by both living schedulers; only the dead one's claims were taken over.
    live = {survivor.pid, replacement.pid}
    assert not [m for m, pids in watch.holders.items() if live <= pids]
    assert {m for m, pids in watch.holders.items() if doomed.pid in pids and pids & live} <= in_flight
    # And the processes really overlapped: the two first ones, then the survivor and the replacement.
    # (the dead process's claims may still be there until their lease runs out).
    assert any({doomed.pid, survivor.pid} <= pids for pids in watch.together)
    assert any(live <= pids for pids in watch.together)
