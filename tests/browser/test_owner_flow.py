"""An agent takes a buyer's new case from the Unassigned tab and replies; the reply shows how far it got (queued on the
manual channel, then sent once the agent marks it given, which stops the clock). Screenshots of a case page with a
reply of each state, in Chinese and English, at a laptop's and a phone's width, go to test-artifacts/."""
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.cases import services
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage

from ..builders import PASSWORD, make_token, make_user
from .conftest import ARTIFACTS, log_in, unique_order_no
from .test_report_flow import watch_for_errors

pytestmark = pytest.mark.browser


def post_message(page, token, text: str) -> dict:
    buyer = unique_order_no("B")
    answer = page.request.post("/api/v1/messages", data={
        "channel": "chat", "external_id": f"msg-{buyer}", "body": text, "customer": {"external_id": buyer, "name": "王小明"}},
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 201, answer.text()
    return answer.json()


def test_an_agent_takes_a_case_from_the_unassigned_tab_and_replies(page_for, live_app):
    with live_app.app_context():
        agent, token = make_user(role="agent").username, make_token()
        db.session.remove()
    page = page_for()
    problems = watch_for_errors(page)
    case_id = post_message(page, token, "Hello, is the red scarf in stock?")["case_id"]

    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/cases/?tab=unassigned")
    expect(page.locator("[data-test=availability]")).to_have_attribute("data-available", "no")
    page.click("[data-test=availability-switch]")
    expect(page.locator("[data-test=availability]")).to_have_attribute("data-available", "yes")
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}/cases/?tab=unassigned")
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "queue-unassigned-390.png"), animations="disabled")
    page.set_viewport_size({"width": 1366, "height": 900})
    row = page.locator(f"[data-test=case-row][data-case-id='{case_id}']")
    row.locator("[data-test=case-link]").click()
    page.wait_for_url(f"**/cases/{case_id}")
    page.click("[data-test=take-case]")
    expect(page.locator("[data-test=case-owner]")).to_contain_text(agent)
    expect(page.locator("[data-test=take-case]")).to_have_count(0)

    page.fill("#reply-body", "Yes, it is in stock and ships today.")
    page.click("[data-test=reply-submit]")
    expect(page.locator("[data-test=reply-state]")).to_have_attribute("data-state", "queued")
    clock = page.locator("[data-test=case-clock-card] [data-test=case-clock]")
    expect(clock).not_to_have_attribute("data-level", "met")
    page.click("[data-test=mark-given]")
    expect(page.locator("[data-test=reply-state]")).to_have_attribute("data-state", "sent")
    expect(clock).to_have_attribute("data-level", "met")
    page.goto("/cases/?tab=unassigned")
    expect(page.locator(f"[data-test=case-row][data-case-id='{case_id}']")).to_have_count(0)
    assert problems == []


def _case_with_every_reply_state(live_app, case_id: int, agent: str) -> None:
    """Three more replies: one left queued, one the sender retries, one it gave up on (with the channel's answer)."""
    with live_app.app_context():
        actor, now = Actor(label=f"user:{agent}", role="agent"), datetime.now(UTC)
        for text, status, error in (("We will check the warehouse and write again.", "pending", None),
                                    ("The courier is SF Express.", "failed", "HTTP 503 Service Unavailable"),
                                    ("Here is your tracking number: SF1234567890.", "dead", "HTTP 410 Gone: no such chat")):
            event = services.reply(case_id, text, actor, now, outbox_channel="manual")
            message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"case_reply:{event.id}"))
            message.status, message.last_error = status, error
            if error:  # a real channel's answer (the test app queues on the manual channel)
                message.channel = "webhook"
            if status == "failed":
                message.next_attempt_at = now + timedelta(minutes=5)
            db.session.commit()
        db.session.remove()


def test_screenshots_of_the_reply_states_in_both_languages_at_two_widths(page_for, live_app):
    with live_app.app_context():
        agent, token = make_user(role="agent").username, make_token()
        db.session.remove()
    ARTIFACTS.mkdir(exist_ok=True)
    for locale, language in (("en-US", "en"), ("zh-CN", "zh")):
        page = page_for(locale)
        problems = watch_for_errors(page)
        case_id = post_message(page, token, "我的围巾什么时候发货？")["case_id"]
        log_in(page, agent, PASSWORD)
        page.wait_for_url("**/")
        page.goto(f"/cases/{case_id}")
        page.fill("#reply-body", "今天发货。")
        page.click("[data-test=reply-submit]")
        page.click("[data-test=mark-given]")
        _case_with_every_reply_state(live_app, case_id, agent)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/cases/{case_id}?width={width}")  # a new load: the hash alone would not reload the page
            states = page.locator("[data-test=reply-state]")
            expect(states).to_have_count(4)
            assert [states.nth(i).get_attribute("data-state") for i in range(4)] == ["sent", "queued", "retrying", "failed"]
            expect(page.locator("[data-test=reply-error]")).to_have_count(2)
            page.locator("[data-test=case-timeline]").screenshot(path=str(ARTIFACTS / f"reply-states-{language}-{width}.png"),
                                                                  animations="disabled")
        assert problems == []
