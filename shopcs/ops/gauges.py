"""The database's figures for /metrics, counted at each scrape by a few grouped queries on indexes (no figure is kept
anywhere else, so none can drift): the outbox by kind and status, how long the oldest due message has waited, open
cases past their first-response target, the last hour's webhook deliveries, and the scheduler jobs' runs. Tables that
grow for years (the outbox's sent messages, the webhook deliveries) are read over the last hour only.

Every label value the code knows is shown, 0 included, so that an alert rule finds its series before the first event.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import and_, func, select

from ..cases.escalation import OPEN_STATUSES
from ..cases.models import Case
from ..cases.rules import CHANNELS as CASE_CHANNELS
from ..cases.sla_sql import breached
from ..extensions import db
from ..followup.job_runs import job_runs
from ..notify.models import OUTBOX_STATUSES, OutboxMessage
from ..notify.outbox import CHANNELS as OUTBOX_CHANNELS
from ..notify.outbox import KINDS
from ..webhooks.log import OUTCOMES, SOURCES
from ..webhooks.models import WebhookDelivery

WEBHOOK_WINDOW = OUTBOX_WINDOW = timedelta(hours=1)
STILL_OPEN = ("pending", "failed", "dead")  # outbox statuses counted whatever their age


def outbox_counts(now: datetime) -> dict[tuple[str, str], int]:
    """{(kind, status): messages} for every known kind and status: all the messages still to send or given up
    (STILL_OPEN), and of the finished ones (sent, delivered, cancelled: millions after a few years, too many to count
    at every scrape) those that fell due in the last OUTBOX_WINDOW, read by the (status, scheduled_for) index."""
    counts = dict.fromkeys(((kind, status) for kind in KINDS for status in OUTBOX_STATUSES), 0)
    m = OutboxMessage
    finished = tuple(status for status in OUTBOX_STATUSES if status not in STILL_OPEN)
    for condition in (m.status.in_(STILL_OPEN), and_(m.status.in_(finished), m.scheduled_for > now - OUTBOX_WINDOW)):
        for kind, status, count in db.session.execute(select(m.kind, m.status, func.count()).where(condition)
                                                      .group_by(m.kind, m.status)):
            counts[(kind, status)] = count
    return counts


def oldest_pending_ages(now: datetime) -> dict[str, float]:
    """{channel: seconds} since the oldest message still pending was due (0 when none is): a sender that stopped
    shows here first. Messages scheduled for later are not waiting yet; the manual channel waits for a person."""
    ages = dict.fromkeys(OUTBOX_CHANNELS, 0.0)
    m = OutboxMessage
    due = select(m.channel, func.min(m.scheduled_for)).where(m.status == "pending", m.scheduled_for <= now)
    for channel, oldest in db.session.execute(due.group_by(m.channel)):
        if oldest is not None:
            ages[channel] = max((now - oldest).total_seconds(), 0.0)
    return ages


def breached_open_cases(now: datetime) -> dict[tuple[str, bool], int]:
    """{(channel, answered): open cases} past their first-response target, by the one breach rule (sla_sql.breached,
    the same as the breaches page and the escalation sweep): unanswered past the due time, or answered after it."""
    counts = dict.fromkeys(((channel, answered) for channel in CASE_CHANNELS for answered in (False, True)), 0)
    answered = Case.first_responded_at.is_not(None)
    statement = (select(Case.channel, answered, func.count()).where(Case.status.in_(OPEN_STATUSES), breached(now))
                 .group_by(Case.channel, answered))
    for channel, was_answered, count in db.session.execute(statement):
        counts[(channel, bool(was_answered))] = count
    return counts


def recent_webhook_deliveries(now: datetime) -> dict[tuple[str, str], int]:
    """{(source, outcome): deliveries} received in the last WEBHOOK_WINDOW (by the received_at index: the table
    keeps every delivery for years, a scrape reads only the last hour)."""
    counts = dict.fromkeys(((source, outcome) for source in SOURCES for outcome in OUTCOMES), 0)
    w = WebhookDelivery
    # grouped by outcome first: grouped by source, SQLite reads the whole (source, object_id) index instead
    statement = (select(w.outcome, w.source, func.count()).where(w.received_at >= now - WEBHOOK_WINDOW)
                 .group_by(w.outcome, w.source))
    for outcome, source, count in db.session.execute(statement):
        counts[(source, outcome)] = count
    return counts


@dataclass(frozen=True, eq=False)  # registries keep collectors in a dict: hashed by identity
class DatabaseCollector:
    """A prometheus_client collector for one scrape: `now` is the scrape's time, `intervals` the scheduled jobs'
    {job id: seconds} (shown so that an alert can compare a job's last run with its own interval)."""

    now: datetime
    intervals: dict[str, int]

    def collect(self):
        yield from self._outbox()
        yield from self._cases()
        yield from self._webhooks()
        yield from self._jobs()

    def _outbox(self):
        messages = GaugeMetricFamily("shopcs_outbox_messages", "Outbox messages by kind and status: every pending, "
                                     "failed and dead one; sent, delivered and cancelled ones due in the last hour.",
                                     labels=("kind", "status"))
        for (kind, status), count in outbox_counts(self.now).items():
            messages.add_metric((kind, status), count)
        oldest = GaugeMetricFamily("shopcs_outbox_oldest_pending_seconds",
                                   "Seconds since the oldest pending outbox message of each channel fell due (0: none).",
                                   labels=("channel",))
        for channel, seconds in oldest_pending_ages(self.now).items():
            oldest.add_metric((channel,), seconds)
        yield messages
        yield oldest

    def _cases(self):
        family = GaugeMetricFamily("shopcs_cases_breached",
                                   "Open cases past their first-response target, by channel and whether answered (late).",
                                   labels=("channel", "answered"))
        for (channel, answered), count in breached_open_cases(self.now).items():
            family.add_metric((channel, "true" if answered else "false"), count)
        yield family

    def _webhooks(self):
        family = GaugeMetricFamily("shopcs_webhook_deliveries",
                                   "Signed webhook deliveries received in the last hour, by source and outcome.",
                                   labels=("source", "outcome"))
        for (source, outcome), count in recent_webhook_deliveries(self.now).items():
            family.add_metric((source, outcome), count)
        yield family

    def _jobs(self):
        runs = job_runs()
        last_run = GaugeMetricFamily("shopcs_job_last_run_timestamp_seconds",
                                     "When each scheduler job's last run started (Unix time).", labels=("job",))
        last_success = GaugeMetricFamily("shopcs_job_last_success_timestamp_seconds",
                                         "When each scheduler job last finished without an error (Unix time).",
                                         labels=("job",))
        duration = GaugeMetricFamily("shopcs_job_last_duration_seconds", "How long each scheduler job's last run took.",
                                     labels=("job",))
        failures = CounterMetricFamily("shopcs_job_failures", "Scheduler job runs that ended in an error.",
                                       labels=("job",))
        runs_total = CounterMetricFamily("shopcs_job_runs", "Scheduler job runs, failed or not.", labels=("job",))
        interval = GaugeMetricFamily("shopcs_job_interval_seconds", "Each scheduled job's interval.", labels=("job",))
        for job_id, run in sorted(runs.items()):
            last_run.add_metric((job_id,), run.last_started_at.timestamp())
            if run.last_succeeded_at is not None:
                last_success.add_metric((job_id,), run.last_succeeded_at.timestamp())
            duration.add_metric((job_id,), run.last_duration_ms / 1000)
            failures.add_metric((job_id,), run.failures_total)
            runs_total.add_metric((job_id,), run.runs_total)
        for job_id, seconds in sorted(self.intervals.items()):
            interval.add_metric((job_id,), seconds)
        yield from (last_run, last_success, duration, failures, runs_total, interval)
