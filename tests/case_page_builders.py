"""Builders for the case pages: cases received minutes before the real clock (the pages read utcnow()), round-the-clock
response targets so that a test's clock does not depend on the hour it runs at, and logged-in clients by role."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import g
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.cases.models import Case
from shopcs.cases.rules import CHANNELS
from shopcs.cases.settings import save_sla_settings
from shopcs.extensions import db
from shopcs.timeutil import utcnow

from .builders import make_user
from .case_builders import PLATFORM, make_case

ENGLISH = {"Accept-Language": "en"}
SHOP_ZONE = ZoneInfo("Asia/Shanghai")


def round_the_clock() -> None:
    """Every channel open all day, every day: a case's due time is its receipt plus the target's minutes."""
    values = {}
    for channel in CHANNELS:
        values.update({f"{channel}.weekdays": "0,1,2,3,4,5,6", f"{channel}.opens": "00:00", f"{channel}.closes": "00:00",
                       f"{channel}.public_holidays_off": "false"})
    save_sla_settings(values, PLATFORM, utcnow())


def minute_ago(minutes: int):
    """A whole minute `minutes` before now, so that times typed into a form (to the minute) compare exactly."""
    return (utcnow() - timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def recent_case(minutes_ago: float = 1, actor=PLATFORM, **values) -> Case:
    """A case received `minutes_ago` before the real clock (fractions allowed)."""
    now = utcnow()
    values.setdefault("received_at", now - timedelta(minutes=minutes_ago))
    return make_case(actor=actor, now=now, **values)


def shop_time(moment) -> str:
    """As a datetime-local input sends it, in the shop's zone."""
    return moment.astimezone(SHOP_ZONE).strftime("%Y-%m-%dT%H:%M")


def client_as(app, login, role: str, username: str | None = None):
    """(a logged-in test client, its user). The tests share one app context: Flask-Login's cached user goes first."""
    g.pop("_login_user", None)
    user = make_user(username or role.replace("_", "-"), role=role)
    client = app.test_client()
    login(client, user.username)
    return client, user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
