"""Shop promotions (618, Double 11, …) that a supervisor adds; the greeting sweep announces each one."""
import secrets
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..actor import Actor
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..notify.models import OutboxMessage
from ..timeutil import local_date
from .models import Promotion
from .rules import quiet_at_wall
from .settings import load_settings

MAX_DAYS_BEFORE = 30


def _parse(name, day, send_time, days_before) -> tuple[str, date, time, int]:
    errors = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        errors["name"] = _l("must be 1 to 100 characters")
    try:
        day = day if isinstance(day, date) else date.fromisoformat(str(day).strip())
    except ValueError:
        errors["day"] = _l("must be a date such as 2026-11-11")
    try:
        send_time = send_time if isinstance(send_time, time) else time.fromisoformat(str(send_time).strip())
    except ValueError:
        errors["send_time"] = _l("must be a time such as 10:00")
    try:
        days_before = int(days_before)
        if not 0 <= days_before <= MAX_DAYS_BEFORE:
            errors["days_before"] = _l("must be between %(low)s and %(high)s", low=0, high=MAX_DAYS_BEFORE)
    except (TypeError, ValueError):
        errors["days_before"] = _l("must be a whole number")
    if errors:
        raise Invalid(_l("The promotion is not valid."), errors)
    return name, day, send_time.replace(second=0, microsecond=0), days_before


def add_promotion(name, day, send_time, days_before, actor: Actor, now: datetime, zone: str) -> Promotion:
    """Announced `days_before` days ahead at `send_time` (shop time, `zone`), which must be outside the quiet hours."""
    name, day, send_time, days_before = _parse(name, day, send_time, days_before)
    send_day = day - timedelta(days=days_before)
    if quiet_at_wall(send_time, load_settings()):
        raise Invalid(_l("The promotion is not valid."), {"send_time": _l("must be outside the quiet hours")})
    if send_day < local_date(now, zone):
        raise Invalid(_l("The promotion is not valid."), {"day": _l("its announcement day has passed")})
    promotion = Promotion(key=f"promotion:{secrets.token_hex(6)}", name=name, day=day, send_time=send_time,
                          days_before=days_before, send_day=send_day, created_by=actor.label, created_at=now)
    db.session.add(promotion)
    record(actor, "followup.promotion_added", now,
           after={"name": name, "day": day, "send_time": send_time.strftime("%H:%M"), "days_before": days_before})
    db.session.commit()
    return promotion


def list_promotions() -> list[Promotion]:
    return list(db.session.scalars(select(Promotion).order_by(Promotion.day, Promotion.id)))


def delete_promotion(promotion_id: int, actor: Actor, now: datetime) -> None:
    """Removes it and cancels its announcements not yet sent."""
    promotion = db.session.get(Promotion, promotion_id)
    if promotion is None:
        raise NotFound(_l("No such promotion."))
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.kind == "promotion", OutboxMessage.status.in_(("pending", "failed")),
                                    OutboxMessage.dedupe_key.like(f"greeting:%:{promotion.key}"))
        .values(status="cancelled", cancel_reason="promotion deleted").execution_options(synchronize_session=False))
    record(actor, "followup.promotion_deleted", now, before={"name": promotion.name, "day": promotion.day})
    db.session.delete(promotion)
    db.session.commit()
