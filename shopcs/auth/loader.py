"""Flask-Login's user loader: the logged-in user, read again on every request."""
from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from ..extensions import db
from .models import AccountFacts, User

_MAX_ID = 2**31 - 1  # the largest value of an INTEGER id column
# Built once, a Core statement: every page of a logged-in user runs it, and loading an ORM User (identity map,
# instance state, a fresh SELECT per Session.get()) cost three times what running the statement does.
_BY_ID = select(User.id, User.username, User.display_name, User.role, User.active, User.must_change_password).where(
    User.id == bindparam("id"))


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


def load_user(user_id: str) -> SessionUser | None:
    """The user of the session's id, or None when the id is unknown or the account is deactivated - checked on
    every request, never cached."""
    if not (user_id.isascii() and user_id.isdigit()) or int(user_id) > _MAX_ID:
        return None
    row = db.session.connection().execute(_BY_ID, {"id": int(user_id)}).first()
    return SessionUser(*row) if row is not None and row.active else None


def account_of(user) -> User:
    """The stored User behind `user` (a SessionUser or a User), for a change to the account itself."""
    return user if isinstance(user, User) else db.session.get(User, user.id)
