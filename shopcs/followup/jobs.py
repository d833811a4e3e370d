"""The scheduler's jobs: every one a sweep — find what is due now, queue it once — idempotent and safe
to run twice at the same moment or to kill at any line (the outbox's unique keys make it so)."""
from datetime import datetime

from .greetings import sweep_greetings
from .settings import load_settings
from .unpaid import auto_close_unpaid, send_reminder_by_hand, sweep_unpaid

__all__ = ["auto_close_unpaid", "run_all_sweeps", "send_reminder_by_hand", "sweep_greetings", "sweep_unpaid"]


def run_all_sweeps(now: datetime) -> dict:
    """Close stale orders first (their reminders are then not wanted), then reminders, then greetings."""
    settings = load_settings()
    return {"auto_close": auto_close_unpaid(now, settings), "unpaid": sweep_unpaid(now, settings),
            "greetings": sweep_greetings(now, settings)}
