"""People who log in, the platform's API tokens, and the failed-login counter per name."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db
from .rules import ROLES  # noqa: F401 - their home is rules.py; `from .models import ROLES` keeps working


class AccountFacts:
    """What pages read of an account beyond its columns, for the stored User and the session's SessionUser alike."""

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def get_id(self) -> str:
        """What Flask-Login keeps in the session (and a remember cookie): the id and the account's session version,
        so every session saved before the version was bumped (logout, password change or reset, deactivation, role
        change) no longer loads a user (auth/loader.py)."""
        return f"{self.id}:{self.session_version}"


class User(AccountFacts, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # set by an admin's password reset: every page leads to the password page until the user has chosen their own
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # part of every session's id (AccountFacts.get_id); bumped to end every session of the account at once
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # an agent's own switch for automatic assignment of new conversations (shopcs.cases.owners); away by default
    available: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the round robin's turn


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
