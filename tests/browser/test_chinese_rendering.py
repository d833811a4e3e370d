"""The queue (and the refund-rate chart) in a Chinese browser: the UI text is Chinese, and the glyphs really
render (no tofu boxes)."""
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..builders import PASSWORD
from .conftest import ARTIFACTS, log_in, seed
from .test_report_flow import chart_points, seed_refund_history

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
QUEUE_ZH = "订单队列"  # "Order queue" in shopcs/translations/zh_CN/LC_MESSAGES/messages.po
ENGLISH_UI = ["Order queue", "Search", "Confirm address", "Ready to ship", "Log out", "Password"]
SPAN_ID = "glyph-probe"


def _assert_catalogue_compiled(live_app):
    folder = Path(live_app.config["BABEL_TRANSLATION_DIRECTORIES"]) / "zh_CN" / "LC_MESSAGES"
    compiled, source = folder / "messages.mo", folder / "messages.po"
    # it ships compiled; tests/unit/test_translations.py checks it says what messages.po says (a checkout's file
    # times say nothing about which was written last)
    assert compiled.exists() and source.exists(), "the Chinese catalogue is missing: run scripts/catalogue.sh"


def _queue_in_chinese(page_for, live_app):
    agent, order_no, _phone = seed(live_app, role="agent")
    page = page_for("zh-CN")
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    expect(page.locator(f"[data-test=queue-row][data-order-no='{order_no}']")).to_be_visible()
    return page


def _probe(page, text):
    """Put `text` into one fixed span on the page and return its screenshot and width in ems."""
    page.evaluate("""([id, text]) => {
        let span = document.getElementById(id);
        if (!span) {
            span = document.createElement("span");
            span.id = id;
            document.querySelector("main h1").after(span);
        }
        span.textContent = text;
    }""", [SPAN_ID, text])
    span = page.locator(f"#{SPAN_ID}")
    expect(span).to_have_text(text)
    ems = span.evaluate("s => s.getBoundingClientRect().width / parseFloat(getComputedStyle(s).fontSize)")
    return span.screenshot(animations="disabled"), ems


def test_the_order_queue_speaks_chinese_in_a_chinese_browser(page_for, live_app):
    _assert_catalogue_compiled(live_app)
    page = _queue_in_chinese(page_for, live_app)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("[data-test=lang-switch]")).to_have_text("English")  # the way back to English
    expect(page).to_have_title(re.compile(QUEUE_ZH))
    expect(page.locator("main h1")).to_have_text(QUEUE_ZH)
    for test_id in ("queue-search-button", "queue-tab-confirm", "queue-tab-ship", "queue-tab-refund"):
        assert CJK.search(page.locator(f"[data-test={test_id}]").inner_text()), f"{test_id} is not in Chinese"
    visible = page.locator("body").inner_text()
    leftovers = [text for text in ENGLISH_UI if text in visible]
    assert not leftovers, f"English UI text on the Chinese queue: {leftovers}"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = page.screenshot(path=ARTIFACTS / "queue-zh-CN.png", full_page=True, animations="disabled")
    assert len(shot) > 10_000


def test_chinese_glyphs_render_as_real_characters_not_tofu_boxes(page_for, live_app):
    """Without a CJK font every character is the same replacement box; with one, each has its own shape."""
    page = _queue_in_chinese(page_for, live_app)
    first, first_ems = _probe(page, "订单队列")
    second, second_ems = _probe(page, "退款审批")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "glyphs-1.png").write_bytes(first)
    (ARTIFACTS / "glyphs-2.png").write_bytes(second)
    assert first != second, "two different Chinese strings render identically: no CJK font (tofu boxes)"
    singles = {_probe(page, char)[0] for char in "订单退款发货"}
    assert len(singles) == 6, "some Chinese characters render as the same box: no CJK font"
    # A CJK glyph is one em wide: four characters take about four ems.
    assert 3.6 <= first_ems <= 4.4 and 3.6 <= second_ems <= 4.4, (first_ems, second_ems)


REFUND_RATE_ZH = "退款率"  # "Refund rate" in messages.po
ROLLING_ZH = "30 天退款率"  # "30-day refund rate"


