"""The live pages' two polls through the Flask client, on SQLite and PostgreSQL: /cases/live (the queue's changes and
the top bar's waiting count, scoped to the cases the person may see) and /cases/<id>/events (the case page's new
timeline lines, escaped as the page escapes them); the queue's unread dots."""
import re

import pytest
from flask import g

from shopcs.cases import services

from ..builders import make_token
from ..case_builders import PLATFORM, as_user
from ..case_page_builders import ENGLISH, client_as, recent_case, round_the_clock

BUYER = {"external_id": "chat-buyer-9", "name": "韩梅梅", "phone": "13812345678"}


@pytest.fixture
def app(app):
    round_the_clock()
    return app


def get(client, url):
    g.pop("_login_user", None)  # the tests share one app context: each client's request loads its own user
    return client.get(url, headers=ENGLISH)


def buyer_writes(app, body, external_id):
    """A buyer's message as a chat system sends it: POST /api/v1/messages."""
    response = app.test_client().post("/api/v1/messages", headers={"Authorization": f"Bearer {make_token()}"},
                                      json={"channel": "chat", "external_id": external_id, "customer": BUYER, "body": body})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.json


def unread_rows(html: str) -> set[int]:
    return {int(case_id) for case_id in re.findall(r'data-case-id="(\d+)"><td><a [^>]*>#\d+</a><span class="unread-dot"',
                                                   html)}


def test_a_buyer_message_through_the_api_is_a_change_for_the_agent_and_not_for_after_sales(app, login):
    agent, _agent_user = client_as(app, login, "agent")
    after_sales, _user = client_as(app, login, "after_sales")
    cursor = get(agent, "/cases/live").json["cursor"]
    other_cursor = get(after_sales, "/cases/live").json["cursor"]
    received = buyer_writes(app, "我的包裹还没到", "m-1")
    changed = get(agent, f"/cases/live?since={cursor}").json["changed"]
    assert changed == [{"case_id": received["case_id"], "last_message_id": received["event_id"], "unread": True}]
    assert get(after_sales, f"/cases/live?since={other_cursor}").json["changed"] == []


def test_a_note_never_counts_as_a_buyer_message(app, login):
    agent, user = client_as(app, login, "agent")
    case = recent_case()
    before = get(agent, "/cases/live?since=0").json["changed"]
    services.add_note(case.id, "内部备注", as_user(user), case.received_at)
    services.reply(case.id, "您好", as_user(user), case.received_at, outbox_channel="manual")
    assert get(agent, "/cases/live?since=0").json["changed"] == before
    assert [change["last_message_id"] for change in before] == [case.events[0].id]


def test_the_waiting_count_is_the_agents_own_cases_waiting_for_them(app, login):
    agent, user = client_as(app, login, "agent")
    received = buyer_writes(app, "在吗", "m-2")
    assert get(agent, "/cases/live").json["waiting"] == 0
    services.transfer(received["case_id"], "交给你", PLATFORM, recent_case().received_at, to_user=user.id)
    assert get(agent, "/cases/live").json["waiting"] == 1
    assert 'data-test="nav-waiting"' in get(agent, "/cases/").get_data(as_text=True)


def test_the_case_page_gets_the_new_lines_escaped_as_the_page_shows_them(app, login):
    agent, _user = client_as(app, login, "agent")
    received = buyer_writes(app, "第一条", "m-3")
    page = get(agent, f"/cases/{received['case_id']}").get_data(as_text=True)
    last = max(int(i) for i in re.findall(r'data-event-id="(\d+)"', page))
    assert get(agent, f"/cases/{received['case_id']}/events?after={last}").status_code == 204
    buyer_writes(app, "<script>alert(1)</script>还在吗", "m-4")
    response = get(agent, f"/cases/{received['case_id']}/events?after={last}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;还在吗" in html and "<script>" not in html
    assert html.count('data-test="case-event"') == 1 and 'data-kind="customer_message"' in html


def test_the_queue_marks_a_case_unread_until_the_agent_opens_it(app, login):
    agent, _user = client_as(app, login, "agent")
    received = buyer_writes(app, "发货了吗", "m-5")
    assert received["case_id"] in unread_rows(get(agent, "/cases/?tab=open").get_data(as_text=True))
    get(agent, f"/cases/{received['case_id']}")
    assert unread_rows(get(agent, "/cases/?tab=open").get_data(as_text=True)) == set()
    buyer_writes(app, "还有一个问题", "m-6")
    assert received["case_id"] in unread_rows(get(agent, "/cases/?tab=open").get_data(as_text=True))


def test_new_lines_shown_live_count_as_seen(app, login):
    agent, _user = client_as(app, login, "agent")
    received = buyer_writes(app, "你好", "m-7")
    get(agent, f"/cases/{received['case_id']}")
    buyer_writes(app, "再问一下", "m-8")
    assert get(agent, f"/cases/{received['case_id']}/events?after={received['event_id']}").status_code == 200
    assert unread_rows(get(agent, "/cases/?tab=open").get_data(as_text=True)) == set()


def test_an_after_sales_person_cannot_poll_an_agents_case(app, login):
    after_sales, _user = client_as(app, login, "after_sales")
    received = buyer_writes(app, "你好", "m-9")
    assert get(after_sales, f"/cases/{received['case_id']}/events?after=0").status_code == 403
    assert get(after_sales, "/cases/999999/events?after=0").status_code == 404


@pytest.mark.parametrize("query", ["since=abc", "since=-1", "since=1.5", "since=%EF%BC%91", "since=" + "9" * 40])
def test_a_bad_cursor_is_a_clear_400(app, login, query):
    agent, _user = client_as(app, login, "agent")
    response = get(agent, f"/cases/live?{query}")
    assert response.status_code == 400 and response.json["error"]["fields"] == {"since": "must be a whole number"}


def test_the_events_poll_needs_its_after(app, login):
    agent, _user = client_as(app, login, "agent")
    case = recent_case()
    for query in ("", "?after=", "?after=x"):
        response = get(agent, f"/cases/{case.id}/events{query}")
        assert response.status_code == 400 and "after" in response.json["error"]["fields"]


def test_people_who_do_not_work_cases_get_no_live_poll(app, login):
    operator, _user = client_as(app, login, "operator")
    assert get(operator, "/cases/live").status_code == 403
    assert "live.js" not in get(operator, "/").get_data(as_text=True)
