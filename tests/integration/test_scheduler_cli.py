"""`flask followup sweep|send|status|scheduler`, and the scheduler's job table and clean stop on SIGTERM."""
import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.followup.scheduler import JOBS, PeriodicJob, build_scheduler, run_job
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.orders.models import Order
from shopcs.timeutil import utcnow

from ..builders import make_customer, make_order
from ..conftest import make_app
from ..receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = timezone(timedelta(hours=8))
SWEEP_AT = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning, outside the quiet hours


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def app_config(receiver):
    return {"SHOPCS_WEBHOOK_URL": receiver.url, "SHOPCS_WEBHOOK_SECRET": "cli-test-secret"}


def _outbox(**where):
    return list(db.session.scalars(select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)))


def _queue(key, *, status="pending", kind="shipping_notice", channel="webhook", scheduled_for=None, **fields):
    message = enqueue(kind=kind, dedupe_key=key, body=f"body of {key}", now=utcnow() - timedelta(hours=1),
                      scheduled_for=scheduled_for or utcnow() - timedelta(minutes=1), channel=channel)
    for name, value in {"status": status, **fields}.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def test_sweep_with_now_queues_the_first_reminder_once_and_sends_nothing(app, receiver):
    order = make_order(status="unpaid", placed_at=SWEEP_AT - timedelta(minutes=40))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["followup", "sweep", "--now", SWEEP_AT.isoformat()])
    assert first.exit_code == 0, first.output
    assert "2026-11-24T02:00:00+00:00" in first.output and "queued=1" in first.output
    again = runner.invoke(args=["followup", "sweep", "--now", SWEEP_AT.isoformat()])
    assert again.exit_code == 0 and "queued=0" in again.output
    reminders = _outbox(order_id=order.id)
    assert [(m.kind, m.status) for m in reminders] == [("unpaid_reminder", "pending")]
    assert receiver.requests == []


def test_sweep_with_now_closes_an_order_left_unpaid_past_the_auto_close_time(app):
    order = make_order(status="unpaid", placed_at=SWEEP_AT - timedelta(hours=73))
    result = app.test_cli_runner().invoke(args=["followup", "sweep", "--now", SWEEP_AT.isoformat()])
    assert result.exit_code == 0 and "closed=1" in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "closed"


def test_sweep_refuses_a_time_without_an_offset_and_changes_nothing(app):
    make_order(status="unpaid", placed_at=SWEEP_AT - timedelta(hours=25))
    result = app.test_cli_runner().invoke(args=["followup", "sweep", "--now", "2026-11-24T10:00:00"])
    assert result.exit_code == 2
    assert "needs an offset" in result.output and "--now" in result.output
    assert db.session.scalar(select(func.count(Order.id)).where(Order.status == "closed")) == 0
    assert _outbox() == []


def test_send_drains_the_outbox_once_and_prints_the_counts(app, receiver):
    due = _queue("shipping_notice:due")
    later = _queue("shipping_notice:later", scheduled_for=utcnow() + timedelta(hours=2))
    manual = _queue("shipping_notice:manual", channel="manual")
    result = app.test_cli_runner().invoke(args=["followup", "send"])
    assert result.exit_code == 0, result.output
    assert "sent=1" in result.output and "failed=0" in result.output
    db.session.expire_all()
    assert [db.session.get(OutboxMessage, m.id).status for m in (due, later, manual)] == ["sent", "pending", "pending"]
    assert [r["headers"]["Idempotency-Key"] for r in receiver.requests] == [str(due.id)]


