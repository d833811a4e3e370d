"""The agents' case pages on SQLite and PostgreSQL: the queue's tabs, search, filters and clocks; opening a case from
an order; replying (escaped, the promise check, a reply logged from the phone); hand-overs, roles and escalations."""
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import g
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.cases import services
from shopcs.cases.models import Case, CaseEvent
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer
from shopcs.timeutil import utcnow

from ..builders import PASSWORD, make_customer, make_order, make_user
from ..case_builders import PLATFORM, as_user, row_counts
from ..case_page_builders import ENGLISH, audit_actions, client_as, minute_ago, recent_case, round_the_clock, shop_time
from ..conftest import csrf_token_from


@pytest.fixture
def app(app):
    """The conftest's app (both databases) with round-the-clock response targets."""
    round_the_clock()
    return app


@pytest.fixture
def sqlite_app(sqlite_app):
    round_the_clock()
    return sqlite_app


def page(client, url, status=200):
    g.pop("_login_user", None)  # the tests share one app context: each client's request loads its own user
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client, url, data):
    g.pop("_login_user", None)
    return client.post(url, data=data, headers=ENGLISH)


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-test="case-row" data-case-id="(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(n) for tab, n in re.findall(r'data-test="case-tab-(\w+)" data-count="(\d+)"', html)}


def clock_of(html: str, case_id: int) -> tuple[str, str]:
    """(level, text) of a queue row's clock."""
    row = re.search(rf'data-case-id="{case_id}">(.*?)</tr>', html, re.S).group(1)
    level, text = re.search(r'class="clock clock-(\w+)"[^>]*>([^<]*)<', row).groups()
    return level, text


def events(case_id: int) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def replies_queued() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_reply")))


def fresh(case_id: int) -> Case:
    return db.session.get(Case, case_id, populate_existing=True)


# --- the queue ---------------------------------------------------------------------------------------------------

