"""The scheduler process: a small table of periodic sweeps, run by APScheduler in its own process.

Never imported by the web app: with several gunicorn workers each would run the sweeps. Every job is
idempotent (the outbox's unique keys make "send once" a database fact), so a coalesced, late or
repeated run is harmless; the scheduler only decides *when* to look.
"""
import dataclasses
import importlib
import logging
import secrets
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ..log_context import bind_request_id, unbind_request_id
from ..timeutil import UTC, utcnow

log = logging.getLogger("shopcs.followup.scheduler")


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    seconds: int
    target: str  # "module:function", called with `now`; imported when the job runs
    needs: str | None = None  # a setting without which the job has nothing to do (it is then not scheduled)

    @property
    def misfire_grace_seconds(self) -> int:
        """A run that is late by less than one interval still runs; later than that, the next run covers it."""
        return self.seconds


JOBS = (
    # every 30 s: a sweep with nothing due costs a few index reads, and a festival's first reminders wait half as long
    PeriodicJob("unpaid_sweep", 30, "shopcs.followup.jobs:sweep_unpaid"),
    PeriodicJob("greeting_sweep", 600, "shopcs.followup.jobs:sweep_greetings"),
    PeriodicJob("outbox_sender", 15, "shopcs.followup.jobs:drain_outbox"),
    PeriodicJob("auto_close", 300, "shopcs.followup.jobs:auto_close_unpaid"),
    PeriodicJob("refund_rate_alerts", 900, "shopcs.followup.jobs:send_refund_rate_alerts"),
    PeriodicJob("case_breach_sweep", 60, "shopcs.followup.jobs:escalate_breaches"),  # a minute late at most
    PeriodicJob("assistant_retrain", 86400, "shopcs.assistant.training:retrain_job"),  # the shop's corrected cases
    PeriodicJob("mail_poll", 60, "shopcs.conversations.cli:poll_configured", needs="SHOPCS_IMAP_URL"),
    PeriodicJob("retention", 86400, "shopcs.privacy.jobs:erase_inactive_buyers", needs="SHOPCS_RETENTION_MONTHS"),
)


def jobs_for(config) -> tuple[PeriodicJob, ...]:
    return tuple(job for job in JOBS if job.needs is None or config.get(job.needs))


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def counts_of(result) -> dict:
    """A job's report as a dict for the log line: sweeps return dicts, the sender a dataclass."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return dict(result) if isinstance(result, dict) else {"result": result}


def run_job(app, job: PeriodicJob) -> None:
    """One run inside an app context with a fresh clock read; logs the counts (each line naming the run) and records
    the run (job_runs: outcome, duration, failures), never raises."""
    from ..extensions import db
    from .job_runs import short_error

    with app.app_context():
        bound, now, started, error = bind_request_id(f"{job.id}-{secrets.token_hex(4)}"), utcnow(), time.monotonic(), None
        try:
            try:
                result = _resolve(job.target)(now)
            except Exception as exc:  # noqa: BLE001 - a failing run is logged and the next one tries again
                db.session.rollback()
                error = short_error(exc)
                log.exception("job %s failed at %s", job.id, now.isoformat())
            else:
                log.info("job %s at %s: %s", job.id, now.isoformat(), counts_of(result))
            _record(job.id, now, now + timedelta(seconds=time.monotonic() - started), error)
        finally:
            db.session.remove()
            unbind_request_id(bound)


def _record(job_id: str, started_at: datetime, finished_at: datetime, error: str | None) -> None:
    """The run in job_runs; a run that cannot be recorded (the database away) is logged, never raised."""
    from ..extensions import db
    from .job_runs import record_run

    try:
        record_run(job_id, started_at, finished_at, error)
    except Exception:  # noqa: BLE001 - the job itself is done; the next run records again
        db.session.rollback()
        log.exception("job %s: its run could not be recorded", job_id)


def build_scheduler(app, first_run: datetime | None = None) -> BlockingScheduler:
    """The scheduler with the job table; every job runs first at `first_run` (default: at start)."""
    scheduler = BlockingScheduler(timezone=UTC)
    first_run = first_run or datetime.now(UTC)
    for job in jobs_for(app.config):
        scheduler.add_job(run_job, IntervalTrigger(seconds=job.seconds, timezone=UTC), args=(app, job), id=job.id,
                          name=job.id, coalesce=True, max_instances=1, misfire_grace_time=job.misfire_grace_seconds,
                          next_run_time=first_run, replace_existing=True)
    return scheduler


def run_scheduler(app) -> None:
    """Run until SIGTERM or SIGINT, then stop taking jobs and wait for the running ones to finish."""
    scheduler = build_scheduler(app)
    stopping: list[threading.Thread] = []

    def stop(signum, _frame):
        # shutdown(wait=True) joins the worker threads; do it off the signal handler so the main loop can end.
        if not stopping:
            log.info("received %s: stopping after the running jobs finish", signal.Signals(signum).name)
            stopping.append(threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, name="scheduler-stop"))
            stopping[0].start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("scheduler starting: %s", ", ".join(f"{job.id} every {job.seconds}s" for job in jobs_for(app.config)))
    try:
        scheduler.start()
    finally:
        for thread in stopping:
            thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped")
