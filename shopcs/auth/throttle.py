"""Login throttling, kept in Flask-Limiter's storage: in memory for one process, Redis for several workers
(SHOPCS_RATELIMIT_STORAGE_URI).

- Per address, across accounts: more than SHOPCS_LOGIN_LIMIT_PER_ADDRESS login attempts answer 429 (the decorator
  on the login view, `per_address`).
- Per account *and* address: SHOPCS_LOGIN_MAX_FAILURES tries without a success within SHOPCS_LOGIN_LOCK_MINUTES lock
  that name from that address only, so a stranger's guesses never lock the owner out at their own desk. Kept per
  typed name, known or not, so a lock does not reveal whether an account exists.

A try is counted before the password is checked, in one atomic step of the storage (`hit`: Redis runs it as one
script), so parallel guesses cannot slip past the count; a successful login clears its pair.
"""
import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute

from ..extensions import limiter


def per_address() -> str:
    """The per-address limit in Flask-Limiter's notation, e.g. "20 per 10 minutes"."""
    return current_app.config["SHOPCS_LOGIN_LIMIT_PER_ADDRESS"]


def _failures():
    config = current_app.config
    return RateLimitItemPerMinute(config["SHOPCS_LOGIN_MAX_FAILURES"], config["SHOPCS_LOGIN_LOCK_MINUTES"])


def _pair(username: str) -> tuple[str, str, str]:
    return "login-name", (username or "").strip()[:64], get_remote_address()


def take_try(username: str) -> bool:
    """Counts one try of this name from this address; False when the pair is locked (the try is not made)."""
    return limiter.limiter.hit(_failures(), *_pair(username))


def is_locked(username: str) -> bool:
    """Whether the tries of this name from this address are used up (after the last failure, say so at once)."""
    return limiter.limiter.get_window_stats(_failures(), *_pair(username)).remaining == 0


def seconds_locked(username: str) -> int:
    """How long until this name may be tried again from this address (at least 1)."""
    reset_at = limiter.limiter.get_window_stats(_failures(), *_pair(username)).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def forget(username: str) -> None:
    """A successful login: its name starts afresh from this address."""
    limiter.limiter.clear(_failures(), *_pair(username))


def seconds_until_address_may_try() -> int:
    """On a 429 from the per-address limit: how long until it lets a try through again (at least 1)."""
    current = limiter.current_limit
    return max(1, math.ceil(current.reset_at - time.time())) if current else 60
