"""The config values the edge (views, CLI commands, the scheduler's jobs) hands to the services, read here only:
a service is given them as arguments and never reads `current_app.config` itself."""
from flask import current_app


def shop_zone() -> str:
    """The shop's time zone (SHOPCS_TIMEZONE, Asia/Shanghai by default), e.g. "Asia/Shanghai"."""
    return current_app.config["SHOPCS_TIMEZONE"]


def outbox_channel() -> str:
    """The channel a new outbox message takes unless its own settings name one (SHOPCS_OUTBOX_CHANNEL)."""
    return current_app.config.get("SHOPCS_OUTBOX_CHANNEL") or "manual"
