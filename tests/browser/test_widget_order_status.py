""""Where is my order?" in the widget on the shop's own site, on SQLite and PostgreSQL: the buyer types the order
number and the last 4 digits of its phone and reads its status and parcel (or promised ship date) in their language;
a wrong pair says "do not match"; nothing personal shows, and no console error happens."""
import secrets
from datetime import date

import pytest
from playwright.sync_api import expect

from shopcs.extensions import db
from shopcs.orders.models import Shipment
from shopcs.timeutil import utcnow

from ..builders import make_order
from .conftest import unique_mobile, unique_order_no
from .test_widget_flow import buyer_page, open_page, open_widget, screenshot, shopcs, storefront  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
WIDGET = "[data-shopcs-widget]"


def _seed(live_app, status, shipped=False):
    """An order (with an SF parcel when `shipped`): (order_no, last 4 digits, tracking number, recipient)."""
    tracking_no = "SF" + "".join(secrets.choice("0123456789") for _ in range(13))
    with live_app.app_context():
        order = make_order(order_no=unique_order_no("WO"), status=status, phone=unique_mobile(), recipient="周小姐",
                           promised_ship_date=date(2026, 12, 3), commit=False)
        db.session.flush()
        if shipped:
            db.session.add(Shipment(order_id=order.id, carrier="SF", tracking_no=tracking_no,
                                    shipped_on=date(2026, 12, 1), created_by="user:sam", created_at=utcnow()))
        db.session.commit()
        found = order.order_no, order.phone[-4:], tracking_no, order.phone
        db.session.remove()
    return found


def ask(page, order_no, last4):
    page.locator(f"{WIDGET} .where summary").click()
    page.locator(f"{WIDGET} input[name=order_no]").fill(order_no)
    page.locator(f"{WIDGET} input[name=phone_last4]").fill(last4)
    page.locator(f"{WIDGET} .check").click()


def test_a_buyer_asks_where_the_order_is_and_reads_the_parcel_in_their_language(open_page, shopcs, storefront):  # noqa: F811
    live_app, _ = shopcs
    database = live_app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+", 1)[0]
    shipped_no, last4, tracking_no, phone = _seed(live_app, "shipped", shipped=True)
    paid_no, paid_last4, _, _ = _seed(live_app, "paid")

    buyer, problems = buyer_page(open_page, storefront, "zh")
    open_widget(buyer)
    expect(buyer.locator(f"{WIDGET} .where summary")).to_have_text("查询订单")
    ask(buyer, shipped_no, last4)
    answer = buyer.locator(f"{WIDGET} .msg.note", has_text=tracking_no)
    expect(answer).to_have_text(f"订单 {shipped_no}：已发货，顺丰速运 {tracking_no}（2026-12-01 发出）")
    panel = buyer.locator(f"{WIDGET} .panel").inner_text()
    assert phone not in panel and "周小姐" not in panel
    screenshot(buyer, f"widget-order-status-zh-{database}")

    english, english_problems = buyer_page(open_page, storefront, "en")
    open_widget(english)
    ask(english, paid_no, paid_last4)
    expect(english.locator(f"{WIDGET} .msg.note", has_text=paid_no)).to_have_text(
        f"Order {paid_no}: paid, promised to ship by 2026-12-03")
    english.locator(f"{WIDGET} input[name=phone_last4]").fill("0000" if paid_last4 != "0000" else "1111")
    english.locator(f"{WIDGET} .check").click()
    expect(english.locator(f"{WIDGET} .msg.note", has_text="do not match")).to_be_visible()
    # the wrong pair's 404 is the answer, not a fault: Chromium logs every 4xx a fetch gets
    expected = [p for p in english_problems if "status of 404" in p and "/widget/v1/order-status?" in p]
    assert len(expected) == 1 and problems == [p for p in english_problems if p not in expected] == []
