"""Every page every role may open, in both languages, at 1366x768 and 390x844: no sideways scrolling, the top bar on
one row, no English in the Chinese UI, no Chinese in the English UI's menus, tabs, labels and buttons, no console
errors. A screenshot of each is kept under test-artifacts/pages/ for a person to read.

The pages come from the app's GET routes (tests/page_catalogue.py); ids from the demo data. One browser context per
role, language and width keeps the whole file within a few minutes.
"""
import re

import pytest
from babel.numbers import get_currency_symbol, list_currencies

from shopcs.orders.shipping import CARRIERS

from ..page_catalogue import LOGINS, PASSWORD, ROLES, pages, seed_demo
from .conftest import ARTIFACTS, TIMEOUT_MS, log_in

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
WIDTHS = {1366: 768, 390: 844}
TOP_BAR_ONE_ROW = 60  # px: the bar is 52 px high on one row
# at 390 px these must not scroll sideways (agents answer on a phone); the other pages are screenshotted for a person
PHONE_PAGES = {"orders.queue", "orders.order_page", "cases.queue", "cases.case_page"}

# The letters of a currency's symbol as Chinese writes it (US$, JP¥, HK$; not a bare code): an amount abroad
CURRENCY_SYMBOL_WORDS = {word for code in list_currencies() if (symbol := get_currency_symbol(code, locale="zh_CN")) != code
                         for word in re.findall(r"[A-Za-z]{2,}", symbol)}
# Latin words the Chinese UI may show: names of products, formats, keys, carriers and the language switch
ALLOWED_WORDS = {*(word for code, carrier in CARRIERS.items() if code != "OTHER" for word in carrier.name_en.split()),
    *CURRENCY_SYMBOL_WORDS,
    "GBK", "Alt", "Ctrl", "Esc", "Enter", "Tab",
    "ShopCS", "CSV", "API", "Shopify", "WooCommerce", "JSON", "SKU", "URL", "HTTP", "HTTPS", "Webhook", "Webhooks",
    "OpenAPI", "HMAC", "Bearer", "IMAP", "SMTP", "ERP", "ID", "English", "SF", "ZTO", "YTO", "STO", "EMS", "JD", "Yunda",
    "YUNDA", "UTC", "GET", "POST", "PUT", "CNY", "USD", "EUR", "JPY", "Chart", "js", "MiB",
    "KiB", "KB", "MB", "QQ", "IM", "Excel", "UTF", "BOM", "YYYY", "MM", "DD", "HH", "PNG", "JPEG", "WebP", "GIF",
}

# The API page describes a machine interface: its headers, commands and JSON names are what a developer types
API_VOCABULARY = {"Authorization", "Bearer", "flask", "api-token", "create", "error", "fields", "code", "message", "null",
                  "json", "openapi", "Idempotency-Key", "Location", "token", "ISO", "key", "application", "true", "false",
                  "error.fields", "external_id", "order_no", "unpaid", "paid", "shipped", "completed", "cancelled", "closed",
                  "per_page", "updated_since", "page", "start", "end", "status", "kind", "by", "day", "customer", "channel",
                  "case_created", "suggested_category", "confidence", "province", "district", "detail", "CN", "KWD",
                  "FEDEX"}

# Visible Latin words of the page, outside user data: <code>, <pre>, form fields and anything marked
# translate="no" (order numbers, SKUs, e-mails, product titles) are skipped; a token with a digit or an @ is data.
_WORDS_JS = """() => {
  const skip = el => el.closest('script, style, code, pre, textarea, input, select, [translate="no"]');
  const words = new Set();
  const take = text => {
    for (const token of text.split(/[^A-Za-z0-9@._'’-]+/)) {
      const word = token.replace(/^[-.'’_]+|[-.'’_]+$/g, '');
      if (/[A-Za-z]{2,}/.test(word) && !/[0-9@]/.test(word)) words.add(word);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && !skip(node.parentElement)) take(node.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], option, button[value]')) {
    if (el.closest('[translate="no"]')) continue;
    for (const name of ['placeholder', 'title', 'aria-label']) take(el.getAttribute(name) || '');
    if (el.tagName === 'OPTION') take(el.textContent);
  }
  take(document.title);
  return [...words];
}"""


