"""Flask-Login's user loader: the logged-in user, read again on every request."""
from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import bindparam, select
from werkzeug.local import LocalProxy

from ..dbid import MAX_DB_ID
from ..extensions import db
from .models import AccountFacts, User

# Built once, a Core statement: every page of a logged-in user runs it, and loading an ORM User (identity map,
# instance state, a fresh SELECT per Session.get()) cost three times what running the statement does.
_BY_ID = select(User.id, User.username, User.display_name, User.role, User.active, User.must_change_password,
                User.session_version).where(User.id == bindparam("id"))


@dataclass(frozen=True)
class SessionUser(AccountFacts, UserMixin):
    """The logged-in user as pages read it (`current_user`): who they are and their role, as stored when the
    request began. Read-only: a page that changes the account loads its User (`account_of`)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    must_change_password: bool = False  # after an admin's reset: every page leads to the password page
    session_version: int = 0  # the account's, as stored: part of get_id(), so a fresh login keeps it


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_DB_ID else None


def load_user(session_id: str) -> SessionUser | None:
    """The user of the session's "id:version" (User.get_id), or None when the id is unknown, the account is
    deactivated or its session version has moved on since the login (the session was ended) - checked on every
    request, in one query, never cached."""
    user_id, _, version = session_id.partition(":")
    user_id, version = _number(user_id), _number(version)
    if user_id is None or version is None:
        return None
    row = db.session.connection().execute(_BY_ID, {"id": user_id}).first()
    return SessionUser(*row) if row is not None and row.active and row.session_version == version else None


def account_of(user) -> User:
    """The stored User behind `user` (a SessionUser or a User, or `current_user` itself), for a change to the account
    itself - never the proxy, which login_user() would keep as the user and then resolve to itself."""
    if isinstance(user, LocalProxy):
        user = user._get_current_object()
    return user if isinstance(user, User) else db.session.get(User, user.id)
