"""An operator opens the dashboard and the refund-rate page: the chart draws (and redraws for another range), a product row
opens the orders behind it, and the product CSV downloads with its BOM — with no script error or CSP violation."""
import json
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shopcs.extensions import db
from shopcs.orders.models import Refund

from ..builders import PASSWORD, make_order, make_user
from .conftest import log_in, unique_order_no

pytestmark = pytest.mark.browser

FIRST_DAY = date(2025, 5, 1)  # shop-local days; far from the other browser tests' orders (March 2026)
DAYS = 60
PRODUCT_CSV_HEADER = "sku,title,paid_orders,refunded_orders,rate,paid_amount_CNY,refunded_amount_CNY"  # one column per currency


def _at_noon_in_shanghai(day: date) -> datetime:
    return datetime.combine(day, time(4, 0), tzinfo=timezone.utc)  # 12:00 in Asia/Shanghai, the same day


def seed_refund_history(live_app, first_day=FIRST_DAY, days=DAYS, sku_prefix="RR"):
    """An operator, and over `days` days two paid orders a day with some completed refunds (every third
    day none is paid, so that the daily rate has gaps). One order, paid on the last day, carries a SKU of its
    own and is refunded: it is the one row behind that product. Returns (username, skus, lone_order_no).
    The orders are `completed`, so that they stay out of the agents' queue that other browser tests read
    (the queue is paid orders, oldest first, 50 a page); the report counts them by when they were paid."""
    tag = uuid.uuid4().hex[:6].upper()
    sku, lone_sku = f"{sku_prefix}-{tag}", f"{sku_prefix}-{tag}-ONE"
    lone_order_no = unique_order_no("RL")
    with live_app.app_context():
        username = make_user(role="operator").username
        refunds = []
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            if offset % 3 == 2:
                continue
            for n in range(2):
                paid_at = _at_noon_in_shanghai(day) + timedelta(minutes=n)
                order = make_order(order_no=unique_order_no("RR"), sku=sku, title="羊毛围巾 图表", total="120.00",
                                   status="completed", placed_at=paid_at - timedelta(minutes=5), paid_at=paid_at, commit=False)
                if (offset + n) % 4 == 0:
                    refunds.append((order, paid_at + timedelta(hours=3)))
        last_day = _at_noon_in_shanghai(first_day + timedelta(days=days - 1))
        lone = make_order(order_no=lone_order_no, sku=lone_sku, title="真丝围巾", total="80.00", status="completed",
                          placed_at=last_day - timedelta(minutes=5), paid_at=last_day, commit=False)
        refunds.append((lone, last_day + timedelta(hours=1)))
        db.session.flush()
        db.session.add_all(
            Refund(order_id=order.id, amount=order.total, reason="quality", status="completed",
                   requested_by="user:amy", decided_by="user:amy", requested_at=done - timedelta(hours=1),
                   approved_at=done - timedelta(minutes=30), completed_at=done)
            for order, done in refunds)
        db.session.commit()
        db.session.remove()
    return username, (sku, lone_sku), lone_order_no


def watch_for_errors(page):
    """Console errors (a CSP violation is one) and uncaught exceptions, collected as they happen. The app has
    no favicon: Chromium's own request for one, and its 404, are not the page's doing."""
    problems = []

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return problems


def chart_points(page) -> int:
    chart = page.locator("[data-test=refund-chart]")
    expect(chart).to_have_attribute("data-chart-ready", "1")
    return int(chart.get_attribute("data-points"))


