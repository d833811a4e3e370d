"""What an agent's open pages ask every second or two: the buyer messages since a cursor on the cases they may see,
whether each is unread, and how many of their own cases wait for them. Read from the database on every call (any
worker, any number of workers, SQLite or PostgreSQL see the same rows): nothing is held in a process.

The cursor is a case_events id. Ids are handed out when an event is written, but a transaction that took id 100
may commit after the one that took 101: a cursor moved straight to the newest id could step over 100 for good. So
the cursor only moves past events older than SETTLE (their transactions are long done); the newer ones are read
again on the next call, and the pages ignore what they have already shown (each change carries its event id).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ..escalation import OPEN_STATUSES
from ..models import Case, CaseEvent
from ..queue.pages import Viewer, visible_to
from .models import CaseRead

SETTLE = timedelta(seconds=5)
SETTLE_ROWS = 500  # how far back from the newest event the settle search looks: a bounded primary-key range
BUYER = "customer_message"
MESSAGES = (BUYER, "reply", "reply_logged")  # what answers or asks; a note, a status change or a transfer does neither
MAX_CHANGES = 200  # more changed cases than a page can mark: the rest wait for the next call
BACKLOG = 5000  # a page back after hours away reads at most this many events: a bounded range, never the history


@dataclass(frozen=True)
class Change:
    case_id: int
    last_message_id: int
    unread: bool


@dataclass(frozen=True)
class Live:
    cursor: int
    waiting: int
    changed: list[Change]


# The statements of every queue page and every live poll, built once on the tables and run on the session's
# connection: built per call through the ORM they cost 1.45 ms (unread marks) and 0.77 ms (cursor) a page more than
# the same SQL written by hand, 0.54 and 0.19 ms (SQLite 10k, in process; bench/README.md, Issue 16).
_EVENTS, _READS = CaseEvent.__table__, CaseRead.__table__
_NEWEST = select(func.max(_EVENTS.c.id))
_SETTLING = select(func.min(_EVENTS.c.id)).where(_EVENTS.c.id > bindparam("low", type_=Integer),
                                                  _EVENTS.c.created_at > bindparam("since", type_=_EVENTS.c.created_at.type))
_LAST_ASKED = func.max(case((_EVENTS.c.kind == BUYER, _EVENTS.c.id)))
_UNREAD = (select(_EVENTS.c.case_id)
           .outerjoin(_READS, and_(_READS.c.case_id == _EVENTS.c.case_id, _READS.c.user_id == bindparam("user_id")))
           .where(_EVENTS.c.case_id.in_(bindparam("case_ids", expanding=True)), _EVENTS.c.kind.in_(MESSAGES))
           .group_by(_EVENTS.c.case_id)
           .having(_LAST_ASKED > func.coalesce(func.max(_READS.c.last_seen_event_id), 0),
                   _LAST_ASKED > func.coalesce(func.max(case((_EVENTS.c.kind != BUYER, _EVENTS.c.id))), 0)))


def settled_cursor(now: datetime) -> int:
    """The newest event id before which every event is committed, as far as SETTLE can tell."""
    connection = db.session.connection()
    newest = connection.scalar(_NEWEST) or 0
    recent = connection.scalar(_SETTLING, {"low": newest - SETTLE_ROWS, "since": now - SETTLE})
    return newest if recent is None else recent - 1


def live(viewer: Viewer, since: int | None, now: datetime) -> Live:
    """The buyer messages after `since` on the cases the viewer may see (none on a first call, which only gets a
    cursor), each case once with its newest message; and the viewer's waiting count."""
    cursor = settled_cursor(now)
    if since is not None:
        since = max(since, cursor - BACKLOG)
    changed = [] if since is None else changes_after(viewer, since)
    return Live(cursor=cursor if since is None else max(since, cursor), waiting=waiting_count(viewer.user_id),
                changed=changed)


def changes_after(viewer: Viewer, since: int) -> list[Change]:
    """A primary-key range (the events since the cursor: a few seconds' worth) joined to the viewer's visible cases."""
    newest = func.max(CaseEvent.id)
    seen = func.max(CaseRead.last_seen_event_id)
    statement = (select(CaseEvent.case_id, newest, seen).join(Case, Case.id == CaseEvent.case_id)
                 .outerjoin(CaseRead, and_(CaseRead.case_id == CaseEvent.case_id, CaseRead.user_id == viewer.user_id))
                 .where(CaseEvent.id > since, CaseEvent.kind == BUYER, *visible_to(viewer))
                 .group_by(CaseEvent.case_id).order_by(CaseEvent.case_id).limit(MAX_CHANGES))
    return [Change(case_id, last, last > (read or 0)) for case_id, last, read in db.session.execute(statement)]


def waiting_count(user_id: int | None) -> int:
    """The viewer's open cases whose latest message is the buyer's: walked backwards on ix_case_events_case, per owned
    case (ix_cases_owner_status), so the cost follows the person's open cases, not the history."""
    if user_id is None:
        return 0
    latest = (select(CaseEvent.kind).where(CaseEvent.case_id == Case.id, CaseEvent.kind.in_(MESSAGES))
              .order_by(CaseEvent.id.desc()).limit(1).correlate(Case).scalar_subquery())
    return db.session.scalar(select(func.count()).select_from(Case).where(
        Case.owner_id == user_id, Case.status.in_(OPEN_STATUSES), latest == BUYER)) or 0


def unread_among(user_id: int | None, case_ids: list[int]) -> set[int]:
    """Which of these cases (one page of the queue) have a buyer message newer than what the person saw and not
    answered yet: a case someone has replied to since the buyer last wrote is no news, opened or not."""
    if user_id is None or not case_ids:
        return set()
    return set(db.session.connection().scalars(_UNREAD, {"user_id": user_id, "case_ids": case_ids}))


def events_after(case_id: int, after: int) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.id > after)
                                   .order_by(CaseEvent.id)))


def mark_seen(user_id: int, case_id: int, event_id: int) -> None:
    """Record that the person has seen the case up to `event_id`, never moving back (two tabs, a late poll): one
    INSERT ... ON CONFLICT, the same statement on SQLite and PostgreSQL. Commits."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(CaseRead).values(user_id=user_id, case_id=case_id, last_seen_event_id=event_id)
    newer = insert.excluded.last_seen_event_id
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[CaseRead.user_id, CaseRead.case_id],
        set_={"last_seen_event_id": case((newer > CaseRead.last_seen_event_id, newer),
                                         else_=CaseRead.last_seen_event_id)}))
    db.session.commit()
