"""An agent uploads the seller back office's Taobao / Tmall order export (GBK) on the import page: the report counts
the orders and lists the bad rows by line, the orders show in the queue and on their pages in readable Chinese with
the import on the timeline, and uploading the same file again updates them instead of creating them twice."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shopcs.extensions import db

from ..builders import PASSWORD, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "taobao" / "ExportOrderList_gbk.csv"
BAD_ROWS = [  # line, order no., the export's column, the reason (see tests/fixtures/taobao/README.md)
    ("5", "3051234567890123453", "订单状态", "is not a Taobao order status ShopCS knows: 退款中"),
    ("8", "3051234567890123456", "买家应付货款", 'must be a number with at most three decimals, such as "12.50"'),
]
PAID_ORDER = "3051234567890123451"  # line 2: 李四, 浙江省 杭州市 西湖区 文三路 100 号(310000), two titles


def _log_in_as_agent(page, live_app):
    with live_app.app_context():
        agent = make_user(role="agent").username  # the import page is for agents and supervisors
        db.session.remove()
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    return agent


def _upload_export(page):
    """Choose the Taobao format and the GBK export on the import page, submit, and return the report."""
    page.goto("/imports/orders")
    expect(page.locator("[data-test=import-format-shopcs]")).to_be_checked()  # the default is a ShopCS CSV
    page.check("[data-test=import-format-taobao]")
    expect(page.locator("[data-test=import-format-taobao]")).to_be_checked()
    page.set_input_files("input[type=file][name=file]", EXPORT)
    page.click("button[type=submit].primary")
    report = page.locator("[data-test=import-report]")
    expect(report).to_be_visible()
    expect(report.locator(".field-error")).to_have_count(0)  # e.g. "not UTF-8" when read as a ShopCS CSV
    return report


def _expect_counts(report, created, updated, failed):
    expect(report.locator("[data-test=import-created]")).to_have_text(f"{created} created")
    expect(report.locator("[data-test=import-updated]")).to_have_text(f"{updated} updated")
    expect(report.locator("[data-test=import-failed]")).to_have_text(f"{failed} failed")


def _expect_bad_rows(report):
    """Both bad rows by line, with the export's own (GBK-decoded) column names and the Chinese status."""
    expect(report.locator("[data-test=import-error]")).to_have_count(len(BAD_ROWS))
    for line, order_no, column, reason in BAD_ROWS:
        cells = report.locator(f"[data-test=import-error][data-line='{line}'] td")
        expect(cells).to_have_text([line, order_no, column, reason])


def _search_queue(page, order_no):
    page.goto("/")
    page.fill("[data-test=queue-search]", order_no)
    page.click("[data-test=queue-search-button]")
    page.wait_for_url(re.compile(rf"[?&]q={order_no}"))


def _created_events(page):
    return page.locator("[data-test=timeline-event][data-action='order.created']")


def test_an_agent_imports_the_gbk_taobao_export_and_a_second_upload_updates_the_same_orders(page_for, live_app):
    page = page_for("en-US")
    agent = _log_in_as_agent(page, live_app)

    # The first upload: five orders created, the two bad rows listed by line with their reasons.
    report = _upload_export(page)
    _expect_counts(report, created=5, updated=0, failed=2)
    _expect_bad_rows(report)

    # A bad row saved nothing: its order cannot be found.
    _search_queue(page, BAD_ROWS[0][1])
    expect(page.locator("[data-test=queue-empty]")).to_be_visible()
    expect(page.locator("[data-test=queue-row]")).to_have_count(0)

    # A good one is in the queue with its recipient and province / city, and its page shows the export's data.
    _search_queue(page, PAID_ORDER)
    row = page.locator(f"[data-test=queue-row][data-order-no='{PAID_ORDER}']")
    expect(page.locator("[data-test=queue-row]")).to_have_count(1)
    expect(row).to_contain_text("李四")
    expect(row).to_contain_text("浙江省 杭州市")
    row.locator("[data-test=queue-order-link]").click()
    page.wait_for_url(f"**/orders/{PAID_ORDER}")
    expect(page.locator("[data-test=order-title] [data-test=order-status]")).to_have_text("paid")
    expect(page.locator("[data-test=order-buyer]")).to_contain_text("李四")
    expect(page.locator("[data-test=order-address]")).to_contain_text("李四")
    expect(page.locator("[data-test=address-text]")).to_have_text("浙江省 杭州市 西湖区 文三路 100 号 310000")
    expect(page.locator("[data-test=order-items]")).to_contain_text("羊毛围巾，针织手套")
    expect(page.locator("[data-test=order-money]")).to_contain_text("¥109.00")

    # The timeline shows the import, by the agent who uploaded the file.
    created = _created_events(page)
    expect(created).to_have_count(1)
    expect(created.locator("strong")).to_have_text("Order received")
    expect(created).to_contain_text(agent)

    # The same file again: the orders are updated, not created twice, and the bad rows are reported again.
    report = _upload_export(page)
    _expect_counts(report, created=0, updated=5, failed=2)
    _expect_bad_rows(report)
    page.goto(f"/orders/{PAID_ORDER}")
    expect(_created_events(page)).to_have_count(1)
    expect(page.locator("[data-test=timeline-event][data-action='order.updated']")).to_have_count(0)  # nothing changed
