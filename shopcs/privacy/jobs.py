"""The scheduler's daily retention run (followup.scheduler.JOBS, scheduled only when SHOPCS_RETENTION_MONTHS is set).
An edge, like followup.jobs: it reads the app's config and hands the service its settings."""
from datetime import datetime

from flask import current_app

from .retention import erase_inactive
from .settings import erasure_settings


def erase_inactive_buyers(now: datetime) -> dict:
    """Erases the buyers inactive for SHOPCS_RETENTION_MONTHS; with the setting empty or 0, nothing."""
    months = current_app.config.get("SHOPCS_RETENTION_MONTHS") or 0
    if not months:
        return {"months": 0, "erased": 0, "failed": 0, "files_left": 0}
    return erase_inactive(months, now, erasure_settings(current_app.config)).as_dict()
