"""The database's figures for /metrics, counted at scrape time, against data made here, on both databases."""
import itertools
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from shopcs.cases.sla import is_breached
from shopcs.extensions import db
from shopcs.followup.job_runs import record_run
from shopcs.notify.outbox import enqueue
from shopcs.ops.gauges import DatabaseCollector, breached_open_cases, oldest_pending_ages, outbox_counts, recent_webhook_deliveries
from shopcs.ops.metrics import exposition
from shopcs.webhooks.models import WebhookDelivery

from ..builders import NOW
from ..case_builders import make_case

SCRAPE = NOW + timedelta(hours=1)
_seq = itertools.count(1)


def _message(kind="shipping_notice", channel="webhook", status="pending", due=SCRAPE):
    message = enqueue(kind=kind, dedupe_key=f"gauge-{next(_seq)}", body="…", now=NOW, scheduled_for=due, channel=channel)
    message.status = status
    db.session.commit()
    return message


def test_outbox_messages_are_counted_by_kind_and_status_with_every_known_pair_shown(app):
    for kind, status, count in (("unpaid_reminder", "pending", 3), ("unpaid_reminder", "sent", 2), ("case_reply", "dead", 1)):
        for _ in range(count):
            _message(kind=kind, status=status)
    counts = outbox_counts(SCRAPE)
    assert {pair: n for pair, n in counts.items() if n} == {("unpaid_reminder", "pending"): 3,
                                                           ("unpaid_reminder", "sent"): 2, ("case_reply", "dead"): 1}
    assert counts[("promotion", "failed")] == 0  # shown at 0, so that an alert finds the series


def test_finished_messages_count_for_the_last_hour_and_open_or_dead_ones_whatever_their_age(app):
    long_ago = SCRAPE - timedelta(days=30)
    for status in ("pending", "failed", "dead", "sent", "cancelled"):
        _message(status=status, due=long_ago)
    _message(status="sent", due=SCRAPE - timedelta(minutes=59))
    _message(status="delivered", due=SCRAPE - timedelta(minutes=61))
    counts = outbox_counts(SCRAPE)
    assert {status: n for (kind, status), n in counts.items() if n} == {"pending": 1, "failed": 1, "dead": 1, "sent": 1}


def test_the_oldest_pending_age_is_per_channel_and_counts_only_messages_already_due(app):
    _message(channel="webhook", due=SCRAPE - timedelta(minutes=10))
    _message(channel="webhook", due=SCRAPE - timedelta(minutes=3))
    _message(channel="webhook", status="failed", due=SCRAPE - timedelta(hours=5))  # retrying: not pending
    _message(channel="email", due=SCRAPE + timedelta(hours=1))  # not due yet
    _message(channel="manual", due=SCRAPE - timedelta(seconds=90))
    assert oldest_pending_ages(SCRAPE) == {"webhook": 600.0, "email": 0.0, "manual": 90.0, "widget": 0.0}


def _case(channel="chat", status="open", answered_after: timedelta | None = None, due=SCRAPE - timedelta(minutes=30)):
    case = make_case(channel=channel)
    case.status, case.first_response_due_at = status, due
    case.first_responded_at = None if answered_after is None else due + answered_after
    db.session.commit()
    return case


def test_breached_open_cases_follow_the_one_breach_rule(app):
    cases = [
        _case(),  # unanswered past due: breached
        _case(answered_after=timedelta(minutes=1)),  # answered late, still open: breached
        _case(answered_after=timedelta(minutes=1), status="resolved"),  # not open
        _case(answered_after=timedelta(0)),  # answered exactly at the due time: met
        _case(channel="email", due=SCRAPE + timedelta(minutes=5)),  # not due yet
        _case(channel="phone", status="waiting"),  # waiting on the buyer, unanswered past due: breached
        _case(channel="phone", status="closed"),
    ]
    counts = breached_open_cases(SCRAPE)
    assert {key: n for key, n in counts.items() if n} == {("chat", False): 1, ("chat", True): 1, ("phone", False): 1}
    open_breached = [c for c in cases if c.status in ("new", "open", "waiting")
                     and is_breached(c.first_response_due_at, c.first_responded_at, SCRAPE)]
    assert sum(counts.values()) == len(open_breached)  # the page's Python rule agrees


def _delivery(outcome, received_at, source="shopify"):
    db.session.add(WebhookDelivery(source=source, delivery_id=f"d-{next(_seq)}", topic="orders/create",
                                   received_at=received_at, outcome=outcome))
    db.session.commit()


def test_webhook_deliveries_of_the_last_hour_are_counted_by_source_and_outcome(app):
    _delivery("created", SCRAPE - timedelta(minutes=5))
    _delivery("created", SCRAPE - timedelta(minutes=59))
    _delivery("refused", SCRAPE - timedelta(minutes=1), source="woocommerce")
    _delivery("created", SCRAPE - timedelta(minutes=61))  # older than the hour
    counts = recent_webhook_deliveries(SCRAPE)
    assert {key: n for key, n in counts.items() if n} == {("shopify", "created"): 2, ("woocommerce", "refused"): 1}
    assert counts[("shopify", "refused")] == 0


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(family, **labels) -> float:
    return next(s.value for s in family.samples if s.labels == labels and s.name == family.name + (
        "_total" if family.type == "counter" else ""))


def test_the_collector_exposes_the_figures_and_the_jobs_runs_in_the_text_format(app):
    _message(kind="case_escalation", status="dead")
    _case()
    record_run("unpaid_sweep", NOW, NOW + timedelta(milliseconds=1500), None)
    record_run("unpaid_sweep", NOW + timedelta(minutes=1), NOW + timedelta(minutes=1, milliseconds=250), "RuntimeError: x")
    text = exposition(DatabaseCollector(SCRAPE, {"unpaid_sweep": 60, "outbox_sender": 15}), env={}).decode()
    families = _families(text)
    assert _value(families["shopcs_outbox_messages"], kind="case_escalation", status="dead") == 1
    assert _value(families["shopcs_cases_breached"], channel="chat", answered="false") == 1
    assert _value(families["shopcs_job_failures"], job="unpaid_sweep") == 1
    assert _value(families["shopcs_job_runs"], job="unpaid_sweep") == 2
    assert _value(families["shopcs_job_last_duration_seconds"], job="unpaid_sweep") == 0.25
    assert _value(families["shopcs_job_last_run_timestamp_seconds"], job="unpaid_sweep") == (NOW + timedelta(minutes=1)).timestamp()
    assert _value(families["shopcs_job_last_success_timestamp_seconds"], job="unpaid_sweep") == (
        NOW + timedelta(milliseconds=1500)).timestamp()
    assert _value(families["shopcs_job_interval_seconds"], job="outbox_sender") == 15
    assert "shopcs_webhook_deliveries" in families and "shopcs_http_requests" in families
