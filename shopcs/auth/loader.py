"""Flask-Login's user loader: the logged-in user, read again on every request."""
from sqlalchemy import bindparam, select

from ..extensions import db
from .models import User

# Built once: every page of a logged-in user runs it, and Session.get() builds (and hashes for SQLAlchemy's
# statement cache) a fresh SELECT on each call, which cost twice what running it does.
_BY_ID = select(User).where(User.id == bindparam("id"))


def load_user(user_id: str) -> User | None:
    """The user of the session's id, as a normal ORM object (pages may change and commit it), or None
    when the id is unknown or the account is deactivated - checked on every request, never cached."""
    if not user_id.isdigit():
        return None
    user = db.session.execute(_BY_ID, {"id": int(user_id)}).scalar_one_or_none()
    return user if user is not None and user.active else None
