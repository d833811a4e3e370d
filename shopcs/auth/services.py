"""Accounts, logins with throttling, and API tokens (stored as SHA-256 of a random secret)."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, or_, select, update

from ..extensions import db
from .models import ApiToken, User
from .passwords import hash_password, verify_password
from .rules import N_, AuthError, check_password, checked_display_name, checked_role, checked_username

_DUMMY_HASH = hash_password("not-a-real-password")


def new_user(username: str, role: str, password: str, now: datetime, display_name: str = "") -> User:
    """A new active account added to the session, after the rules (the caller commits)."""
    username, display_name = checked_username(username), checked_display_name(display_name)
    role = checked_role(role)
    check_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError(N_("A user named %(name)s already exists."), "username", name=username)
    user = User(username=username, role=role, password_hash=hash_password(password), created_at=now,
                display_name=display_name, active=True, must_change_password=False)
    db.session.add(user)
    return user


def create_user(username: str, role: str, password: str, now: datetime, display_name: str = "") -> User:
    user = new_user(username, role, password, now, display_name)
    db.session.commit()
    return user


def authenticate(username: str, password: str, now: datetime) -> User | None:
    """The active account with this name and password, its last login noted; None otherwise. Throttling is the
    caller's (shopcs.auth.throttle: a try is counted before this is asked)."""
    username = (username or "").strip()[:64]
    user = db.session.scalar(select(User).where(User.username == username))
    # Hash even for unknown names, so timing does not reveal which names exist.
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if not (ok and user is not None and user.active):
        return None
    user.last_login_at = now
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Every session of the account ends at its next request (the caller commits): the version each one carries in
    its id no longer matches. Incremented in the UPDATE itself, so two at once both count."""
    user.session_version = User.session_version + 1


def log_out_everywhere(user: User) -> None:
    """Logout: every session of the account ends, on this device and any other, and any saved cookie with them."""
    end_sessions(user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """One's own new password; it ends a reset's forced change and every session of the account (the page that
    changed it logs in again)."""
    if not verify_password(user.password_hash, current or ""):
        raise AuthError(N_("The current password is not right."), "current")
    check_password(new, "new")
    if new == current:
        raise AuthError(N_("Choose a password different from the current one."), "new")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    db.session.commit()


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(name: str, now: datetime) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AuthError("A token name of 1 to 64 characters is required.", "name")
    if db.session.scalar(select(ApiToken).where(ApiToken.name == name)):
        raise AuthError(f"A token named {name!r} already exists.")
    secret = "scs_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_token_digest(secret), created_at=now)
    db.session.add(token)
    db.session.commit()
    return token, secret


# What an API request needs of its token, built once, as one Core row on the session's connection: an ORM ApiToken
# (identity map, instance state, a statement built per call) cost more than running the statement.
_TOKEN_BY_DIGEST = select(ApiToken.id, ApiToken.name, ApiToken.token_hash, ApiToken.revoked_at,
                          ApiToken.last_used_at).where(ApiToken.token_hash == bindparam("digest"))
TOKEN_USE_PRECISION = timedelta(minutes=1)  # how exactly api_tokens.last_used_at says when a token was last used


def find_api_token(secret: str) -> Row | None:
    """The unrevoked token with this secret (a row: id, name, token_hash, revoked_at, last_used_at), or None."""
    if not secret:
        return None
    digest = _token_digest(secret)
    token = db.session.connection().execute(_TOKEN_BY_DIGEST, {"digest": digest}).first()
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def note_token_use(token: Row, now: datetime) -> None:
    """Keeps `last_used_at` to the minute (TOKEN_USE_PRECISION), written in a transaction of its own at most once a
    minute. Writing it on every request cost each API request an UPDATE and a commit, and made every request of a
    platform wait for the same row lock."""
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_PRECISION:
        return
    db.session.execute(update(ApiToken).where(
        ApiToken.id == token.id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_USE_PRECISION))
        .values(last_used_at=now))
    db.session.commit()


def revoke_api_token(name: str, now: datetime) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise AuthError(f"No token named {name!r}.")
    token.revoked_at = now
    db.session.commit()
    return token
