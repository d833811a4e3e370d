"""An admin erases a buyer's personal data in the browser: from the customer page to the confirmation page (which fits
a phone and a desktop, in Chinese and English), a wrong id refused, the right one erasing; the order keeps its
amounts and loses the address."""
import re
import uuid

import pytest

from shopcs.extensions import db

from ..builders import PASSWORD, make_customer, make_order, make_user
from .conftest import ARTIFACTS, TIMEOUT_MS, log_in

pytestmark = pytest.mark.browser

WIDTHS = {1366: 768, 390: 844}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        admin = make_user(f"admin-{uuid.uuid4().hex[:6]}", role="admin").username
        customers = {}
        for label in ("look", "erase"):
            external_id = f"buyer-{label}-{uuid.uuid4().hex[:6]}"
            order = make_order(customer=make_customer(external_id, name="欧阳娜娜", phone="13987654321"),
                               recipient="欧阳娜娜", detail="幸福路 88 号", total="124.00")
            customers[label] = (external_id, order.order_no)
        db.session.remove()
    return admin, customers


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_confirmation_page_fits_and_shows_no_raw_code(browser, live_server, people, locale, width):
    admin, customers = people
    external_id, _order_no = customers["look"]
    context = browser.new_context(locale=locale, base_url=live_server, viewport={"width": width, "height": WIDTHS[width]})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, admin, PASSWORD)
        page.wait_for_url("**/")
        for path in (f"/customers/{external_id}", f"/customers/{external_id}/erase"):
            page.goto(path)
            assert page.evaluate(OVERFLOW_JS) <= 0, (path, width)
            text = page.inner_text("main")
            assert "customers.erase" not in text and "%(" not in text and "confirm_id" not in text
        page.screenshot(path=str(ARTIFACTS / f"privacy-erase-{locale}-{width}.png"), full_page=True)
    finally:
        context.close()


def test_an_admin_erases_a_buyer_from_the_customer_page(page_for, people):
    admin, customers = people
    external_id, order_no = customers["erase"]
    page = page_for("en-US")
    log_in(page, admin, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/customers/{external_id}")
    page.click("[data-test=erase-link] button")
    page.wait_for_url(re.compile(rf".*/customers/{external_id}/erase\??$"))  # a GET form: maybe an empty query
    assert page.inner_text("[data-test=erase-orders]") == "1"

    page.fill("[data-test=erase-confirm-id]", "someone-else")
    page.click("[data-test=erase-submit]")
    assert "This is not the customer ID shown above" in page.inner_text("[data-test=error-confirm_id]")

    page.fill("[data-test=erase-confirm-id]", external_id)
    page.click("[data-test=erase-submit]")
    page.wait_for_url("**/customers/erased:*")
    assert page.inner_text("[data-test=customer-title]") == "Erased buyer"
    assert "personal data was erased" in page.inner_text(".flash-success")
    assert page.is_visible("[data-test=customer-erased]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "privacy-erased-customer.png"), full_page=True)

    page.goto(f"/orders/{order_no}")
    order_page = page.inner_text("main")
    assert "欧阳娜娜" not in order_page and "幸福路" not in order_page and "13987654321" not in order_page
    assert "124.00" in order_page
