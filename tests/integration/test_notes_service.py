from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.audit.services import entries_for_order
from shopcs.errors import Conflict, Forbidden, Invalid, NotFound
from shopcs.extensions import db
from shopcs.orders.models import HandoffNote
from shopcs.orders.notes import add_note, mark_done, notes_for_order, open_notes

from ..builders import NOW, make_order

AGENT = Actor("user:amy", "agent")
AFTER_SALES = Actor("user:ann", "after_sales")
SHIPPING = Actor("user:sid", "shipping")
SUPERVISOR = Actor("user:sam", "supervisor")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_note_for_after_sales_is_saved_with_its_author_and_audited(app):
    order = make_order()
    note = add_note(order.order_no, "after_sales", "  Buyer wants a refund for the scarf.  ", AGENT, NOW)
    assert (note.department, note.body, note.author, note.created_at) == (
        "after_sales", "Buyer wants a refund for the scarf.", "user:amy", NOW)
    [entry] = entries_for_order(order.id)
    assert entry.action == "note.added" and entry.after["department"] == "after_sales"


@pytest.mark.parametrize("department, body, field", [
    ("after_sales", "   ", "body"),
    ("after_sales", "x" * 2001, "body"),
    ("warehouse", "hello", "department"),
])
def test_a_bad_note_is_refused_and_nothing_is_written(app, department, body, field):
    order = make_order()
    with pytest.raises(Invalid) as caught:
        add_note(order.order_no, department, body, AGENT, NOW)
    assert field in caught.value.fields
    assert _count(HandoffNote) == 0 and _count(AuditEntry) == 0


def test_a_note_of_exactly_2000_characters_is_accepted(app):
    order = make_order()
    assert len(add_note(order.order_no, "shipping", "x" * 2000, AGENT, NOW).body) == 2000


def test_a_note_on_an_unknown_order_is_not_found(app):
    with pytest.raises(NotFound):
        add_note("NOPE", "shipping", "hello", AGENT, NOW)


def test_the_inbox_shows_open_notes_of_that_team_only_newest_first(app):
    order = make_order()
    older = add_note(order.order_no, "shipping", "older", AGENT, NOW)
    newer = add_note(order.order_no, "shipping", "newer", AGENT, NOW + timedelta(minutes=5))
    add_note(order.order_no, "after_sales", "not for shipping", AGENT, NOW)
    add_note(order.order_no, "general", "for nobody", AGENT, NOW)
    page = open_notes("shipping", 1, 25)
    assert [n.id for n in page.items] == [newer.id, older.id] and page.total == 2
    assert page.items[0].order.order_no == order.order_no


def test_the_inbox_pages_through_many_notes(app):
    order = make_order()
    for minute in range(7):
        add_note(order.order_no, "after_sales", f"note {minute}", AGENT, NOW + timedelta(minutes=minute))
    first, last = open_notes("after_sales", 1, 5), open_notes("after_sales", 2, 5)
    assert [n.body for n in first.items] == [f"note {m}" for m in (6, 5, 4, 3, 2)]
    assert [n.body for n in last.items] == ["note 1", "note 0"] and first.pages == 2


def test_a_note_marked_done_leaves_the_inbox_and_records_who_and_when(app):
    order = make_order()
    note = add_note(order.order_no, "shipping", "Use SF, the buyer paid extra.", AGENT, NOW)
    done = mark_done(note.id, SHIPPING, NOW + timedelta(hours=1))
    assert done.done_at == NOW + timedelta(hours=1) and done.done_by == "user:sid"
    assert open_notes("shipping", 1, 25).total == 0
    assert [e.action for e in entries_for_order(order.id)] == ["note.added", "note.done"]


def test_marking_a_done_note_again_changes_nothing(app):
    order = make_order()
    note = add_note(order.order_no, "after_sales", "call back", AGENT, NOW)
    mark_done(note.id, AFTER_SALES, NOW)
    again = mark_done(note.id, SUPERVISOR, NOW + timedelta(hours=2))
    assert again.done_by == "user:ann" and again.done_at == NOW
    assert [e.action for e in entries_for_order(order.id)] == ["note.added", "note.done"]


def test_only_the_addressed_team_or_a_supervisor_marks_a_note_done(app):
    order = make_order()
    note = add_note(order.order_no, "after_sales", "refund question", AGENT, NOW)
    for outsider in (SHIPPING, AGENT):
        with pytest.raises(Forbidden):
            mark_done(note.id, outsider, NOW)
    assert db.session.get(HandoffNote, note.id).done_at is None
    assert mark_done(note.id, SUPERVISOR, NOW).done_by == "user:sam"


def test_a_general_note_is_in_no_inbox_and_cannot_be_marked_done(app):
    order = make_order()
    note = add_note(order.order_no, "general", "Buyer prefers calls after 18:00.", AGENT, NOW)
    with pytest.raises(Conflict):
        mark_done(note.id, SUPERVISOR, NOW)
    assert [n.id for n in notes_for_order(order.id)] == [note.id]


def test_marking_an_unknown_note_done_is_not_found(app):
    with pytest.raises(NotFound):
        mark_done(12345, SUPERVISOR, NOW)
