"""Claiming due outbox rows so that two senders, threads or processes, never take the same row.

A claim is a lease (claimed_until, claimed_by) committed BEFORE anything is sent. PostgreSQL picks the
rows with SELECT … FOR UPDATE SKIP LOCKED, so concurrent senders split the work without waiting;
SQLite has no SKIP LOCKED but serialises writers, so a conditional UPDATE checked by its rowcount is
the claim. A lease that runs out (the sender died mid-send) makes the row due again: it is re-sent
with the same id, which receivers use as the idempotency key.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from .models import OutboxMessage

LEASE = timedelta(minutes=2)


def _due(now: datetime):
    m = OutboxMessage
    return and_(
        m.channel != "manual",
        m.scheduled_for <= now,
        or_(m.status == "pending", and_(m.status == "failed", m.next_attempt_at <= now)),
        or_(m.claimed_until.is_(None), m.claimed_until < now),
    )


def claim_due(now: datetime, *, limit: int, worker: str, lease: timedelta = LEASE) -> list[int]:
    """Ids of up to `limit` due rows now leased to `worker`, oldest first; committed before returning."""
    m = OutboxMessage
    candidates = select(m.id).where(_due(now)).order_by(m.scheduled_for, m.id).limit(limit)
    lease_values = {"claimed_until": now + lease, "claimed_by": worker}
    if db.engine.dialect.name == "postgresql":
        ids = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(m).where(m.id.in_(ids)).values(**lease_values))
    else:
        ids = _claim_one_by_one(candidates, now, lease_values)
    db.session.commit()
    return ids


def _claim_one_by_one(candidates, now: datetime, lease_values: dict, rounds: int = 5) -> list[int]:
    """SQLite: each conditional UPDATE is atomic. Losing every candidate to another sender means "look again",
    not "nothing is due": the rows it took are leased now, so the next look finds others."""
    m = OutboxMessage
    for _ in range(rounds):
        found, ids = db.session.scalars(candidates).all(), []
        for message_id in found:
            won = db.session.execute(update(m).where(m.id == message_id, _due(now)).values(**lease_values))
            if won.rowcount == 1:
                ids.append(message_id)
        if ids or not found:
            return ids
    return []


def release(message: OutboxMessage) -> None:
    message.claimed_until = None
    message.claimed_by = None
