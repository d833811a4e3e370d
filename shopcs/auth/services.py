"""Accounts, logins with throttling, and API tokens (stored as SHA-256 of a random secret)."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .models import ROLES, ApiToken, LoginThrottle, User
from .passwords import MIN_PASSWORD_LENGTH, after_failure, hash_password, is_locked, password_problem, verify_password

_DUMMY_HASH = hash_password("not-a-real-password")


class AuthError(ValueError):
    """Messages of the account CLI stay English; those the password page shows are translated (lazy)."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked: bool = False


def create_user(username: str, role: str, password: str, now: datetime, display_name: str = "") -> User:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise AuthError("A user name of 1 to 64 characters is required.")
    if role not in ROLES:
        raise AuthError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    problem = password_problem(password)
    if problem:
        raise AuthError(problem)
    if db.session.scalar(select(User).where(User.username == username)):
        raise AuthError(f"A user named {username!r} already exists.")
    user = User(username=username, role=role, password_hash=hash_password(password), created_at=now,
                display_name=display_name, active=True)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str, now: datetime, max_failures: int, lock_minutes: int) -> LoginResult:
    username = (username or "").strip()[:64]
    throttle = db.session.get(LoginThrottle, username) or LoginThrottle(username=username, failures=0)
    if is_locked(throttle.locked_until, now):
        return LoginResult(None, locked=True)
    user = db.session.scalar(select(User).where(User.username == username))
    # Hash even for unknown names, so timing does not reveal which names exist.
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if ok and user is not None and user.active:
        if throttle.failures or throttle.locked_until:
            throttle.failures, throttle.locked_until = 0, None
            db.session.merge(throttle)
        db.session.commit()
        return LoginResult(user)
    throttle.failures, throttle.locked_until = after_failure(throttle.failures or 0, now, max_failures, lock_minutes)
    db.session.merge(throttle)
    db.session.commit()
    return LoginResult(None, locked=throttle.locked_until is not None)


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current or ""):
        raise AuthError(_l("The current password is not right."))
    if password_problem(new):
        raise AuthError(_l("The password needs at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    user.password_hash = hash_password(new)
    db.session.commit()


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(name: str, now: datetime) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AuthError("A token name of 1 to 64 characters is required.")
    if db.session.scalar(select(ApiToken).where(ApiToken.name == name)):
        raise AuthError(f"A token named {name!r} already exists.")
    secret = "scs_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_token_digest(secret), created_at=now)
    db.session.add(token)
    db.session.commit()
    return token, secret


def find_api_token(secret: str) -> ApiToken | None:
    if not secret:
        return None
    digest = _token_digest(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def revoke_api_token(name: str, now: datetime) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise AuthError(f"No token named {name!r}.")
    token.revoked_at = now
    db.session.commit()
    return token
