"""The agent's side, live, in Chromium on SQLite and PostgreSQL: with the case page open, a buyer's message that
arrives through POST /api/v1/messages shows on it within 2 s without a reload; on the queue the row gets its unread
dot, a case not on the page raises the "new messages" notice, and the top bar counts the agent's waiting cases."""
import itertools

import pytest
from playwright.sync_api import expect

from shopcs.actor import Actor
from shopcs.cases import services
from shopcs.extensions import db
from shopcs.timeutil import utcnow

from ..builders import PASSWORD, make_token, make_user
from .conftest import log_in
from .test_report_flow import watch_for_errors
from .test_widget_flow import open_page, shopcs  # noqa: F401 - fixtures: a live ShopCS on either database

pytestmark = pytest.mark.browser
LIVE_MS = 2000  # the promise: a new message shows within 2 s
_seq = itertools.count(1)


class Shop:
    """The live ShopCS's database and its API, as a chat system uses it."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.token = make_token()
            db.session.remove()

    def buyer_writes(self, buyer: str, body: str) -> dict:
        with self.app.app_context():
            response = self.app.test_client().post(
                "/api/v1/messages", headers={"Authorization": f"Bearer {self.token}"},
                json={"channel": "chat", "external_id": f"live-{next(_seq)}-{buyer}", "body": body,
                      "customer": {"external_id": buyer, "name": "韩梅梅", "phone": "13812345678"}})
            db.session.remove()
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.json

    def agent(self) -> tuple[str, int]:
        with self.app.app_context():
            user = make_user(f"live-agent-{next(_seq)}-{utcnow().timestamp():.0f}")
            person = user.username, user.id
            db.session.remove()
        return person

    def hand_to(self, case_id: int, user_id: int) -> None:
        with self.app.app_context():
            services.transfer(case_id, "交给你", Actor(label="token:shop", is_platform=True), utcnow(), to_user=user_id)
            db.session.remove()


def test_a_buyer_message_shows_live_on_the_case_page_and_in_the_queue(shopcs, open_page):  # noqa: F811
    app, base_url = shopcs
    shop = Shop(app)
    buyer = f"live-buyer-{next(_seq)}-{utcnow().timestamp():.0f}"
    case_id = shop.buyer_writes(buyer, "你好，我想问一下发货时间")["case_id"]
    username, user_id = shop.agent()
    shop.hand_to(case_id, user_id)
    page = open_page(base_url)
    problems = watch_for_errors(page)
    log_in(page, username, PASSWORD)

    page.goto(f"/cases/{case_id}")
    page.evaluate("window.__stillThisPage = true")
    expect(page.locator("[data-test=nav-waiting] [data-live-waiting]")).to_have_text("1")
    shop.buyer_writes(buyer, "<b>还在吗？</b>今天能发吗")
    expect(page.locator("[data-test=case-event-body]").last).to_have_text("<b>还在吗？</b>今天能发吗", timeout=LIVE_MS)
    assert page.evaluate("window.__stillThisPage === true"), "the page reloaded"
    expect(page.locator("[data-test=case-event]")).to_have_count(3)  # the first message, the hand-over, the new one

    page.goto("/cases/?tab=mine")
    row = page.locator(f"tr[data-case-id='{case_id}']")
    expect(row.locator("[data-test=case-unread]")).to_have_count(0)  # seen on the case page, live included
    shop.buyer_writes(buyer, "麻烦尽快回复")
    expect(row.locator("[data-test=case-unread]")).to_have_count(1, timeout=LIVE_MS)
    other = f"live-buyer-{next(_seq)}-{utcnow().timestamp():.0f}"
    shop.buyer_writes(other, "我要退货")  # a new case: not on "Mine"
    expect(page.locator("[data-test=live-notice]")).to_be_visible(timeout=LIVE_MS)
    page.locator("[data-test=live-refresh]").click()
    expect(page.locator("[data-test=nav-waiting] [data-live-waiting]")).to_have_text("1")
    assert problems == []
