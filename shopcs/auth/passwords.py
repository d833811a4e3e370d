"""Password hashing (Werkzeug's scrypt: slow on purpose) and the failed-login rule. Pure."""
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def password_problem(password: str) -> str | None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
    return None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failures: int, now: datetime, max_failures: int, lock_minutes: int) -> tuple[int, datetime | None]:
    """(new failure count, locked until): the Nth failure in a row locks the name and restarts the count."""
    failures += 1
    if failures >= max_failures:
        return 0, now + timedelta(minutes=lock_minutes)
    return failures, None