def test_the_refund_rate_chart_draws_chinese_labels_with_real_glyphs(page_for, live_app):
    """The chart is a canvas: its text does not use the page's CSS fonts, so check it on its own."""
    operator, _skus, _lone = seed_refund_history(live_app, first_day=date(2025, 10, 1), days=45, sku_prefix="ZH")
    page = page_for("zh-CN")
    page.emulate_media(reduced_motion="reduce")  # drawn at once: a steady screenshot
    log_in(page, operator, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reports/refund-rate?start=2025-10-01&end=2025-11-14")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main h1")).to_have_text(REFUND_RATE_ZH)
    expect(page).to_have_title(re.compile(REFUND_RATE_ZH))
    assert chart_points(page) == 45
    ARTIFACTS.mkdir(exist_ok=True)
    shot = page.screenshot(path=ARTIFACTS / "refund-rate-zh-CN.png", full_page=True, animations="disabled")
    assert len(shot) > 10_000
    page.locator("[data-test=refund-chart]").screenshot(path=ARTIFACTS / "refund-rate-chart-zh-CN.png")

    drawn = page.evaluate("""() => {
        const canvas = document.querySelector("[data-test=refund-chart] canvas");
        const chart = Chart.getChart(canvas);
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0, blue = 0;
        for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0) inked++;
            if (pixels[i + 3] > 200 && pixels[i + 2] > 180 && pixels[i] < 90) blue++;  // the 30-day line
        }
        return {inked, blue, total: pixels.length / 4, legend: chart.legend.legendItems.map(item => item.text),
                x: chart.scales.x.options.title.text, y: chart.scales.y.options.title.text,
                font: Chart.helpers.toFont(chart.legend.options.labels.font).string};
    }""")
    assert drawn["legend"] == [ROLLING_ZH, "预警阈值（5.00%）", "每日退款率"], drawn["legend"]
    assert CJK.search(drawn["x"]) and CJK.search(drawn["y"]), (drawn["x"], drawn["y"])
    assert "Noto Sans CJK SC" in drawn["font"], drawn["font"]
    assert drawn["inked"] > drawn["total"] * 0.01, drawn  # lines, grid and labels, not a blank canvas
    assert drawn["blue"] > 200, drawn

    # The chart's own font, on a canvas: each character of its labels has its own shape, about one em wide.
    glyphs = page.evaluate("""([font, chars]) => {
        const canvas = document.createElement("canvas");
        canvas.width = 64; canvas.height = 64;
        const ctx = canvas.getContext("2d");
        ctx.font = font.replace(/\\d+px/, "40px");
        ctx.textBaseline = "top";
        return chars.map(char => {
            ctx.clearRect(0, 0, 64, 64);
            ctx.fillText(char, 4, 4);
            const data = ctx.getImageData(0, 0, 64, 64).data;
            let sum = 0;
            for (let i = 3; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 2147483647;
            return {sum, ems: ctx.measureText(char).width / 40};
        });
    }""", [drawn["font"], list("退款率天日期")])
    sums = {glyph["sum"] for glyph in glyphs}
    assert len(sums) == 6, "some Chinese characters draw as the same box on the chart's canvas: no CJK font"
    assert all(0.9 <= glyph["ems"] <= 1.1 for glyph in glyphs), glyphs


CASES_ZH = "客户工单"  # "Customer cases"
ENGLISH_CASE_UI = ["Customer cases", "New case", "Mine", "My team", "Unanswered", "left", "overdue", "Subject"]


def test_the_case_queue_and_a_case_speak_chinese_with_a_running_clock(page_for, live_app):
    from .test_case_flow import post_case, seed_people_and_order

    agent, _supervisor, token, order_no = seed_people_and_order(live_app)
    page = page_for("zh-CN")
    case = post_case(page, token, category="tracking", order_no=order_no, subject="快递到哪了", body="您好，我的快递到哪了？")
    log_in(page, agent, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/cases/?tab=team")
    expect(page.locator("main h1")).to_have_text(CASES_ZH)
    row = page.locator(f"[data-test=case-row][data-case-id='{case['id']}']")
    clock = row.locator("[data-test=case-clock]")
    expect(clock).to_be_visible()
    assert re.search(r"剩余|已超时", clock.inner_text()), clock.inner_text()  # "… left" / "overdue …" in Chinese
    visible = page.locator("main").inner_text()
    leftovers = [text for text in ENGLISH_CASE_UI if re.search(rf"\b{text}\b", visible)]
    assert not leftovers, f"English UI text on the Chinese case queue: {leftovers}"
    ARTIFACTS.mkdir(exist_ok=True)
    assert len(page.screenshot(path=ARTIFACTS / "cases-zh-CN.png", full_page=True, animations="disabled")) > 10_000
    row.locator("[data-test=case-link]").click()
    expect(page.locator("[data-test=reply-submit]")).to_contain_text(re.compile(CJK.pattern))
