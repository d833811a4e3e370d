"""The case page's suggested replies in a real browser: Alt+1 puts the first suggestion's text in the reply box, a click
on another replaces it, text the agent typed is kept, nothing is sent — with no script error or CSP violation."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from shopcs.actor import Actor
from shopcs.cases.replies.templates import create_template
from shopcs.extensions import db
from shopcs.orders.models import Shipment

from ..builders import PASSWORD, make_customer, make_order, make_token, make_user
from .conftest import log_in, unique_mobile, unique_order_no
from .test_report_flow import watch_for_errors

pytestmark = pytest.mark.browser


def seed_tracking_case(live_app, page):
    """An agent, an order shipped with SF, two tracking templates filled from it, and a case about it by the API."""
    with live_app.app_context():
        agent, boss = make_user(role="agent"), make_user(role="supervisor")
        token, order_no = make_token(), unique_order_no("SG")
        order = make_order(order_no=order_no, phone=unique_mobile(), customer=make_customer(name="王小明"))
        tracking_no = "SF" + str(order.id).rjust(13, "7")
        db.session.add(Shipment(order_id=order.id, carrier="SF", tracking_no=tracking_no, shipped_on=date(2026, 3, 3),
                                created_by="user:sam", created_at=datetime.now(UTC)))
        db.session.commit()
        for key, title, body in (("where", "快递到哪了", "{buyer_name}您好，您的快递由 {carrier} 承运，运单号 {tracking_no}。"),
                                 ("late", "物流延误", "您好，订单 {order_no} 三天没更新很抱歉，运单 {tracking_no} 已催。\n第二行")):
            create_template({"key": f"{key}-{order_no.lower()}", "category": "tracking", "language": "zh_CN",
                             "title": title, "body": body}, Actor.for_user(boss), datetime.now(UTC))
        username = agent.username
        db.session.remove()
    body = {"channel": "chat", "category": "tracking", "order_no": order_no, "subject": "快递到哪了",
            "body": "亲 我的快递到哪了？三天没更新了", "received_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    answer = page.request.post("/api/v1/cases", data=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 201, answer.text()
    return username, answer.json()["id"], tracking_no


def test_alt_1_puts_the_first_suggestion_in_the_reply_box(page_for, live_app):
    page = page_for("zh-CN")
    problems = watch_for_errors(page)
    agent, case_id, tracking_no = seed_tracking_case(live_app, page)
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/cases/{case_id}")

    panel = page.locator("[data-test=suggestions]")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-test=suggested-category]")).to_have_text(re.compile(r"^查货 · \d{1,3}%$"))
    suggestions = panel.locator("[data-test=suggestion]")
    expect(suggestions.first).to_be_visible()
    first, count = suggestions.first.get_attribute("data-text"), suggestions.count()
    assert 1 <= count <= 3 and tracking_no in page.content()

    reply = page.locator("#reply-body")
    expect(reply).to_have_value("")
    page.keyboard.press("Alt+1")
    expect(reply).to_have_value(first)
    expect(reply).to_be_focused()
    if count > 1:  # another suggestion replaces the one put there
        second = suggestions.nth(1).get_attribute("data-text")
        page.keyboard.press("Alt+2")
        expect(reply).to_have_value(second)
        suggestions.first.click()
        expect(reply).to_have_value(first)
    reply.fill("我先写一句。")  # what the agent typed stays
    page.keyboard.press("Alt+1")
    expect(reply).to_have_value("我先写一句。\n\n" + first)
    expect(page.locator("[data-test=case-event][data-kind=reply]")).to_have_count(0)  # nothing was sent
    assert problems == []
