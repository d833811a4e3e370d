from datetime import timedelta

from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.models import HandoffNote
from shopcs.orders.notes import add_note

from ..builders import NOW, client_as, make_order, make_user

AGENT = Actor("user:amy", "agent")


def _flashes(client):
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def _notes():
    return list(db.session.scalars(select(HandoffNote).order_by(HandoffNote.id)))


def test_an_agent_writes_a_note_for_after_sales_and_it_shows_in_their_inbox_only(sqlite_app, login):
    order = make_order()
    agent = client_as(sqlite_app, login, "agent")
    response = agent.post(f"/orders/{order.order_no}/notes", data={"department": "after_sales", "body": "Buyer asks about a refund."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.order_no}#notes")
    [note] = _notes()
    assert (note.department, note.author) == ("after_sales", "user:agent")

    after_sales = client_as(sqlite_app, login, "after_sales")
    inbox = after_sales.get("/inbox/after-sales").get_data(as_text=True)
    assert inbox.count('data-test="inbox-row"') == 1 and "Buyer asks about a refund." in inbox
    assert order.order_no in inbox and ">agent<" in inbox
    supervisor = client_as(sqlite_app, login, "supervisor")
    assert 'data-test="inbox-empty"' in supervisor.get("/inbox/shipping").get_data(as_text=True)


def test_a_note_marked_done_leaves_the_inbox(sqlite_app, login):
    order = make_order()
    note = add_note(order.order_no, "shipping", "Pack it twice, it is glass.", AGENT, NOW)
    shipping = client_as(sqlite_app, login, "shipping")
    response = shipping.post(f"/notes/{note.id}/done", data={"next": "/inbox/shipping"})
    assert response.headers["Location"] == "/inbox/shipping"
    done = db.session.get(HandoffNote, note.id, populate_existing=True)
    assert done.done_by == "user:shipping" and done.done_at is not None
    assert 'data-test="inbox-empty"' in shipping.get("/inbox/shipping").get_data(as_text=True)
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["note.added", "note.done"]


def test_another_team_cannot_mark_a_note_done(sqlite_app, login):
    order = make_order()
    note = add_note(order.order_no, "after_sales", "Refund question.", AGENT, NOW)
    shipping = client_as(sqlite_app, login, "shipping")
    shipping.post(f"/notes/{note.id}/done")
    assert db.session.get(HandoffNote, note.id, populate_existing=True).done_at is None
    assert _flashes(shipping)[0][0] == "error"


def test_an_empty_or_too_long_note_is_flashed_and_nothing_is_written(sqlite_app, login):
    order = make_order()
    agent = client_as(sqlite_app, login, "agent")
    agent.post(f"/orders/{order.order_no}/notes", data={"department": "shipping", "body": "   "})
    agent.post(f"/orders/{order.order_no}/notes", data={"department": "shipping", "body": "x" * 2001})
    agent.post(f"/orders/{order.order_no}/notes", data={"department": "warehouse", "body": "hello"})
    assert _notes() == [] and db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert [category for category, _ in _flashes(agent)] == ["error", "error", "error"]


def test_a_note_on_an_unknown_order_is_404(sqlite_app, login):
    agent = client_as(sqlite_app, login, "agent")
    assert agent.post("/orders/NOPE/notes", data={"department": "shipping", "body": "hi"}).status_code == 404


def test_inboxes_are_for_their_teams(sqlite_app, login):
    shipping = client_as(sqlite_app, login, "shipping")
    assert shipping.get("/inbox/after-sales").status_code == 403
    assert shipping.get("/inbox/shipping").status_code == 200
    agent = client_as(sqlite_app, login, "agent")
    assert agent.get("/inbox/shipping").status_code == 403 and agent.get("/inbox/after-sales").status_code == 403
    operator = client_as(sqlite_app, login, "operator")
    assert operator.post("/orders/T1/notes", data={"department": "shipping", "body": "x"}).status_code == 403


def test_the_inbox_pages_newest_first(sqlite_app, login):
    order = make_order()
    for minute in range(27):
        add_note(order.order_no, "after_sales", f"note number {minute:02d}", AGENT, NOW + timedelta(minutes=minute))
    client = client_as(sqlite_app, login, "after_sales")
    first = client.get("/inbox/after-sales").get_data(as_text=True)
    second = client.get("/inbox/after-sales?page=2").get_data(as_text=True)
    assert first.count('data-test="inbox-row"') == 25 and second.count('data-test="inbox-row"') == 2
    assert first.index("note number 26") < first.index("note number 25") and "note number 00" in second
    assert 'data-test="pager-next"' in first


def test_the_order_partial_lists_notes_and_offers_done_only_to_the_team(sqlite_app):
    order = make_order()
    note = add_note(order.order_no, "shipping", "Ship with SF.", AGENT, NOW)
    add_note(order.order_no, "general", "Buyer is a regular.", AGENT, NOW)
    with sqlite_app.test_request_context("/"):
        login_user(make_user("sid", role="shipping"))
        html = render_template("orders/_notes.html", order=order)
    assert html.count('data-test="note-row"') == 2 and 'data-test="note-form"' in html
    assert f'data-test="note-done" data-note-id="{note.id}"' in html and html.count('data-test="note-done"') == 1
    with sqlite_app.test_request_context("/", headers={"Accept-Language": "en"}):
        login_user(make_user("ann", role="after_sales"))
        html = render_template("orders/_notes.html", order=order)
    assert 'data-test="note-done"' not in html and "General (no team)" in html


def test_the_inbox_tabs_speak_the_language_of_each_request_not_of_the_first_one(sqlite_app, login):
    supervisor = client_as(sqlite_app, login, "supervisor")
    chinese = supervisor.get("/inbox/shipping", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    english = supervisor.get("/inbox/shipping", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">售后</a>" in chinese and ">发货</a>" in chinese
    assert ">After-sales</a>" in english and ">Shipping</a>" in english
