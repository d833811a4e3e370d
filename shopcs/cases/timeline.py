"""Writing to a case inside the caller's transaction: its row lock, its timeline events and the audit trail."""
from contextlib import contextmanager
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from ..actor import Actor
from ..audit.services import record
from ..dbid import MAX_DB_ID
from ..errors import NotFound
from ..extensions import db
from .models import Case, CaseEvent
from .wordsearch.index import add_text
from .wordsearch.rules import KINDS as MESSAGE_KINDS


def lock_case(case_id: int) -> Case:
    """Serialise writers of one case: the UPDATE holds PostgreSQL's row lock (SQLite's write lock) until commit,
    so two agents answering at once run one after the other and the second sees the first's reply."""
    if not isinstance(case_id, int) or not 1 <= case_id <= MAX_DB_ID:
        raise NotFound(_l("No case %(id)s.", id=case_id))
    db.session.execute(update(Case).where(Case.id == case_id).values(lock_version=Case.lock_version + 1)
                       .execution_options(synchronize_session=False))
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise NotFound(_l("No case %(id)s.", id=case_id))
    return case


def add_event(case: Case, kind: str, actor: Actor, now: datetime, *, body: str = "", occurred_at: datetime | None = None,
              channel: str | None = None, data: dict | None = None, external_id: str | None = None) -> CaseEvent:
    event = CaseEvent(kind=kind, actor=actor.label, body=body, channel=channel, occurred_at=occurred_at or now,
                      created_at=now, data=data, external_id=external_id)
    case.events.append(event)
    case.updated_at = now
    db.session.flush()
    if kind in MESSAGE_KINDS:  # the word search finds the case by it (shopcs.cases.wordsearch)
        add_text(case.id, body)
    return event


def trace(case: Case, action: str, actor: Actor, now: datetime, *, before: dict | None = None,
          after: dict | None = None) -> None:
    """The audit entry of a change to a case; the order's timeline shows it when the case has an order."""
    record(actor, action, now, order_id=case.order_id, before=before, after={"case_id": case.id, **(after or {})})


@contextmanager
def case_transaction():
    """Commit what the block wrote, or roll all of it back: a refused change leaves nothing half-written."""
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
