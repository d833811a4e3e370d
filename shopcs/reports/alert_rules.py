"""Refund-rate alerts: the rules and their settings. Pure: no database, no clock.

Two rules, both judged on whole shop-local days ending yesterday (today is not over yet):
- threshold: the 30-day refund rate is above the threshold (default 5%) — the figure platforms rank shops by;
- spike: the last 7 days' refund rate is above `spike_factor` × the 30-day rate (default 1.5×), and the last
  7 days had at least `spike_min_orders` paid orders (default 100), so that three refunds on a quiet week do
  not wake anyone up.
"""
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from ..errors import Invalid
from ..windows import ROLLING_DAYS, Window

SPIKE_DAYS = 7
RULES = ("threshold", "spike")
ALERT_CHANNELS = ("", "manual", "email", "webhook")  # "" = the shop's outbox channel (SHOPCS_OUTBOX_CHANNEL)


@dataclass(frozen=True)
class AlertSettings:
    threshold: Decimal = Decimal("0.05")
    spike_factor: Decimal = Decimal("1.5")
    spike_min_orders: int = 100
    channel: str = ""
    email: str = ""  # where the email channel sends operators' alerts

    def as_json(self) -> dict:
        return {name: str(value) if isinstance(value, Decimal) else value for name, value in asdict(self).items()}


@dataclass(frozen=True)
class Alert:
    rule: str
    as_of: date  # the last day judged
    rate: Decimal  # the figure that crossed the line: the 30-day rate, or the 7-day rate for a spike
    limit: Decimal  # the line it crossed
    paid_orders: int  # behind `rate`
    refunded_orders: int


def judged_windows(today: date) -> tuple[Window, Window]:
    """(the 30 days ending yesterday, the 7 days ending yesterday)."""
    yesterday = today - timedelta(days=1)
    return (Window(yesterday - timedelta(days=ROLLING_DAYS - 1), yesterday),
            Window(yesterday - timedelta(days=SPIKE_DAYS - 1), yesterday))


def evaluate(as_of: date, last_30, last_7, settings: AlertSettings) -> list[Alert]:
    """The alerts that fire, given the refund-rate totals (`.rate`, `.paid_orders`, `.refunded_orders`) of both windows."""
    alerts = []
    if last_30.rate is not None and last_30.rate > settings.threshold:
        alerts.append(Alert("threshold", as_of, last_30.rate, settings.threshold, last_30.paid_orders, last_30.refunded_orders))
    if last_30.rate is not None and last_7.rate is not None and last_7.paid_orders >= settings.spike_min_orders:
        limit = (settings.spike_factor * last_30.rate).quantize(Decimal("0.0001"))
        if last_7.rate > limit:
            alerts.append(Alert("spike", as_of, last_7.rate, limit, last_7.paid_orders, last_7.refunded_orders))
    return alerts


def _decimal(text, name: str, lowest: Decimal, highest: Decimal, problems: dict) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        problems[name] = f"must be a number between {lowest} and {highest}"
        return None
    if not value.is_finite() or not lowest <= value <= highest:
        problems[name] = f"must be a number between {lowest} and {highest}"
        return None
    return value


def parse_alert_settings(values: dict) -> AlertSettings:
    """From a form or stored JSON: `threshold_percent` (0.01–100) or `threshold` (a fraction), `spike_factor` (1–10),
    `spike_min_orders` (1–1,000,000), `channel`, `email` (required for the email channel). Raises Invalid naming each bad field."""
    problems: dict[str, str] = {}
    if "threshold_percent" in values:
        percent = _decimal(values["threshold_percent"], "threshold_percent", Decimal("0.01"), Decimal("100"), problems)
        threshold = None if percent is None else (percent / 100).quantize(Decimal("0.0001"))
    else:
        threshold = _decimal(values.get("threshold", AlertSettings.threshold), "threshold", Decimal("0.0001"), Decimal("1"), problems)
    factor = _decimal(values.get("spike_factor", AlertSettings.spike_factor), "spike_factor", Decimal("1"), Decimal("10"), problems)
    try:
        min_orders = int(str(values.get("spike_min_orders", AlertSettings.spike_min_orders)).strip())
    except ValueError:
        min_orders = 0
    if not 1 <= min_orders <= 1_000_000:
        problems["spike_min_orders"] = "must be a whole number between 1 and 1000000"
    channel = str(values.get("channel") or "")
    if channel not in ALERT_CHANNELS:
        problems["channel"] = "must be one of manual, email, webhook (or empty for the shop's channel)"
    email = str(values.get("email") or "").strip()
    if email and ("@" not in email or len(email) > 200 or any(c.isspace() for c in email)):
        problems["email"] = "must be one email address"
    elif channel == "email" and not email:
        problems["email"] = "is required when alerts go by email"
    if problems:
        raise Invalid("The alert settings are not valid.", fields=problems)
    return AlertSettings(threshold, factor, min_orders, channel, email)
