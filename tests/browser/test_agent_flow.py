"""An agent's whole duty path in a real browser: queue search, address confirmation, shipping notice, refund, timeline."""
import re

import pytest
from playwright.sync_api import expect

from ..builders import PASSWORD
from .conftest import log_in, seed

pytestmark = pytest.mark.browser

GOOD_SF_NUMBER = "SF{:013d}"


def _log_in(page, username):
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/")


def _open_refund(page, amount, reason):
    page.click("[data-test=refund-fold] > summary")  # the form is folded away until asked for
    form = page.locator("[data-test=refund-form]")
    form.locator("[data-test=refund-reason]").select_option(reason)
    form.locator("[data-test=refund-amount]").fill(amount)
    form.locator("[data-test=open-refund]").click()
    row = page.locator("[data-test=refund-row]")
    expect(row).to_have_count(1)
    return row


def _event(page, action):
    return page.locator(f"[data-test=timeline-event][data-action='{action}']")


def _timeline_actions(page):
    return page.locator("[data-test=timeline-event]").evaluate_all("events => events.map(e => e.dataset.action)")


def test_an_agent_finds_an_order_confirms_ships_refunds_and_sees_it_all_on_the_timeline(page_for, live_app):
    agent, order_no, phone = seed(live_app, role="agent", total="120.00")
    page = page_for("en-US")
    _log_in(page, agent)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-test=lang-switch]")).to_have_text("中文")

    # The queue: search by the buyer's phone; the list shows the number masked.
    page.fill("[data-test=queue-search]", phone)
    page.click("[data-test=queue-search-button]")
    page.wait_for_url(re.compile(rf"[?&]q={phone}"))
    row = page.locator(f"[data-test=queue-row][data-order-no='{order_no}']")
    expect(page.locator("[data-test=queue-row]")).to_have_count(1)
    expect(row.locator("[data-test=queue-phone]")).to_have_text("138****5678")
    assert phone not in page.locator("[data-test=queue-table]").inner_text()

    # The order page: confirm the address, via chat.
    row.locator("[data-test=queue-order-link]").click()
    page.wait_for_url(f"**/orders/{order_no}")
    expect(page.locator("[data-test=address-unconfirmed]")).to_be_visible()
    page.select_option("[data-test=confirm-method]", "chat")
    page.click("[data-test=confirm-address]")
    confirmed = page.locator("[data-test=order-address]")
    expect(confirmed.locator("[data-test=address-confirmed]")).to_be_visible()
    expect(confirmed).to_contain_text(f"by {agent} via chat")

    # The shipping notice: a wrong number is refused with a clear message and ships nothing.
    page.click("[data-test=ship-link]")
    page.wait_for_url(f"**/orders/{order_no}/ship")
    page.select_option("[data-test=carrier-select]", "SF")
    page.fill("[data-test=tracking-input]", "SF12345")
    page.click("[data-test=ship-button]")
    expect(page.locator("[data-test=error-tracking_no]")).to_contain_text(
        "This does not look like a SF Express tracking number (example: SF1234567890123).")
    assert page.url.endswith(f"/orders/{order_no}/ship")
    expect(page.locator("[data-test=order-status]")).to_have_text("paid")
    expect(page.get_by_text("Parcels already recorded")).to_have_count(0)

    # ... and a right one ships the order and shows the parcel.
    tracking_no = GOOD_SF_NUMBER.format(int(phone))
    page.select_option("[data-test=carrier-select]", "SF")
    page.fill("[data-test=tracking-input]", tracking_no)
    page.click("[data-test=ship-button]")
    page.wait_for_url(f"**/orders/{order_no}")
    expect(page.locator("[data-test=order-title] [data-test=order-status]")).to_have_text("shipped")
    expect(page.locator(".flash")).to_contain_text(f"Shipped with SF Express, tracking number {tracking_no}.")
    shipment = page.locator("[data-test=shipment-row]")
    expect(shipment).to_have_count(1)
    expect(shipment).to_contain_text("SF Express")
    expect(shipment).to_contain_text(tracking_no)

    # A partial refund under the agent's limit: requested, then approved by the same agent.
    refund = _open_refund(page, "30.00", "size")
    expect(refund).to_have_attribute("data-status", "requested")
    expect(refund.locator("[data-test=refund-status]")).to_have_text("Requested")
    expect(refund).to_contain_text("¥30.00")
    expect(refund).to_contain_text("Size does not fit")
    expect(page.locator("[data-test=refundable]")).to_have_text("CN¥90.00")  # Babel: yuan in English
    refund.locator("[data-test=refund-approve]").click()
    page.click("[data-test=approve-confirm-button]")  # approving asks first, like rejecting
    expect(page.locator("[data-test=refund-row][data-status=approved]")).to_have_count(1)
    expect(page.locator("[data-test=refund-row] [data-test=refund-status]")).to_have_text("Approved")
    expect(page.locator(".flash")).to_contain_text("Refund approved.")

    # The timeline tells the story, in order, and the wrong tracking number left no trace.
    for action, label in [("address.confirmed", "Address confirmed with the buyer"), ("shipment.created", "Shipped"),
                          ("refund.requested", "Refund requested"), ("refund.approved", "Refund approved")]:
        event = _event(page, action)
        expect(event).to_have_count(1)
        expect(event.locator("strong")).to_have_text(label)
        expect(event).to_contain_text(agent)
    expect(_event(page, "shipment.created")).to_contain_text(tracking_no)
    expect(_event(page, "refund.requested")).to_contain_text("30.00")
    actions = _timeline_actions(page)
    story = ["address.confirmed", "shipment.created", "refund.requested", "refund.approved"]
    assert [a for a in actions if a in story] == story
    assert "SF12345" not in page.locator("[data-test=timeline]").inner_text()


