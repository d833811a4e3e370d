"""The config values the edge (views, CLI commands, the scheduler's jobs) hands to the services, read here only:
a service is given them as arguments and never reads `current_app.config` itself. Read on every call, not once at
start-up, so a value changed on the app's config takes effect at the next request."""
from flask import current_app

from .cases.claims.settings import ClaimSettings
from .currency import DEFAULT
from .orders.refunds import ApprovalLimits


def shop_zone() -> str:
    """The shop's time zone (SHOPCS_TIMEZONE, Asia/Shanghai by default), e.g. "Asia/Shanghai"."""
    return current_app.config["SHOPCS_TIMEZONE"]


def outbox_channel() -> str:
    """The channel a new outbox message takes unless its own settings name one (SHOPCS_OUTBOX_CHANNEL)."""
    return current_app.config.get("SHOPCS_OUTBOX_CHANNEL") or "manual"


def claim_settings() -> ClaimSettings:
    """Where claim photos are stored (SHOPCS_UPLOAD_DIR) and the largest one accepted (SHOPCS_UPLOAD_MAX_BYTES)."""
    config = current_app.config
    return ClaimSettings(upload_dir=config["SHOPCS_UPLOAD_DIR"], max_bytes=config["SHOPCS_UPLOAD_MAX_BYTES"])


def approval_limits() -> ApprovalLimits:
    """Who may approve which refund, per currency: SHOPCS_REFUND_APPROVAL_LIMIT (CNY) and SHOPCS_REFUND_APPROVAL_LIMITS
    (the others); four-eyes is on when SHOPCS_REFUND_FOUR_EYES_ABOVE (CNY) or SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS is set."""
    config = current_app.config
    limits = {DEFAULT: config["SHOPCS_REFUND_APPROVAL_LIMIT"], **config.get("SHOPCS_REFUND_APPROVAL_LIMITS", {})}
    cny_four_eyes, other_four_eyes = config.get("SHOPCS_REFUND_FOUR_EYES_ABOVE"), config.get("SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS", {})
    if cny_four_eyes is None and not other_four_eyes:
        return ApprovalLimits(limits)
    four_eyes = {**({DEFAULT: cny_four_eyes} if cny_four_eyes is not None else {}), **other_four_eyes}
    return ApprovalLimits(limits, four_eyes)
