"""The queue in a Chinese browser: the UI text is Chinese, and the glyphs really render (no tofu boxes)."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..builders import PASSWORD
from .conftest import ARTIFACTS, log_in, seed

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
QUEUE_ZH = "订单队列"  # "Order queue" in shopcs/translations/zh_CN/LC_MESSAGES/messages.po
ENGLISH_UI = ["Order queue", "Search", "Confirm address", "Ready to ship", "Log out", "Password"]
SPAN_ID = "glyph-probe"


def _assert_catalogue_compiled(live_app):
    folder = Path(live_app.config["BABEL_TRANSLATION_DIRECTORIES"]) / "zh_CN" / "LC_MESSAGES"
    compiled, source = folder / "messages.mo", folder / "messages.po"
    assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, (
        "the Chinese catalogue is not compiled or older than messages.po: run scripts/install.sh "
        "(or .venv/bin/pybabel compile -d shopcs/translations)")


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
