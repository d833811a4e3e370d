"""The owner's pages through the Flask client: "Take it", the Unassigned tab, the available/away switch, each reply's
delivery on the case page with "Mark as given", and the assignment setting."""
import re

import pytest
from flask import g
from sqlalchemy import select

from shopcs.auth.models import User
from shopcs.cases import services
from shopcs.cases.models import Case
from shopcs.cases.settings import load_max_open
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import utcnow

from ..builders import PASSWORD, make_user
from ..case_builders import as_user
from ..case_page_builders import ENGLISH, audit_actions, client_as, recent_case, round_the_clock
from ..conftest import csrf_token_from


@pytest.fixture
def app(app):
    round_the_clock()
    return app


def page(client, url, status=200, headers=ENGLISH):
    g.pop("_login_user", None)  # the tests share one app context: each client's request loads its own user
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client, url, data=None):
    g.pop("_login_user", None)
    return client.post(url, data=data or {}, headers=ENGLISH)


def owner_of(case_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Case, case_id).owner_id


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-test="case-row" data-case-id="(\d+)"', html)]


def test_an_agent_takes_an_unowned_case_from_the_unassigned_tab(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    first, second = recent_case(3), recent_case(1)
    assert row_ids(page(client, "/cases/?tab=unassigned")) == [first.id, second.id]  # the first due first
    html = page(client, f"/cases/{first.id}")
    assert 'data-test="take-case"' in html and "nobody yet" in html
    assert post(client, f"/cases/{first.id}/take").status_code == 302
    assert owner_of(first.id) == amy.id and "case.taken" in audit_actions()
    html = page(client, f"/cases/{first.id}")
    assert 'data-test="take-case"' not in html and "The case is yours." in html
    assert row_ids(page(client, "/cases/?tab=unassigned")) == [second.id]


def test_a_case_another_agent_owns_offers_no_take_and_refuses_one_but_a_supervisor_takes_it_over(app, login):
    case = recent_case()
    bob, _ = client_as(app, login, "agent", "bob")
    post(bob, f"/cases/{case.id}/take")
    amy, _ = client_as(app, login, "agent", "amy")
    assert 'data-test="take-case"' not in page(amy, f"/cases/{case.id}")
    refused = post(amy, f"/cases/{case.id}/take")
    assert refused.status_code == 403
    lead, boss = client_as(app, login, "supervisor", "lead")
    assert "Take it over" in page(lead, f"/cases/{case.id}")
    post(lead, f"/cases/{case.id}/take")
    assert owner_of(case.id) == boss.id


def test_taking_a_case_without_the_csrf_token_changes_nothing(csrf_app):
    round_the_clock()
    make_user("amy", role="agent")
    case = recent_case()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "amy", "password": PASSWORD, "csrf_token": token})
    assert client.post(f"/cases/{case.id}/take").status_code == 400
    assert owner_of(case.id) is None


def test_an_agent_switches_between_available_and_away_on_the_queue(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    html = page(client, "/cases/")
    assert 'data-available="no"' in html and "Become available" in html
    assert post(client, "/cases/availability", {"available": "1", "next": "/cases/?tab=open"}).headers["Location"] \
        == "/cases/?tab=open"
    assert db.session.scalar(select(User.available).where(User.id == amy.id)) is True
    assert 'data-available="yes"' in page(client, "/cases/") and audit_actions().count("user.availability") == 1
    post(client, "/cases/availability", {"available": "0", "next": "https://evil.example/"})
    db.session.expire_all()
    assert db.session.scalar(select(User.available).where(User.id == amy.id)) is False


def test_a_supervisor_has_no_availability_switch(app, login):
    client, _ = client_as(app, login, "supervisor", "lead")
    assert 'data-test="availability-form"' not in page(client, "/cases/")
    assert post(client, "/cases/availability", {"available": "1"}).status_code == 403


def test_each_reply_shows_how_far_it_got_and_a_manual_one_is_marked_given(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    case = recent_case(2)
    event = services.reply(case.id, "您好", as_user(amy), utcnow(), outbox_channel="manual")
    html = page(client, f"/cases/{case.id}")
    assert 'data-test="reply-state" data-state="queued">queued<' in html and 'data-test="mark-given"' in html
    assert 'data-level="met"' not in html  # queued is not answered: the clock still runs
    assert post(client, f"/cases/{case.id}/replies/{event.id}/given").status_code == 302
    html = page(client, f"/cases/{case.id}")
    assert 'data-state="sent">sent<' in html and 'data-test="mark-given"' not in html
    assert "Reply marked as given." in html and 'data-level="met"' in html
    again = post(client, f"/cases/{case.id}/replies/{event.id}/given")
    assert again.status_code == 302 and "not waiting to be given" in page(client, f"/cases/{case.id}")
    assert post(client, f"/cases/{case.id}/replies/{case.events[0].id}/given").status_code == 404


def test_a_failed_reply_shows_its_reason_escaped_in_both_languages(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    case = recent_case(2)
    event = services.reply(case.id, "您好", as_user(amy), utcnow(), outbox_channel="manual")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{event.id}"))
    message.channel, message.status, message.last_error = "webhook", "dead", "HTTP 410 <b>gone</b>"
    db.session.commit()
    for headers in (ENGLISH, {"Accept-Language": "zh-CN"}):
        html = page(client, f"/cases/{case.id}", headers=headers)
        assert 'data-state="failed"' in html and "HTTP 410 &lt;b&gt;gone&lt;/b&gt;" in html
        assert 'data-test="mark-given"' in html


def test_the_assignment_limit_is_saved_on_the_case_settings_page_and_a_bad_one_is_refused(app, login):
    client, _ = client_as(app, login, "supervisor", "lead")
    html = page(client, "/cases/settings")
    assert 'data-test="max-open"' in html and 'value="5"' in html
    bad = post(client, "/cases/settings/assignment", {"max_open": "-3"})
    assert bad.status_code == 422 and 'data-test="error-max-open"' in bad.get_data(as_text=True)
    assert load_max_open() == 5
    assert post(client, "/cases/settings/assignment", {"max_open": "0"}).status_code == 302
    assert load_max_open() == 0 and "case_assignment.settings_changed" in audit_actions()
    agent, _ = client_as(app, login, "agent", "amy")
    assert post(agent, "/cases/settings/assignment", {"max_open": "9"}).status_code == 403


def test_a_case_reply_marked_sent_on_the_follow_up_list_answers_its_case(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    case = recent_case(2)
    event = services.reply(case.id, "您好", as_user(amy), utcnow(), outbox_channel="manual")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{event.id}"))
    assert post(client, f"/followup/messages/{message.id}/sent", {"next": "/followup"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).first_responded_at == db.session.get(OutboxMessage, message.id).sent_at
