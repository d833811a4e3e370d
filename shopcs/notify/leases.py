"""Claiming due outbox rows so that two senders, threads or processes, never take the same row.

A claim is a lease (claimed_until, claimed_by) committed BEFORE anything is sent. PostgreSQL picks the
rows with SELECT … FOR UPDATE SKIP LOCKED, so concurrent senders split the work without waiting;
SQLite has no SKIP LOCKED but serialises writers, so one UPDATE … RETURNING is the claim. A lease
that runs out (the sender died mid-send) makes the row due again: it is re-sent with the same id,
which receivers use as the idempotency key.
"""
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from ..extensions import db
from .models import OutboxMessage

LEASE = timedelta(minutes=2)


_OUTBOX = OutboxMessage.__table__
_NOW = bindparam("now", type_=_OUTBOX.c.scheduled_for.type)


def _due():
    t = _OUTBOX
    return and_(
        t.c.channel != "manual",
        t.c.scheduled_for <= _NOW,
        or_(t.c.status == "pending", and_(t.c.status == "failed", t.c.next_attempt_at <= _NOW)),
        or_(t.c.claimed_until.is_(None), t.c.claimed_until < _NOW),
    )


@cache
def _claim_statement(dialect: str):
    """UPDATE … RETURNING that leases the oldest due rows. Built once per dialect, run with bound values.

    PostgreSQL: a MATERIALIZED CTE picks and locks them, skipping rows another sender has locked, and the
    UPDATE leases exactly those (`id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` may be re-run by the
    planner and lease more than n). SQLite: the whole statement runs under the database's write lock.
    """
    t = _OUTBOX
    candidates = select(t.c.id).where(_due()).order_by(t.c.scheduled_for, t.c.id).limit(bindparam("limit"))
    if dialect == "postgresql":
        picked = candidates.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        which = t.c.id == picked.c.id
    else:
        which = and_(t.c.id.in_(candidates.scalar_subquery()), _due())
    lease_until = bindparam("until", type_=t.c.claimed_until.type)
    return update(t).where(which).values(claimed_until=lease_until, claimed_by=bindparam("worker")).returning(t.c.id, t.c.scheduled_for)


def claim_due(now: datetime, *, limit: int, worker: str, lease: timedelta = LEASE, connection: Connection | None = None) -> list[int]:
    """Ids of up to `limit` due rows now leased to `worker`, oldest first; committed before returning.

    `connection`, when given, is in autocommit mode (the sender's); otherwise the session commits.
    """
    claim = _claim_statement(db.engine.dialect.name)
    values = {"now": now, "limit": limit, "until": now + lease, "worker": worker}
    if connection is not None:
        claimed = connection.execute(claim, values).all()
    else:
        claimed = db.session.execute(claim, values).all()
        db.session.commit()
    return [row.id for row in sorted(claimed, key=lambda row: (row.scheduled_for, row.id))]


def release(message: OutboxMessage) -> None:
    message.claimed_until = None
    message.claimed_by = None
