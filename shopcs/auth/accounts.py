"""Admins manage accounts: the list, create, change role and display name, deactivate or reactivate, reset a
password. Each change is audited (who, before, after; never a password or its hash) in the same transaction."""
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from sqlalchemy import func, select

from ..actor import Actor
from ..audit.services import changes, record
from ..extensions import db
from ..paging import PageCount
from .models import User
from .passwords import generated_password, hash_password
from .rules import ADMIN, N_, ROLES, AuthError, check_admin_change, check_password, checked_display_name, checked_role
from .services import end_sessions, new_user

PER_PAGE = 50
STATES = ("active", "inactive")


@dataclass(frozen=True)
class AccountFilter:
    role: str = ""
    state: str = ""  # "active", "inactive" or "" for both

    @classmethod
    def from_args(cls, args) -> "AccountFilter":
        """Unknown values are no filter: a hand-edited URL shows a page, never an error."""
        role, state = args.get("role", ""), args.get("state", "")
        return cls(role=role if role in ROLES else "", state=state if state in STATES else "")

    def args(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class AccountPage(PageCount):
    rows: list[User]
    total: int
    page: int
    per_page: int = PER_PAGE


def accounts_page(chosen: AccountFilter, page: int, per_page: int = PER_PAGE) -> AccountPage:
    conditions = []
    if chosen.role:
        conditions.append(User.role == chosen.role)
    if chosen.state:
        conditions.append(User.active.is_(chosen.state == "active"))
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions))
    rows = list(db.session.scalars(select(User).where(*conditions).order_by(User.username)
                                   .limit(per_page).offset((page - 1) * per_page)))
    return AccountPage(rows=rows, total=total, page=page, per_page=per_page)


def account(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def _whole_or_nothing(service):
    """A refused change rolls back at once: it leaves no row half-changed and holds no lock until the request ends."""

    @wraps(service)
    def wrapped(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except AuthError:
            db.session.rollback()
            raise

    return wrapped


@dataclass(frozen=True)
class NewPassword:
    """The outcome of a create or reset: the account and, when ShopCS chose the password, that password (shown
    to the admin once, never stored in clear)."""

    user: User
    generated: str | None = None


def _password_or_generated(password: str | None) -> tuple[str, str | None]:
    if password:
        return password, None
    generated = generated_password()
    return generated, generated


@_whole_or_nothing
def create_account(actor: Actor, username: str, role: str, display_name: str, password: str | None,
                   now: datetime) -> NewPassword:
    """A new account; with no password given one is generated. Its first login asks for a password of its own
    when the admin chose it (the admin knows it)."""
    password, generated = _password_or_generated(password)
    user = new_user(username, role, password, now, display_name)
    user.must_change_password = True
    db.session.flush()
    record(actor, "account.created", now,
           after={"account": user.username, "display_name": user.display_name, "role": user.role})
    db.session.commit()
    return NewPassword(user, generated)


def _locked_target(user_id: int) -> User:
    """The account, locked with every active admin (PostgreSQL: FOR UPDATE), so two admins demoting each other at
    the same moment cannot both pass the last-admin check."""
    db.session.scalars(select(User.id).where(User.role == ADMIN, User.active.is_(True)).with_for_update()).all()
    user = db.session.scalars(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise AuthError(N_("No such account."))
    return user


def _other_active_admins(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.role == ADMIN, User.active.is_(True), User.id != user.id))


@_whole_or_nothing
def update_account(actor: Actor, acting_id: int | None, user_id: int, display_name: str, role: str,
                   now: datetime) -> User:
    """Change the display name and the role; a role change ends the account's sessions (it logs in again)."""
    new = {"display_name": checked_display_name(display_name), "role": checked_role(role)}
    user = _locked_target(user_id)
    check_admin_change(acting_id, user, new["role"], user.active, _other_active_admins(user))
    before, after = changes(user, ["display_name", "role"], new)
    if after:
        for name, value in after.items():
            setattr(user, name, value)
        if "role" in after:
            end_sessions(user)
        record(actor, "account.updated", now, before={"account": user.username, **before},
               after={"account": user.username, **after})
    db.session.commit()
    return user


@_whole_or_nothing
def set_active(actor: Actor, acting_id: int | None, user_id: int, active: bool, now: datetime) -> User:
    """Deactivate (every session of the account ends: the session loader skips inactive accounts, and the bumped
    session version keeps them ended after a reactivation) or reactivate."""
    user = _locked_target(user_id)
    check_admin_change(acting_id, user, user.role, active, _other_active_admins(user))
    if user.active != active:
        user.active = active
        end_sessions(user)
        record(actor, "account.reactivated" if active else "account.deactivated", now,
               before={"account": user.username, "active": not active}, after={"account": user.username, "active": active})
    db.session.commit()
    return user


@_whole_or_nothing
def reset_password(actor: Actor, user_id: int, password: str | None, now: datetime) -> NewPassword:
    """A temporary password, the admin's or a generated one; every session of the account ends, and it must choose
    its own password at its next login."""
    if password:
        check_password(password)
    password, generated = _password_or_generated(password)
    user = _locked_target(user_id)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(user)
    record(actor, "account.password_reset", now, before={"account": user.username},
           after={"account": user.username, "must_change_password": True})
    db.session.commit()
    return NewPassword(user, generated)