def test_an_operator_reads_the_refund_rate_chart_follows_a_product_and_exports_it(page_for, live_app, tmp_path):
    operator, (sku, lone_sku), lone_order_no = seed_refund_history(live_app)
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    page = page_for()
    problems = watch_for_errors(page)
    log_in(page, operator, PASSWORD)
    page.wait_for_url("**/")

    # The dashboard: its trend chart redraws for a range chosen with the form, and its headline leads to the report.
    short_start = last_day - timedelta(days=9)
    page.goto(f"/reports/?start={FIRST_DAY.isoformat()}&end={last_day.isoformat()}")
    assert chart_points(page) == DAYS
    page.fill("[data-test=range-start]", short_start.isoformat())
    page.fill("[data-test=range-end]", last_day.isoformat())
    page.click("[data-test=range-apply]")
    page.wait_for_url(f"**/reports/?start={short_start.isoformat()}&end={last_day.isoformat()}")
    assert chart_points(page) == 10
    page.click("[data-test=headline-refund] h2 a")
    page.wait_for_url(f"**/reports/refund-rate?start={short_start.isoformat()}&end={last_day.isoformat()}")
    assert chart_points(page) == 10

    page.goto(f"/reports/refund-rate?start={FIRST_DAY.isoformat()}&end={last_day.isoformat()}")
    assert chart_points(page) == DAYS
    assert page.locator("[data-test=day-row]").count() == DAYS  # the table stays as the accessible figures
    canvas = page.locator("[data-test=refund-chart] canvas")
    expect(canvas).to_have_attribute("role", "img")
    assert last_day.isoformat() in canvas.get_attribute("aria-label")
    box = canvas.bounding_box()
    assert box["width"] > 600 and 250 <= box["height"] <= 300, box  # the card's width, the fixed height
    series = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector("[data-test=refund-chart] canvas"));
        return chart.data.datasets.map(d => d.data);
    }""")
    rolling, daily, threshold = series
    assert len(rolling) == len(daily) == len(threshold) == DAYS
    assert daily[2] is None and rolling[2] is not None  # nothing paid that day: a gap, while the 30 days have a rate
    assert set(threshold) == {5.0}  # the alert threshold (5% by default), drawn across the chart
    # The axis follows the 30-day rate and the threshold; each day's own rate (50% on some days) starts hidden.
    y_max = float(page.locator("[data-test=refund-chart]").get_attribute("data-y-max"))
    assert max(r for r in rolling if r is not None) < y_max < max(d for d in daily if d is not None), (y_max, rolling)
    hidden = page.evaluate("""() => Chart.getChart(document.querySelector("[data-test=refund-chart] canvas"))
        .data.datasets.map((d, i) => !Chart.getChart(document.querySelector("[data-test=refund-chart] canvas")).isDatasetVisible(i))""")
    assert hidden == [False, True, False]
    tick = page.evaluate("""() => Chart.getChart(document.querySelector("[data-test=refund-chart] canvas"))
        .scales.y.options.ticks.callback(3.75)""")
    assert tick == "3.75%"

    # A shorter range, chosen with the form: the chart is drawn again with 10 points.
    page.fill("[data-test=range-start]", short_start.isoformat())
    page.fill("[data-test=range-end]", last_day.isoformat())
    page.click("[data-test=range-apply]")
    page.wait_for_url(f"**/reports/refund-rate?start={short_start.isoformat()}&end={last_day.isoformat()}")
    assert chart_points(page) == 10
    assert page.locator("[data-test=day-row]").count() == 10
    report_url = page.url

    # The product row opens the orders behind it.
    lone_row = page.locator(f"[data-test=product-row][data-sku='{lone_sku}']")
    expect(lone_row).to_be_visible()
    lone_row.locator("[data-test=behind-sku]").click()
    page.wait_for_url("**/reports/refund-rate/orders?**")
    expect(page.locator(f"[data-test=behind-order][data-order-no='{lone_order_no}']")).to_be_visible()
    expect(page.locator("main")).to_contain_text(lone_order_no)

    # Back on the report, the product table downloads as CSV that Excel opens in UTF-8.
    page.go_back()
    page.wait_for_url(report_url)
    assert chart_points(page) == 10
    with page.expect_download() as info:
        page.click("[data-test=export-product-csv]")
    download = info.value
    assert download.suggested_filename == (
        f"refund-rate-by-product-{short_start.isoformat()}-{last_day.isoformat()}.csv")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == PRODUCT_CSV_HEADER
    assert any(line.startswith(f"{sku},羊毛围巾 图表,") for line in lines[1:]), lines
    assert any(line.startswith(f"{lone_sku},真丝围巾,1,1,") for line in lines[1:]), lines

    assert problems == [], problems


def test_the_chart_draws_without_animation_when_the_user_prefers_reduced_motion(page_for, live_app):
    operator, _skus, _lone = seed_refund_history(live_app, first_day=date(2025, 8, 1), days=20, sku_prefix="RM")
    page = page_for()
    problems = watch_for_errors(page)
    page.emulate_media(reduced_motion="reduce")
    log_in(page, operator, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reports/refund-rate?start=2025-08-01&end=2025-08-20")
    assert chart_points(page) == 20
    animation = page.evaluate("""() => Chart.getChart(document.querySelector("[data-test=refund-chart] canvas"))
        .options.animation""")
    assert animation is False
    assert problems == [], problems


def test_the_rates_in_the_chart_data_are_percent_and_match_the_table(page_for, live_app):
    operator, _skus, _lone = seed_refund_history(live_app, first_day=date(2025, 9, 1), days=6, sku_prefix="RP")
    page = page_for()
    log_in(page, operator, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reports/refund-rate?start=2025-09-01&end=2025-09-06")
    assert chart_points(page) == 6
    data = json.loads(page.locator("#refund-rate-chart-data").text_content())
    assert data["labels"] == [f"2025-09-0{n}" for n in range(1, 7)]
    table = {row.locator("td").nth(0).inner_text(): row.locator("td").nth(3).inner_text()
             for row in page.locator("[data-test=day-row]").all()}
    for day, rate in zip(data["labels"], data["daily"], strict=True):
        assert table[day] == ("—" if rate is None else f"{Decimal(str(rate)):.2f}%"), (day, rate, table[day])
