"""Write and read the audit trail. Writing adds to the caller's transaction; the caller commits."""
from datetime import datetime

from sqlalchemy import insert, select

from ..actor import Actor
from ..extensions import db
from .models import AuditEntry


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if value is None or isinstance(value, (str, int, float, bool, list, dict)):
            out[key] = value
        else:
            out[key] = str(value)  # Decimal, date, datetime: their text form is what a reader wants
    return out


def record(actor: Actor, action: str, now: datetime, *, order_id=None, before=None, after=None) -> AuditEntry:
    entry = AuditEntry(
        at=now, actor=actor.label, order_id=order_id, action=action,
        before=_jsonable(before), after=_jsonable(after),
    )
    db.session.add(entry)
    return entry


def record_many(actor: Actor, action: str, now: datetime, entries: list[dict]) -> None:
    """The same action for many orders in one statement (a sweep's batch): `entries` are dicts with order_id and
    optionally before/after."""
    if entries:
        db.session.execute(insert(AuditEntry), [
            {"at": now, "actor": actor.label, "action": action, "order_id": entry["order_id"],
             "before": _jsonable(entry.get("before")), "after": _jsonable(entry.get("after"))} for entry in entries])


def changes(obj, fields: list[str], new_values: dict) -> tuple[dict, dict]:
    """(before, after) for the fields whose values differ; both empty when nothing changed."""
    before, after = {}, {}
    for name in fields:
        if name in new_values and getattr(obj, name) != new_values[name]:
            before[name] = getattr(obj, name)
            after[name] = new_values[name]
    return before, after


def entries_for_order(order_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.order_id == order_id).order_by(AuditEntry.at, AuditEntry.id)))
