"""The sender's rules: is a message still wanted, and when is the next attempt. Pure: no database, no clock."""
import random
from datetime import timedelta

# Messages a buyer can opt out of. Shipping notices, case replies and alerts are service messages: they still go.
OPT_OUT_KINDS = ("unpaid_reminder", "holiday_greeting", "promotion")
OPEN = ("pending", "failed")  # statuses of a message that may still go out
JITTER = 0.2  # ±20% so that a burst of failures does not retry in lockstep
MAX_DELAY = timedelta(hours=6)


def unwanted_reason(kind: str, order_status: str | None, opted_out: bool) -> str | None:
    """Why the message must not go out any more, or None when it should still be sent."""
    if kind == "unpaid_reminder" and order_status is not None and order_status != "unpaid":
        return f"order is {order_status}"
    if opted_out and kind in OPT_OUT_KINDS:
        return "customer opted out"
    return None


def retry_delay(attempts: int, base_seconds: float, rng: random.Random) -> timedelta:
    """base · 2^(attempts−1), ±JITTER, capped at MAX_DELAY; `attempts` counts the attempt that just failed."""
    exponent = min(max(attempts - 1, 0), 30)
    delay = timedelta(seconds=base_seconds * 2**exponent * (1 + rng.uniform(-JITTER, JITTER)))
    return min(delay, MAX_DELAY)


def status_after_failure(attempts: int, max_attempts: int, permanent: bool) -> str:
    return "dead" if permanent or attempts >= max_attempts else "failed"