# In the English UI its fixed parts (menus, tabs, headings of columns, labels, buttons) carry no Chinese; the rest
# of an English page may show the shop's data, which is mostly Chinese
_CHINESE_CHROME_JS = """() => [...document.querySelectorAll('nav, th, label, button, summary, legend, .tabs a')]
  .filter(el => !el.closest('[translate="no"], select, textarea'))
  .map(el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join(' ').trim())
  .filter(text => /[\\u4e00-\\u9fff]/.test(text))"""


# Chinese names the English UI may show: the Taobao seller back office's own menus, as the seller sees them
CHINESE_NAMES = ("千牛", "卖家中心")


def _unnamed(text: str) -> str:
    for name in CHINESE_NAMES:
        text = text.replace(name, "")
    return text


def _english_words(words: list[str], endpoint: str) -> list[str]:
    def allowed(word):
        parts = re.split(r"[-.'’_]", word)
        return (all(part in ALLOWED_WORDS or len(part) < 2 for part in parts)
                or endpoint == "api_docs.api_docs" and word in API_VOCABULARY)

    return sorted(word for word in words if not allowed(word))


@pytest.fixture(scope="module")
def role_pages():
    """{role: the pages it may open}, found by the first context of each role and reused by the other three."""
    return {}


@pytest.fixture(scope="module")
def site(live_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    samples = seed_demo(live_app)
    found, unfilled = pages(live_app, samples)
    assert not unfilled, "add a sample for these routes' arguments to tests/page_catalogue.seed_demo"
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_speaks_the_users_language(browser, live_server, site, role_pages, role, locale, width):
    context = browser.new_context(locale=locale, base_url=live_server, viewport={"width": width, "height": WIDTHS[width]})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems, opened = [], []
    try:
        log_in(page, LOGINS[role], PASSWORD)
        page.wait_for_url("**/")
        if role not in role_pages:
            role_pages[role] = [target for target in site if _is_page_for(page, target)]
        for target in role_pages[role]:
            errors.clear()
            page.goto(target.url)
            opened.append(target.endpoint)
            problems.extend(_check(page, target, role, locale, width, errors))
    finally:
        context.close()
    assert len(opened) >= 5, opened
    assert not problems, "\n".join(problems)


def _is_page_for(page, target) -> bool:
    """The role may open it and it is a page (not a 403, a redirect or a download)."""
    response = page.request.get(target.url, max_redirects=0)
    return response.status == 200 and "text/html" in response.headers.get("content-type", "")


def _check(page, target, role, locale, width, errors) -> list[str]:
    lang = "zh" if locale == "zh-CN" else "en"
    page.screenshot(path=str(SHOTS / f"{role}-{lang}-{width}-{target.name}.png"), full_page=True)
    found = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 400 and page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height") > TOP_BAR_ONE_ROW:
        found.append(f"{target.url}: the top bar takes more than one row at {width}")
    phone_page = target.endpoint in PHONE_PAGES
    if scroll_width > width and (width > 400 or phone_page):
        found.append(f"{target.url}: {scroll_width} px wide at {width}")
    if lang == "zh":
        if words := _english_words(page.evaluate(_WORDS_JS), target.endpoint):
            found.append(f"{target.url}: English in the Chinese UI: {', '.join(words)}")
    elif chinese := [text for text in page.evaluate(_CHINESE_CHROME_JS) if re.search(r"[\u4e00-\u9fff]", _unnamed(text))]:
        found.append(f"{target.url}: Chinese in the English UI: {', '.join(sorted(set(chinese)))}")
    found.extend(f"{target.url}: console: {error}" for error in errors)
    return found


def test_the_top_bar_menus_open_by_keyboard_and_fold_behind_one_button_on_a_phone(browser, live_server, site):
    context = browser.new_context(locale="en-US", base_url=live_server, viewport={"width": 1366, "height": 768})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, LOGINS["supervisor"], PASSWORD)
        page.wait_for_url("**/")
        import_link = page.locator("[data-test=nav-imports]")
        assert not import_link.is_visible()
        page.focus("[data-test=menu-orders] summary")
        page.keyboard.press("Enter")
        assert import_link.is_visible()
        page.keyboard.press("Escape")
        assert not import_link.is_visible()

        page.set_viewport_size({"width": 390, "height": 844})
        assert not page.locator("[data-test=menu-orders]").is_visible()
        page.click("[data-test=topbar-button]")
        page.click("[data-test=menu-orders] summary")
        import_link.click()
        page.wait_for_url("**/imports/orders")
    finally:
        context.close()
