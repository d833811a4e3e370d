"""An order from abroad as an agent works it, in both languages (issue 19): its amounts in US dollars as the reader
writes them, its New York address as it is written there, a refund asked in dollars; the page fits a phone."""
import pytest
from playwright.sync_api import expect

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.orders.ingest import ingest_order
from shopcs.orders.schemas import validate_order

from ..builders import NOW, PASSWORD, make_user
from .conftest import ARTIFACTS, log_in, unique_order_no

pytestmark = pytest.mark.browser

SHOWN = {  # the reader's language: Babel writes US dollars as US$ in Chinese, $ in English
    "zh-CN": {"total": "US$59.50", "refund": "US$10.00", "country": "美国"},
    "en-US": {"total": "$59.50", "refund": "$10.00", "country": "United States"},
}


def _us_order(live_app) -> tuple[str, str]:
    order_no = unique_order_no()
    with live_app.app_context():
        username = make_user(role="supervisor").username
        data = validate_order(order_no, {
            "status": "paid", "placed_at": "2026-03-04T09:00:00-05:00", "paid_at": "2026-03-04T09:05:00-05:00",
            "customer": {"external_id": f"buyer-{order_no}", "name": "Jane Roe", "phone": "", "email": ""},
            "shipping_address": {"recipient": "Jane Roe", "phone": "212-555-0123", "country": "US", "province": "NY",
                                 "city": "New York", "detail": "350 Fifth Avenue", "address_line2": "Suite 3400",
                                 "postal_code": "10118"},
            "items": [{"sku": "SCARF", "title": "Wool scarf", "quantity": 2, "unit_price": "24.50"}],
            "shipping_fee": "12.00", "discount": "1.50", "total": "59.50", "currency": "USD"})
        ingest_order(data, Actor.webhook("Shopify"), NOW, "Asia/Shanghai")
        db.session.remove()
    return username, order_no


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_order_from_new_york_reads_in_dollars_and_takes_a_refund_in_dollars(page_for, live_app, locale):
    username, order_no = _us_order(live_app)
    shown = SHOWN[locale]
    page = page_for(locale)
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/")

    page.goto(f"/orders/{order_no}")
    expect(page.locator("main")).to_contain_text(shown["total"])
    expect(page.locator("main")).to_contain_text("350 Fifth Avenue")
    expect(page.locator("main")).to_contain_text("Suite 3400")
    expect(page.locator("main")).to_contain_text(shown["country"])
    assert "¥" not in page.locator("[data-test=order-items]").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"order-abroad-1366-{locale}.png"), full_page=True)

    page.click("[data-test=refund-fold] > summary")
    page.fill("[data-test=refund-form] input[name=amount]", "10.00")
    page.select_option("[data-test=refund-form] select[name=reason]", "size")
    page.click("[data-test=refund-form] button[type=submit]")
    expect(page.locator("[data-test=refund-row]")).to_contain_text(shown["refund"])

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/orders/{order_no}")
    assert page.evaluate("document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth")
    page.screenshot(path=str(ARTIFACTS / f"order-abroad-390-{locale}.png"), full_page=True)
