"""Hand-off notes: a note on an order for after-sales or shipping stays in that team's inbox until done."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..actor import Actor
from ..audit.services import record
from ..auth.policy import allows
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from .locking import order_id_for
from .models import HandoffNote

DEPARTMENTS = ("after_sales", "shipping", "general")  # general: a note to nobody, shown on the order only
INBOXES = {"after_sales": "inbox.after_sales", "shipping": "inbox.shipping"}  # a team's inbox: who may work it
MAX_BODY = 2000


def may_mark_done(role: str | None, department: str) -> bool:
    """Only the addressed team (and supervisors, admins) clears a note from its inbox."""
    return department in INBOXES and allows(role, INBOXES[department])


def inbox_departments(role: str | None) -> list[str]:
    return [dept for dept in INBOXES if may_mark_done(role, dept)]


def _snapshot(note: HandoffNote) -> dict:
    return {"note_id": note.id, "department": note.department, "body": note.body}


def add_note(order_no: str, department: str, body: str, actor: Actor, now: datetime) -> HandoffNote:
    text = (body or "").strip()
    fields = {}
    if department not in DEPARTMENTS:
        fields["department"] = _l("must be one of %(choices)s", choices=", ".join(DEPARTMENTS))
    if not text:
        fields["body"] = _l("must not be empty")
    elif len(text) > MAX_BODY:
        fields["body"] = _l("must be at most %(count)s characters", count=MAX_BODY)
    if fields:
        raise Invalid(_l("The note is not valid."), fields)
    note = HandoffNote(order_id=order_id_for(order_no), department=department, body=text,
                       author=actor.label, created_at=now)
    try:
        db.session.add(note)
        db.session.flush()
        record(actor, "note.added", now, order_id=note.order_id, after=_snapshot(note))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return note


def mark_done(note_id: int, actor: Actor, now: datetime) -> HandoffNote:
    """Marking a done note again answers with the note and changes nothing."""
    note = db.session.get(HandoffNote, note_id)
    if note is None:
        raise NotFound(_l("No note %(id)s.", id=note_id))
    if note.department not in INBOXES:
        raise Conflict(_l("A general note is in no team's inbox."))
    if not may_mark_done(actor.role, note.department):
        raise Forbidden(_l("Only the team the note is addressed to can mark it done."))
    try:
        claimed = db.session.execute(
            update(HandoffNote).where(HandoffNote.id == note_id, HandoffNote.done_at.is_(None))
            .values(done_at=now, done_by=actor.label).execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:  # someone of the team was first
            db.session.rollback()
            return db.session.get(HandoffNote, note_id, populate_existing=True)
        record(actor, "note.done", now, order_id=note.order_id, before={"note_id": note.id, "done_at": None},
               after={"note_id": note.id, "done_at": now, "done_by": actor.label})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return db.session.get(HandoffNote, note_id, populate_existing=True)


def open_notes(department: str, page: int = 1, per_page: int = 25):
    """The team's inbox, newest first: a Flask-SQLAlchemy pagination of HandoffNote (with .order loaded)."""
    if department not in INBOXES:
        raise NotFound(_l("No inbox %(name)s.", name=department))
    query = (select(HandoffNote).where(HandoffNote.department == department, HandoffNote.done_at.is_(None))
             .order_by(HandoffNote.created_at.desc(), HandoffNote.id.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def notes_for_order(order_id: int) -> list[HandoffNote]:
    query = select(HandoffNote).where(HandoffNote.order_id == order_id).order_by(HandoffNote.created_at.desc(), HandoffNote.id.desc())
    return list(db.session.scalars(query))
