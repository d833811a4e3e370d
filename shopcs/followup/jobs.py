"""The scheduler's jobs: every one a sweep — find what is due now, queue it once — idempotent and safe
to run twice at the same moment or to kill at any line (the outbox's unique keys make it so).

Like the views and the CLI, a job is an edge: it reads the app's config and hands the services their settings.
"""
from datetime import datetime

from flask import current_app

from ..actor import Actor
from ..app_config import outbox_channel, shop_zone
from ..cases import escalation
from ..cases.reply_status import reply_sent
from ..notify.models import OutboxMessage
from ..notify.sender import DrainReport, drain
from ..notify.sender_settings import sender_settings
from ..reports.alerts import operator_email, send_alerts
from . import greetings, unpaid
from .settings import load_settings
from .unpaid import auto_close_unpaid
from .values import FollowupSettings

__all__ = ["auto_close_unpaid", "drain_outbox", "escalate_breaches", "run_all_sweeps", "send_refund_rate_alerts",
           "send_reminder_by_hand", "sweep_greetings", "sweep_unpaid"]


def sweep_unpaid(now: datetime, settings: FollowupSettings | None = None) -> dict:
    return unpaid.sweep_unpaid(now, settings, zone=shop_zone(), channel=outbox_channel())


def sweep_greetings(now: datetime, settings: FollowupSettings | None = None) -> dict:
    return greetings.sweep_greetings(now, settings, zone=shop_zone(), channel=outbox_channel())


def send_reminder_by_hand(order_no: str, actor: Actor, now: datetime) -> OutboxMessage:
    """Not a job: an agent's click on the customer page, handed the same settings as the sweeps."""
    return unpaid.send_reminder_by_hand(order_no, actor, now, zone=shop_zone(), channel=outbox_channel())


def run_all_sweeps(now: datetime) -> dict:
    """Close stale orders first (their reminders are then not wanted), then reminders, then greetings."""
    settings = load_settings()
    return {"auto_close": auto_close_unpaid(now, settings), "unpaid": sweep_unpaid(now, settings),
            "greetings": sweep_greetings(now, settings)}


# A run of the outbox sender sends every message due for at most this long (the scheduler runs it every 15 s), so a
# festival's backlog goes out at the channels' speed: a fixed 100 a run held two schedulers to ~13 messages a second
# in bench/peak_day.py, where 50 a second fell due.
DRAIN_BUDGET_SECONDS = 12.0


def drain_outbox(now: datetime, **options) -> DrainReport:
    """The outbox sender with the app's channels and retry policy; the team's address from the alert settings.
    `options`: drain's limit (default: every due message), budget (default DRAIN_BUDGET_SECONDS), worker and rng.
    A case reply sent stops its case's first-response clock."""
    options = {"limit": None, "budget": DRAIN_BUDGET_SECONDS, **options}
    return drain(now, sender_settings(current_app.config, team_email=operator_email), on_sent=reply_sent, **options)


def send_refund_rate_alerts(now: datetime) -> dict:
    return send_alerts(now, shop_zone(), outbox_channel())


def escalate_breaches(now: datetime) -> dict:
    return escalation.escalate_breaches(now, shop_zone(), outbox_channel())