def test_an_agent_cannot_approve_a_refund_above_the_limit_but_a_supervisor_can(page_for, live_app):
    agent, order_no, _phone = seed(live_app, role="agent", total="500.00")
    supervisor, _other, _ = seed(live_app, role="supervisor")
    page = page_for("en-US")
    _log_in(page, agent)
    page.goto(f"/orders/{order_no}")

    refund = _open_refund(page, "250.00", "quality")
    expect(refund).to_have_attribute("data-status", "requested")
    expect(refund.locator("[data-test=needs-supervisor]")).to_be_visible()
    expect(refund.locator("[data-test=refund-needs-supervisor-note]")).to_have_text("A supervisor approves this amount.")
    expect(page.locator("[data-test=refund-approve]")).to_have_count(0)

    # Sending the approval anyway (a hand-made form with a valid CSRF token) is refused by the server.
    refund_id = refund.get_attribute("data-refund-id")
    page.evaluate("""(refundId) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/refunds/" + refundId + "/approve";
        const token = document.createElement("input");
        token.type = "hidden";
        token.name = "csrf_token";
        token.value = document.querySelector("input[name=csrf_token]").value;
        form.appendChild(token);
        document.body.appendChild(form);
        form.submit();
    }""", refund_id)
    expect(page.locator(".flash-error")).to_have_text("Not allowed. Refunds above CN¥200.00 need a supervisor's approval.")
    expect(page.locator("[data-test=refund-row]")).to_have_attribute("data-status", "requested")
    expect(_event(page, "refund.approved")).to_have_count(0)

    # A supervisor sees the approve button for the same refund and approves it.
    boss = page_for("en-US")
    _log_in(boss, supervisor)
    boss.goto(f"/orders/{order_no}")
    boss.click(f"[data-test=refund-approve][data-refund-id='{refund_id}']")
    boss.click("[data-test=approve-confirm-button]")
    expect(boss.locator("[data-test=refund-row]")).to_have_attribute("data-status", "approved")
    approved = _event(boss, "refund.approved")
    expect(approved).to_have_count(1)
    expect(approved).to_contain_text(supervisor)
