"""Follow-up in a real browser: an agent copies a due manual reminder and marks it sent; a supervisor edits settings."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shopcs.extensions import db
from shopcs.followup.settings import load_settings
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.orders.models import Order
from shopcs.timeutil import utcnow

from ..builders import PASSWORD, make_user
from .conftest import log_in, seed

pytestmark = pytest.mark.browser


def _log_in(page, username):
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/")


def _queue_manual_reminder(live_app, order_no) -> tuple[int, str]:
    with live_app.app_context():
        order = db.session.query(Order).filter_by(order_no=order_no).one()
        body = f"您好，订单 {order_no} 还没有付款，请问付款方式方便吗？"
        message = enqueue(kind="unpaid_reminder", dedupe_key=f"unpaid_reminder:{order.id}:1", body=body,
                          now=utcnow() - timedelta(minutes=31), scheduled_for=utcnow() - timedelta(minutes=1),
                          customer_id=order.customer_id, order_id=order.id, channel="manual")
        db.session.commit()
        message_id = message.id
        db.session.remove()
    return message_id, body


def test_an_agent_copies_a_due_manual_reminder_and_marks_it_sent(page_for, live_app, live_server):
    agent, order_no, _phone = seed(live_app, role="agent", status="unpaid", placed_at=utcnow() - timedelta(minutes=31))
    message_id, body = _queue_manual_reminder(live_app, order_no)
    page = page_for("en-US")
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
        clipboard = True
    except Exception:  # noqa: BLE001 - some headless builds refuse clipboard permissions; the button is still checked
        clipboard = False
    _log_in(page, agent)
    page.goto("/followup")

    row = page.locator(f"[data-test=followup-row][data-message-id='{message_id}']")
    expect(row).to_be_visible()
    expect(row.locator("[data-test=message-text]")).to_have_text(body)
    expect(row.locator("[data-test=followup-order-link]")).to_have_text(order_no)
    copy = row.locator("[data-test=copy-message]")
    expect(copy).to_have_attribute("data-copy", body)
    copy.click()
    if clipboard:
        expect(copy).to_have_attribute("data-copied", "yes")
        expect(copy).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == body

    row.locator("[data-test=mark-sent]").click()
    expect(page.locator(".flash")).to_contain_text("Marked as sent.")
    expect(page.locator(f"[data-test=followup-row][data-message-id='{message_id}']")).to_have_count(0)
    with live_app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"
        db.session.remove()

    page.click("[data-test=tab-sent]")
    expect(page.locator(f"[data-test=followup-row][data-message-id='{message_id}']")).to_contain_text(body)


def test_a_supervisor_changes_quiet_hours_and_sees_the_template_preview_update(page_for, live_app):
    with live_app.app_context():
        supervisor = make_user(role="supervisor").username
        db.session.remove()
    page = page_for("en-US")
    _log_in(page, supervisor)
    page.goto("/followup/settings")

    editor = page.locator("[data-test=template-unpaid_reminder-en]")
    preview = page.locator("[data-test=preview-unpaid_reminder-en]")
    expect(preview).to_contain_text("T20261124001")  # the sample values fill the saved template
    editor.fill("Hello {buyer_name}, your total is {total}.")
    expect(preview).to_have_text("Hello Alex, your total is CN¥128.00.")  # English sample values
    expect(page.locator("[data-test=settings-save]")).to_be_enabled()

    editor.fill("Hello {buyer_name}, pay before {deadline}.")
    expect(page.locator("[data-test=problems-unpaid_reminder-en]")).to_contain_text("{deadline}")
    expect(page.locator("[data-test=settings-save]")).to_be_disabled()

    editor.fill("Hello {buyer_name}, anything unclear about order {order_no}?")
    expect(preview).to_have_text("Hello Alex, anything unclear about order T20261124001?")
    page.fill("[data-test=quiet-start]", "21:30")
    page.fill("[data-test=quiet-end]", "07:30")
    expect(page.locator("[data-test=settings-save]")).to_be_enabled()
    page.click("[data-test=settings-save]")
    expect(page.locator(".flash")).to_contain_text("Settings saved.")
    expect(page.locator("[data-test=quiet-start]")).to_have_value("21:30")
    with live_app.app_context():
        settings = load_settings()
        assert settings.quiet_start.strftime("%H:%M") == "21:30" and settings.quiet_end.strftime("%H:%M") == "07:30"
        assert settings.template("unpaid_reminder", "en") == "Hello {buyer_name}, anything unclear about order {order_no}?"
        db.session.remove()