def test_status_prints_what_is_due_sent_failing_and_dead_by_kind_and_status(app):
    _queue("shipping_notice:due", channel="manual")
    _queue("shipping_notice:soon", scheduled_for=utcnow() + timedelta(minutes=20))
    _queue("shipping_notice:sent", status="sent", sent_at=utcnow())
    _queue("shipping_notice:failing", status="failed", attempts=2, next_attempt_at=utcnow() - timedelta(seconds=5))
    _queue("holiday_greeting:dead", kind="holiday_greeting", status="dead", attempts=6)
    result = app.test_cli_runner().invoke(args=["followup", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for expected in ("due soon: 1", "pending: 2", "sent today: 1", "failing: 1", "retry due: 1", "dead: 1",
                     "due now by channel: manual=1"):
        assert expected in lines, (expected, result.output)
    table = {tuple(line.split()) for line in lines if line.startswith("  ")}
    assert {("shipping_notice", "pending", "2"), ("shipping_notice", "sent", "1"), ("shipping_notice", "failed", "1"),
            ("holiday_greeting", "dead", "1")} == table


def test_status_of_an_empty_outbox_says_so(app):
    result = app.test_cli_runner().invoke(args=["followup", "status"])
    assert result.exit_code == 0 and "(the outbox is empty)" in result.output and "dead: 0" in result.output


def test_the_scheduler_has_the_seven_jobs_that_coalesce_and_never_overlap(sqlite_app):
    scheduler = build_scheduler(sqlite_app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    intervals = {job_id: job.trigger.interval.total_seconds() for job_id, job in jobs.items()}
    assert intervals == {"unpaid_sweep": 30, "greeting_sweep": 600, "outbox_sender": 15, "auto_close": 300,
                         "refund_rate_alerts": 900, "case_breach_sweep": 60, "assistant_retrain": 86400}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert 0 < job.misfire_grace_time <= job.trigger.interval.total_seconds()
    assert {job.target for job in JOBS} == {"shopcs.followup.jobs:sweep_unpaid", "shopcs.followup.jobs:sweep_greetings",
                                            "shopcs.followup.jobs:drain_outbox", "shopcs.followup.jobs:auto_close_unpaid",
                                            "shopcs.followup.jobs:send_refund_rate_alerts", "shopcs.followup.jobs:escalate_breaches",
                                            "shopcs.conversations.cli:poll_configured",
                                            "shopcs.assistant.training:retrain_job",
                                            "shopcs.privacy.jobs:erase_inactive_buyers"}  # with SHOPCS_RETENTION_MONTHS
    assert not scheduler.running


def test_the_mailbox_is_polled_every_minute_only_when_shopcs_imap_url_is_set(sqlite_app):
    sqlite_app.config["SHOPCS_IMAP_URL"] = "imaps://shop:secret@imap.example.com/INBOX"
    jobs = {job.id: job for job in build_scheduler(sqlite_app).get_jobs()}
    assert jobs["mail_poll"].trigger.interval.total_seconds() == 60 and len(jobs) == 8


def explode(now):
    raise RuntimeError(f"sweep broke at {now:%H:%M}")


def test_a_job_run_logs_its_counts_and_a_failing_one_logs_the_traceback_without_raising(sqlite_app, caplog):
    caplog.set_level(logging.INFO, logger="shopcs.followup.scheduler")
    make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=73))
    run_job(sqlite_app, PeriodicJob("auto_close", 300, "shopcs.followup.jobs:auto_close_unpaid"))
    run_job(sqlite_app, PeriodicJob("broken", 60, f"{__name__}:explode"))
    messages = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert any(level == "INFO" and "job auto_close" in text and "{'closed': 1}" in text for level, text in messages), messages
    failure = next(record for record in caplog.records if "job broken failed" in record.getMessage())
    assert failure.levelname == "ERROR" and "sweep broke" in str(failure.exc_info[1])


def test_the_web_app_never_imports_the_scheduler():
    code = "import sys; from shopcs import create_app; create_app(); print('shopcs.followup.scheduler' in sys.modules)"
    env = {**os.environ, "SHOPCS_SECRET_KEY": "test-secret-key"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_the_scheduler_process_sweeps_and_stops_cleanly_on_sigterm(tmp_path):
    url = "sqlite:///" + str(tmp_path / "scheduler.sqlite3")
    application = make_app(url)
    with application.app_context():
        db.create_all()
        make_order("SCHED1", status="unpaid", customer=make_customer("sched-buyer"), placed_at=utcnow() - timedelta(minutes=40))
        db.session.remove()
        db.engine.dispose()
    log_path = tmp_path / "scheduler.log"
    env = {**os.environ, "SHOPCS_DATABASE_URL": url, "SHOPCS_SECRET_KEY": "test-secret-key", "PYTHONUNBUFFERED": "1"}
    flask = str(Path(sys.executable).with_name("flask"))
    with open(log_path, "w") as log:
        process = subprocess.Popen([flask, "--app", "app", "followup", "scheduler"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            ran = _wait_for(lambda: "job unpaid_sweep" in log_path.read_text() and "job outbox_sender" in log_path.read_text(), 20)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = log_path.read_text()
    assert ran, output
    assert code == 0, output
    assert "received SIGTERM" in output and "scheduler stopped" in output
    assert "Traceback" not in output
    # The order is 40 minutes old: its first reminder is queued, or waits out the quiet hours if it is night now.
    sweep = re.search(r"job unpaid_sweep at \S+: \{'queued': (\d+), 'dropped': 0, 'waiting': (\d+)", output)
    assert sweep and int(sweep.group(1)) + int(sweep.group(2)) == 1, output
