"""The order page on a phone (390 px) and at desktop width, and approving a refund through its confirmation page."""
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.orders.handling import confirm_address
from shopcs.orders.refund_service import RefundRequest, request_refund

from ..builders import NOW, PASSWORD
from .conftest import ARTIFACTS, log_in, seed

pytestmark = pytest.mark.browser

# The right edge of the widest thing in the page's content (the top bar is the layout's own business).
WIDEST_CONTENT = "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"


def _log_in(page, username):
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/")


def _order_with_history(live_app, role):
    """A shipped order with a confirmed address, a long note-worthy address and two refunds waiting."""
    user, order_no, _phone = seed(live_app, role=role, total="480.00", status="paid",
                                  detail="文三路 100 号 华星科技大厦 B 座 1203 室（工作日白天送达，周末请放门卫）")
    with live_app.app_context():
        actor = Actor(f"user:{user}", role)
        confirm_address(order_no, "chat", actor, NOW, {})
        for amount, key in (("30.00", "a"), ("250.00", "b")):
            request_refund(order_no, RefundRequest(Decimal(amount), "size", idempotency_key=key), actor, NOW + timedelta(minutes=1))
        db.session.remove()
    return user, order_no


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_order_page_fits_a_phone_without_sideways_scrolling(page_for, live_app, locale):
    user, order_no = _order_with_history(live_app, "supervisor")
    page = page_for(locale)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, user)
    page.goto(f"/orders/{order_no}")
    expect(page.locator("[data-test=refund-row]")).to_have_count(2)
    page.click("[data-test=refund-fold] > summary")  # an open form must fit too
    expect(page.locator("[data-test=refund-form]")).to_be_visible()
    assert page.evaluate(WIDEST_CONTENT) <= 390
    assert page.evaluate("document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth")
    page.screenshot(path=str(ARTIFACTS / f"order-page-390-{locale}.png"), full_page=True)


def test_at_desktop_width_the_refunds_sit_beside_the_items(page_for, live_app):
    user, order_no = _order_with_history(live_app, "supervisor")
    page = page_for("en-US")
    _log_in(page, user)
    page.goto(f"/orders/{order_no}")
    items, refunds = page.locator("[data-test=order-items]").bounding_box(), page.locator("[data-test=refunds]").bounding_box()
    assert refunds["x"] > items["x"] + items["width"] and abs(refunds["y"] - items["y"]) < 5
    expect(page.locator("[data-test=confirm-form]")).to_have_count(0)  # confirmed: its facts instead of the form
    expect(page.locator("[data-test=address-confirmed]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "order-page-1366-en-US.png"), full_page=True)


def test_approving_a_refund_asks_first_and_cancelling_changes_nothing(page_for, live_app):
    user, order_no = _order_with_history(live_app, "supervisor")
    page = page_for("en-US")
    _log_in(page, user)
    page.goto(f"/orders/{order_no}")
    small = page.locator("[data-test=refund-row]", has_text="¥30.00")
    small.locator("[data-test=refund-approve]").click()
    expect(page.locator("[data-test=approve-confirm]")).to_contain_text("¥30.00")
    page.click("[data-test=approve-cancel]")
    page.wait_for_url(f"**/orders/{order_no}#refunds")
    expect(small).to_have_attribute("data-status", "requested")

    small.locator("[data-test=refund-approve]").click()
    page.click("[data-test=approve-confirm-button]")
    page.wait_for_url(f"**/orders/{order_no}#refunds")
    expect(page.locator(".flash")).to_contain_text("Refund approved.")
    expect(small).to_have_attribute("data-status", "approved")
    expect(small.locator("[data-test=refund-decided]")).to_contain_text(user)