def test_each_tab_lists_its_cases_with_a_count(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    mine = recent_case(actor=as_user(amy))
    waiting = recent_case(2)
    answered = recent_case(3)
    services.reply(answered.id, "您好", PLATFORM, utcnow(), send=False, given_at=utcnow(), outbox_channel="manual")
    complaint = recent_case(category="complaint", severity="critical")
    handed = recent_case()
    services.transfer(handed.id, "请处理退货", PLATFORM, utcnow(), to_team="after_sales")
    done = recent_case()
    services.change_status(done.id, "resolved", PLATFORM, utcnow())

    html = page(client, "/cases/")
    assert tab_counts(html) == {"mine": 1, "unassigned": 4, "team": 4, "unanswered": 4, "escalated": 1, "open": 5}
    assert row_ids(html) == [mine.id]
    assert set(row_ids(page(client, "/cases/?tab=unassigned"))) == {waiting.id, answered.id, complaint.id, handed.id}
    assert set(row_ids(page(client, "/cases/?tab=team"))) == {mine.id, waiting.id, answered.id, complaint.id}
    assert set(row_ids(page(client, "/cases/?tab=unanswered"))) == {mine.id, waiting.id, complaint.id, handed.id}
    assert row_ids(page(client, "/cases/?tab=escalated")) == [complaint.id]
    assert done.id not in row_ids(page(client, "/cases/?tab=open"))

    supervisor, _ = client_as(app, login, "supervisor", "lead")
    assert row_ids(page(supervisor, "/cases/?tab=team&team=after_sales")) == [handed.id]


def test_an_empty_tab_says_so_and_a_case_row_masks_the_phone_and_links_the_order(app, login):
    client, _ = client_as(app, login, "agent")
    assert 'data-test="case-empty"' in page(client, "/cases/?tab=escalated")
    assert "No escalation is waiting for a supervisor." in page(client, "/cases/?tab=escalated")
    make_order("T100", customer=make_customer(name="王芳", phone="13812345678"))
    recent_case(order_no="T100")
    html = page(client, "/cases/?tab=open")
    assert "138****5678" in html and "13812345678" not in html
    assert 'href="/orders/T100" data-test="case-order-link"' in html and "王芳" in html


def test_the_search_finds_a_case_by_number_subject_buyer_phone_or_order(app, login):
    client, _ = client_as(app, login, "agent")
    make_order("T100", customer=make_customer(name="王芳", phone="13812345678"))
    by_order = recent_case(order_no="T100", subject="包裹破损")
    other = recent_case(subject="发票问题", customer={"external_id": "b-2", "name": "赵六", "phone": "13700001111"})
    services.change_status(other.id, "resolved", PLATFORM, utcnow())  # search covers closed and resolved cases too
    for term, expected in ((str(by_order.id), [by_order.id]), (f"#{other.id}", [other.id]), ("破损", [by_order.id]),
                           ("王芳", [by_order.id]), ("138-1234-5678", [by_order.id]), ("T100", [by_order.id]),
                           ("发票", [other.id]), ("13700001111", [other.id]), ("100%", [])):
        html = page(client, f"/cases/?q={quote(term)}")
        assert row_ids(html) == expected, term
        assert 'data-test="case-tab-search"' in html
    assert "No case matches this search." in page(client, "/cases/?q=nothing-like-this")


def test_filters_narrow_a_tab_and_a_status_filter_reaches_resolved_cases(app, login):
    client, _ = client_as(app, login, "agent")
    chat = recent_case(category="tracking", channel="chat")
    phone = recent_case(category="payment", channel="phone", severity="high")
    resolved = recent_case(category="payment")
    services.change_status(resolved.id, "resolved", PLATFORM, utcnow())
    assert row_ids(page(client, "/cases/?tab=open&category=payment")) == [phone.id]
    assert row_ids(page(client, "/cases/?tab=open&channel=chat")) == [chat.id]
    assert row_ids(page(client, "/cases/?tab=open&severity=high")) == [phone.id]
    assert row_ids(page(client, "/cases/?tab=open&status=resolved")) == [resolved.id]
    assert "No case matches these filters." in page(client, "/cases/?tab=open&category=claim")
    assert set(row_ids(page(client, "/cases/?tab=open&category=bogus&sort=bogus&page=-3"))) == {chat.id, phone.id}


def test_the_most_urgent_case_comes_first_and_newest_first_sorts_by_receipt(app, login):
    client, _ = client_as(app, login, "agent")
    email = recent_case(1, channel="email")  # due in four hours
    chat = recent_case(3, channel="chat")  # due in two minutes
    assert row_ids(page(client, "/cases/?tab=open")) == [chat.id, email.id]
    assert row_ids(page(client, "/cases/?tab=open&sort=newest")) == [email.id, chat.id]


def test_the_queue_shows_fifty_cases_a_page(sqlite_app, login):
    client, _ = client_as(sqlite_app, login, "agent")
    cases = [recent_case(60 - i) for i in range(51)]
    first = page(client, "/cases/?tab=open")
    assert len(row_ids(first)) == 50 and 'data-test="pager-next"' in first
    assert row_ids(page(client, "/cases/?tab=open&page=2")) == [cases[-1].id]


def test_each_case_shows_its_first_response_clock_with_a_level(app, login):
    client, _ = client_as(app, login, "agent")
    fresh_case = recent_case(1)  # chat: 5 minutes, about 4 left
    near = recent_case(4)  # about 1 minute left: amber (at most 40% of the target left)
    late = recent_case(7)  # 2 minutes past due
    met = recent_case(received_at=minute_ago(10))
    services.reply(met.id, "电话已答复", PLATFORM, utcnow(), send=False, given_at=met.received_at + timedelta(minutes=4),
        outbox_channel="manual")
    breached = recent_case(received_at=minute_ago(10))
    services.reply(breached.id, "电话已答复", PLATFORM, utcnow(), send=False, given_at=breached.received_at + timedelta(minutes=6),
        outbox_channel="manual")
    html = page(client, "/cases/?q=" + "快递")  # every case, answered ones included
    assert clock_of(html, fresh_case.id) == ("ok", "4 min left")
    assert clock_of(html, near.id) == ("amber", "1 min left")
    assert clock_of(html, late.id) == ("red", "overdue 2 min")
    assert clock_of(html, met.id) == ("met", "answered in 4 min")
    assert clock_of(html, breached.id) == ("breached", "breached by 1 min")
    assert 'data-clock-formats' in html and "/static/cases.js" in html


# --- a new case --------------------------------------------------------------------------------------------------

def test_a_case_opened_from_the_order_page_is_prefilled_with_the_order_and_its_buyer(app, login):
    client, amy = client_as(app, login, "agent", "amy")
    order = make_order("T100", customer=make_customer(name="王芳"))
    order_page = page(client, "/orders/T100")
    assert 'href="/cases/new?order_no=T100"' in order_page and 'data-test="order-cases-empty"' in order_page
    form = page(client, "/cases/new?order_no=T100")
    assert 'name="order_no"' in form and 'value="T100"' in form and "王芳" in form
    received = minute_ago(3)
    response = post(client, "/cases/new", {"order_no": "T100", "category": "claim", "channel": "phone", "severity": "high",
                                           "subject": "包裹破损", "body": "买家说外箱破了", "received_at": shop_time(received)})
    [case] = db.session.scalars(select(Case)).all()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    assert (case.order_id, case.customer_id, case.owner_id, case.received_at) == (order.id, order.customer_id, amy.id, received)
    assert case.first_response_due_at == received + timedelta(minutes=3)  # phone: 3 minutes
    assert f'data-test="order-case-row" data-case-id="{case.id}"' in page(client, "/orders/T100")


def test_a_case_without_an_order_creates_its_buyer(app, login):
    client, _ = client_as(app, login, "agent")
    response = post(client, "/cases/new", {"customer_external_id": "wx-123", "customer_name": "陈七", "customer_phone": "13900001111",
                                           "category": "pre_sale", "channel": "chat", "severity": "normal",
                                           "subject": "有没有大码？", "body": "请问有XL吗"})
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.order_id is None and db.session.get(Customer, case.customer_id).external_id == "wx-123"


def test_a_form_with_errors_is_shown_again_and_writes_nothing(app, login):
    client, _ = client_as(app, login, "agent")
    before = row_counts()
    bad = post(client, "/cases/new", {"order_no": "", "category": "gossip", "channel": "chat", "subject": "", "body": "x",
                                      "received_at": "yesterday"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and row_counts() == before
    for name in ("category", "subject", "received_at", "customer_external_id"):
        assert f'data-test="error-{name}"' in html, name
    unknown = post(client, "/cases/new", {"order_no": "NOPE", "category": "tracking", "channel": "chat", "severity": "normal",
                                          "subject": "where", "body": "where is it"})
    assert unknown.status_code == 200 and 'data-test="error-order_no"' in unknown.get_data(as_text=True)
    future = post(client, "/cases/new", {"customer_external_id": "b1", "category": "tracking", "channel": "chat",
                                         "severity": "normal", "subject": "s", "body": "b",
                                         "received_at": shop_time(utcnow() + timedelta(hours=2))})
    assert future.status_code == 200 and 'data-test="error-received_at"' in future.get_data(as_text=True)
    assert row_counts() == before


# --- the case page -----------------------------------------------------------------------------------------------

def test_a_reply_with_html_is_shown_as_text(app, login):
    client, _ = client_as(app, login, "agent")
    case = recent_case(subject="<b>bold</b> subject")
    response = post(client, f"/cases/{case.id}/reply", {"body": '<script>alert("x")</script> 您好', "mode": "send"})
    assert response.status_code == 302
    html = page(client, f"/cases/{case.id}")
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 您好" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; subject" in html
    assert [m.body for m in replies_queued()] == ['<script>alert("x")</script> 您好']


@pytest.mark.parametrize("configured", ["webhook", "email", None])
def test_a_sent_reply_takes_the_shops_configured_channel(app, login, configured):
    app.config["SHOPCS_OUTBOX_CHANNEL"] = configured
    client, _ = client_as(app, login, "agent")
    case = recent_case(channel="chat")
    assert post(client, f"/cases/{case.id}/reply", {"body": "您好", "mode": "send"}).status_code == 302
    assert [m.channel for m in replies_queued()] == [configured or "manual"]


def test_an_overstated_promise_stops_the_reply_until_the_agent_sends_it_anyway(app, login):
    client, _ = client_as(app, login, "agent")
    case = recent_case()
    text = "您好，我们保证明天马上到！"
    warned = post(client, f"/cases/{case.id}/reply", {"body": text, "mode": "send"})
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200 and 'data-test="promise-warning"' in html and 'name="confirm_promises"' in html
    assert "“保证”, “马上到”" in html and text in html  # the words found, and the reply kept in the form
    assert replies_queued() == [] and [e.kind for e in events(case.id)] == ["customer_message"]
    sent = post(client, f"/cases/{case.id}/reply", {"body": text, "mode": "send", "confirm_promises": "y"})
    assert sent.status_code == 302
    assert [m.body for m in replies_queued()] == [text]
    assert fresh(case.id).first_responded_at is None  # queued on the manual channel: answered when given
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.promise_warning_overridden")).one()
    assert entry.after == {"case_id": case.id, "words": ["保证", "马上到"]} and entry.actor == "user:agent"


def test_a_reply_given_on_the_phone_is_logged_and_stops_the_clock_at_its_time(app, login):
    client, _ = client_as(app, login, "agent")
    case = recent_case(received_at=minute_ago(10))
    given = case.received_at + timedelta(minutes=2)
    response = post(client, f"/cases/{case.id}/reply", {"body": "电话里已说明发货时间", "mode": "logged",
                                                         "given_at": shop_time(given), "given_channel": "phone"})
    assert response.status_code == 302
    assert fresh(case.id).first_responded_at == given and replies_queued() == []
    assert (events(case.id)[-1].kind, events(case.id)[-1].channel) == ("reply_logged", "phone")
    html = page(client, f"/cases/{case.id}")
    assert 'class="clock clock-met"' in html and "answered in 2 min" in html
    missing = post(client, f"/cases/{case.id}/reply", {"body": "again", "mode": "logged", "given_at": ""})
    assert missing.status_code == 200 and 'data-test="error-given_at"' in missing.get_data(as_text=True)
    too_early = post(client, f"/cases/{case.id}/reply", {"body": "again", "mode": "logged",
                                                          "given_at": shop_time(case.received_at - timedelta(minutes=5))})
    assert too_early.status_code == 200 and 'data-test="error-given_at"' in too_early.get_data(as_text=True)
    assert [e.kind for e in events(case.id)] == ["customer_message", "owner", "reply_logged"]  # the replier owns it


def test_a_note_and_a_status_change_land_on_the_timeline_and_only_legal_statuses_are_offered(app, login):
    client, _ = client_as(app, login, "agent")
    case = recent_case()
    html = page(client, f"/cases/{case.id}")
    offered = re.findall(r'<option (?:selected )?value="(\w+)"', html.split('data-test="status-select"')[1].split("</select>")[0])
    assert offered == ["open", "waiting", "resolved"]
    assert post(client, f"/cases/{case.id}/notes", {"body": "买家很着急"}).status_code == 302
    assert post(client, f"/cases/{case.id}/status", {"status": "resolved"}).status_code == 302
    refused = post(client, f"/cases/{case.id}/status", {"status": "waiting"})  # resolved → waiting is not a move
    assert refused.status_code == 200 and fresh(case.id).status == "resolved"
    assert post(client, f"/cases/{case.id}/severity", {"severity": "high"}).status_code == 302
    assert [e.kind for e in events(case.id)] == ["customer_message", "note", "status", "severity"]
    html = page(client, f"/cases/{case.id}")
    assert "买家很着急" in html and 'data-test="reply-form"' not in html  # a resolved case is reopened first


def test_a_case_handed_to_after_sales_leaves_the_shipping_view(app, login):
    agent, _ = client_as(app, login, "agent")
    case = recent_case()
    shipping, _ = client_as(app, login, "shipping", "sam")
    after_sales, _ = client_as(app, login, "after_sales", "ann")
    response = post(agent, f"/cases/{case.id}/transfer", {"to": "team:after_sales", "note": "买家要退货"})
    assert response.status_code == 302 and fresh(case.id).team == "after_sales"
    assert row_ids(page(after_sales, "/cases/?tab=team")) == [case.id]
    assert tab_counts(page(after_sales, "/cases/"))["team"] == 1
    assert 'data-test="case-event" data-kind="transfer"' in page(after_sales, f"/cases/{case.id}")
    assert row_ids(page(shipping, "/cases/?tab=open")) == [] and tab_counts(page(shipping, "/cases/"))["open"] == 0
    page(shipping, f"/cases/{case.id}", status=403)
    assert post(shipping, f"/cases/{case.id}/notes", {"body": "mine"}).status_code == 403
    assert row_ids(page(shipping, f"/cases/?q={case.id}")) == []


def test_a_case_handed_to_a_person_moves_to_their_team_and_the_sender_loses_sight_of_it(app, login):
    after_sales, ann = client_as(app, login, "after_sales", "ann")
    case = recent_case()
    services.transfer(case.id, "退款", PLATFORM, utcnow(), to_team="after_sales")
    sam = make_user("sam", role="shipping")
    response = post(after_sales, f"/cases/{case.id}/transfer", {"to": f"user:{sam.id}", "note": "请查发货"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/")
    assert (fresh(case.id).team, fresh(case.id).owner_id) == ("shipping", sam.id)
    bad = post(after_sales, f"/cases/{case.id}/transfer", {"to": "user:999999", "note": "x"})
    assert bad.status_code == 403  # no longer theirs: refused before the form is even read


def test_a_supervisor_acknowledges_an_escalation_and_the_timeline_shows_it(app, login):
    agent, _ = client_as(app, login, "agent")
    case = recent_case(category="complaint", severity="high")
    html = page(agent, f"/cases/{case.id}")
    assert 'data-test="ack-form"' not in html and "waiting for a supervisor" in html
    assert post(agent, f"/cases/{case.id}/acknowledge", {"note": "seen"}).status_code == 403
    lead, _ = client_as(app, login, "supervisor", "lead")
    assert tab_counts(page(lead, "/cases/"))["escalated"] == 1
    assert 'data-test="ack-form"' in page(lead, f"/cases/{case.id}")
    empty = post(lead, f"/cases/{case.id}/acknowledge", {"note": "  "})
    assert empty.status_code == 200 and fresh(case.id).escalation_acknowledged_at is None
    response = post(lead, f"/cases/{case.id}/acknowledge", {"note": "已致电买家道歉，安排补发"})
    assert response.status_code == 302 and fresh(case.id).escalation_acknowledged_by == "user:lead"
    html = page(lead, f"/cases/{case.id}")
    assert 'data-kind="acknowledgement"' in html and "已致电买家道歉，安排补发" in html
    assert 'data-test="escalation-acknowledged"' in html and tab_counts(page(lead, "/cases/"))["escalated"] == 0
    again = post(lead, f"/cases/{case.id}/acknowledge", {"note": "again"})
    assert again.status_code == 302 and "case.acknowledged" in audit_actions()


# --- who may come in ---------------------------------------------------------------------------------------------

def test_an_unknown_case_is_404_and_an_operator_is_refused(app, login):
    client, _ = client_as(app, login, "agent")
    page(client, "/cases/999999", status=404)
    assert post(client, "/cases/999999/reply", {"body": "x", "mode": "send"}).status_code == 404
    operator, _ = client_as(app, login, "operator")
    case = recent_case()
    for url in ("/cases/", "/cases/new", f"/cases/{case.id}"):
        page(operator, url, status=403)
    assert 'data-test="order-cases"' not in page(operator, f"/orders/{make_order('T9').order_no}")


def test_an_anonymous_visitor_is_sent_to_the_login_page(app):
    client = app.test_client()
    for url in ("/cases/", "/cases/new", "/cases/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_reply_without_the_csrf_token_is_refused(csrf_app):
    round_the_clock()
    make_user("amy", role="agent")
    case = recent_case()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "amy", "password": PASSWORD, "csrf_token": token})
    refused = client.post(f"/cases/{case.id}/reply", data={"body": "hello", "mode": "send"})
    assert refused.status_code == 400 and replies_queued() == []
    token = csrf_token_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    sent = client.post(f"/cases/{case.id}/reply", data={"body": "hello", "mode": "send", "csrf_token": token})
    assert sent.status_code == 302 and len(replies_queued()) == 1


def test_in_chinese_the_case_has_a_handling_record_and_the_complaints_review_a_count_total(sqlite_app, login):
    """One English word, two senses: the case's "Timeline" is not the order's, the review's "Total" is a count."""
    case = recent_case(category="complaint", severity="high")
    client, _user = client_as(sqlite_app, login, "supervisor")
    chinese = {"Accept-Language": "zh-CN"}
    g.pop("_login_user", None)
    case_page = client.get(f"/cases/{case.id}", headers=chinese).get_data(as_text=True)
    assert "<h2>处理记录</h2>" in case_page and "订单动态" not in case_page
    assert "（高）" in case_page and "high" not in re.sub(r"<[^>]+>", " ", case_page)  # the escalation note
    g.pop("_login_user", None)
    review = client.get("/complaints/", headers=chinese).get_data(as_text=True)
    assert "合计" in review and "实付金额" not in review
