"""A case arrives through the API, shows in the queue with its clock, the agent answers it with a reply template
(its variables filled for the case), a serious complaint goes to the supervisor who acknowledges it, and the agent's
work log for the day shows it all — with no script error or CSP violation on the way."""
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from shopcs.actor import Actor
from shopcs.cases.replies.templates import create_template
from shopcs.extensions import db

from ..builders import PASSWORD, make_customer, make_order, make_token, make_user
from .conftest import log_in, unique_mobile, unique_order_no
from .test_report_flow import watch_for_errors

pytestmark = pytest.mark.browser


def seed_people_and_order(live_app):
    """An agent, a supervisor, a platform token, an order, and the supervisor's reply template for tracking."""
    with live_app.app_context():
        agent, boss = make_user(role="agent"), make_user(role="supervisor")
        token, order_no = make_token(), unique_order_no("CS")
        make_order(order_no=order_no, phone=unique_mobile(), customer=make_customer(name="王小明"))
        create_template({"key": f"where-{order_no.lower()}", "category": "tracking", "language": "en",
                         "title": f"Where it is {order_no}", "body": "Hello {buyer_name}, order {order_no} is on its way."},
                        Actor.for_user(boss), datetime.now(UTC))
        names = agent.username, boss.username
        db.session.remove()
    return *names, token, order_no


def post_case(page, token, **fields) -> dict:
    body = {"channel": "chat", "received_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(), **fields}
    answer = page.request.post("/api/v1/cases", data=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 201, answer.text()
    return answer.json()


def test_a_case_is_answered_with_a_template_escalated_acknowledged_and_in_the_work_log(page_for, live_app):
    agent, supervisor, token, order_no = seed_people_and_order(live_app)
    page = page_for()
    problems = watch_for_errors(page)
    question = post_case(page, token, category="tracking", order_no=order_no, subject="Where is my parcel?",
                         body="Hello, where is my parcel?")
    assert question["status"] == "new" and question["first_response_due_at"]

    # The agent finds it in the team's inbox with its first-response clock running.
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/cases/?tab=team")
    row = page.locator(f"[data-test=case-row][data-case-id='{question['id']}']")
    expect(row).to_be_visible()
    assert row.locator("[data-test=case-clock]").get_attribute("data-level") in ("ok", "amber", "red")

    # The answer comes from a template: "/" opens the picker, the order's own number is filled in.
    row.locator("[data-test=case-link]").click()
    page.wait_for_url(f"**/cases/{question['id']}")
    page.keyboard.press("/")
    expect(page.locator("[data-test=template-picker-search]")).to_be_focused()
    page.keyboard.type("Where it is")
    page.locator("[data-test=template-picker-option]", has_text=f"Where it is {order_no}").click()
    reply_text = page.locator("#reply-body").input_value()
    assert reply_text == f"Hello 王小明, order {order_no} is on its way."
    page.click("[data-test=reply-submit]")
    expect(page.locator("[data-test=case-event][data-kind=reply]")).to_have_count(1)
    # queued on the manual channel: answered only once the agent has given it to the buyer
    expect(page.locator("[data-test=reply-state]")).to_have_attribute("data-state", "queued")
    expect(page.locator("[data-test=case-clock-card] [data-test=case-clock]")).not_to_have_attribute("data-level", "met")
    page.click("[data-test=mark-given]")
    expect(page.locator("[data-test=reply-state]")).to_have_attribute("data-state", "sent")
    expect(page.locator("[data-test=case-clock-card] [data-test=case-clock]")).to_have_attribute("data-level", "met")

    # A serious complaint goes to the supervisors at once; the supervisor acknowledges it.
    complaint = post_case(page, token, category="complaint", severity="high", order_no=order_no,
                          subject="The scarf arrived torn", body="The scarf arrived torn. I want my money back.")
    assert complaint["escalation_reason"] == "complaint"
    boss = page_for()
    supervisor_problems = watch_for_errors(boss)
    log_in(boss, supervisor, PASSWORD)
    boss.wait_for_url("**/")
    boss.goto("/cases/?tab=escalated")
    boss.locator(f"[data-test=case-row][data-case-id='{complaint['id']}'] [data-test=case-link]").click()
    boss.fill("#ack-note", "Called the buyer, apologised, refund approved.")
    boss.click("[data-test=ack-submit]")
    expect(boss.locator("[data-test=escalation-acknowledged]")).to_be_visible()
    expect(boss.locator("[data-test=case-event][data-kind=acknowledgement]")).to_have_count(1)

    # The agent's work log for today counts the answered case, with a link to it.
    page.goto("/worklog/")
    expect(page.locator("[data-test=count-answered]")).to_have_text("1")
    expect(page.locator("[data-test=item-answered]")).to_contain_text(f"#{question['id']}")
    expect(page.locator("[data-test=count-replies]")).to_have_text("1")
    assert problems == [] and supervisor_problems == []


def test_slash_in_the_reply_box_opens_the_picker_and_the_template_replaces_the_slash_and_its_filter(page_for, live_app):
    agent, _supervisor, token, order_no = seed_people_and_order(live_app)
    page = page_for()
    problems = watch_for_errors(page)
    case = post_case(page, token, category="tracking", order_no=order_no, subject="Parcel?", body="Where is it?")
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/cases/{case['id']}")
    box, picker = page.locator("#reply-body"), page.locator("[data-test=template-picker]")
    options = page.locator("[data-test=template-picker-option]")
    wanted = options.filter(has_text=f"Where it is {order_no}")
    filled = f"Hello 王小明, order {order_no} is on its way."

    # "/" after a space opens the list under the box; what follows filters it; Enter puts the template in their place.
    box.click()
    page.keyboard.type("Dear buyer, /")
    expect(picker).to_have_attribute("data-slash-open", "true")
    expect(wanted).to_be_visible()
    expect(box).to_be_focused()
    page.keyboard.type(f"is {order_no}")
    expect(options).to_have_count(1)
    page.keyboard.press("Enter")
    expect(box).to_have_value(f"Dear buyer, {filled}")
    expect(picker).not_to_have_attribute("data-slash-open", "true")
    expect(options).to_have_count(0)

    # A "/" inside a word is only a slash.
    box.fill("")
    page.keyboard.type("1/2")
    expect(box).to_have_value("1/2")
    page.wait_for_timeout(300)
    expect(picker).not_to_have_attribute("data-slash-open", "true")

    # Esc closes the list and leaves the text as typed.
    box.fill("")
    page.keyboard.type("/Wh")
    expect(wanted).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker).not_to_have_attribute("data-slash-open", "true")
    expect(options).to_have_count(0)
    expect(box).to_have_value("/Wh")
    expect(box).to_be_focused()

    # At the start of the box, a click on a template works the same; the reply sent holds no "/".
    box.fill("")
    page.keyboard.type("/")
    wanted.click()
    expect(box).to_have_value(filled)
    page.click("[data-test=reply-submit]")
    expect(page.locator("[data-test=case-event][data-kind=reply]")).to_have_count(1)
    expect(page.locator("[data-test=case-event][data-kind=reply]")).to_contain_text(filled)
    assert problems == [], problems
