"""The storefront chat widget end to end: a shop's page on another origin (another port) embeds widget.js with its one
script tag; the buyer opens the widget and writes; an agent logged into ShopCS finds the case and replies; the buyer
sees the reply in the widget, and its outbox row says it was delivered — on SQLite and PostgreSQL. The host page's
hostile CSS does not reach the widget, the widget adds no globals, and no console error or CSP violation happens on
either side."""
import copy
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from shopcs.actor import Actor
from shopcs.cases.models import Case
from shopcs.cases.settings import load_sla_settings, save_sla_settings
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import local_date, utcnow

from ..builders import PASSWORD, make_order, make_user
from ..conftest import _url_for, make_app
from .conftest import ARTIFACTS, TIMEOUT_MS, log_in, unique_mobile, unique_order_no
from .test_report_flow import watch_for_errors

pytestmark = pytest.mark.browser

# The host page fights the widget: every element red, serif, lime buttons. None of it may show inside the widget.
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<style>*{{color:red!important;font-family:serif!important}}button{{background:lime!important}}div{{border:3px dotted red}}</style>
</head><body><h1>{title}</h1><p>{text}</p>{script}</body></html>"""
TEXTS = {"zh": ("羊毛围巾小店", "冬季新品上架。"), "en": ("The Scarf Shop", "New winter scarves are in.")}
# Playwright reaches into open shadow roots only: the test opens the widget's (closed in production) to read it.
OPEN_SHADOW = "const attach = Element.prototype.attachShadow;" \
              "Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: 'open'}); };"
BLUE = "rgb(31, 111, 235)"


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(params=["sqlite", "postgresql"])
def shopcs(request, live_app, live_server, database_urls, _schemas):
    """(app, url) of a live ShopCS: the browser tests' SQLite one, or one like it on PostgreSQL."""
    if request.param == "sqlite":
        yield live_app, live_server
        return
    url = _url_for("postgresql", database_urls)
    app = make_app(url, WTF_CSRF_ENABLED=True, TESTING=False, DEBUG=False, SESSION_COOKIE_SECURE=False,
                   SHOPCS_LOGIN_LIMIT_PER_ADDRESS="10000 per minute")
    with app.app_context():
        if url not in _schemas:
            db.drop_all()
            db.create_all()
            _schemas.add(url)
        db.session.remove()
    server, thread = _serve(app)
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def open_page(browser):
    """open_page(base_url, locale): a fresh browser context (own cookies, own storage) on that ShopCS."""
    contexts = []

    def opened(base_url, locale="en-US"):
        context = browser.new_context(locale=locale, base_url=base_url, viewport={"width": 1366, "height": 900},
                                      timezone_id="Asia/Shanghai")  # the buyers' clocks: "back at" in their time
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield opened
    for context in contexts:
        context.close()


@pytest.fixture
def storefront(shopcs):
    """The shop's own site on another port: /zh, /en (with the widget) and /bare (without), allowed as an origin."""
    live_app, live_server = shopcs
    class Shop(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            lang = self.path.strip("/")
            if lang not in ("zh", "en", "bare"):
                self.send_error(404)
                return
            title, text = TEXTS["en" if lang == "bare" else lang]
            script = "" if lang == "bare" else f'<script src="{live_server}/widget.js" async></script>'
            body = PAGE.format(lang="zh-CN" if lang == "zh" else "en", title=title, text=text, script=script).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    before = live_app.config["SHOPCS_WIDGET_ORIGINS"]
    live_app.config["SHOPCS_WIDGET_ORIGINS"] = frozenset({origin})
    yield origin
    live_app.config["SHOPCS_WIDGET_ORIGINS"] = before
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def buyer_page(open_page, storefront, lang):
    page = open_page(storefront, "zh-CN" if lang == "zh" else "en-US")
    page.add_init_script(OPEN_SHADOW)
    problems = watch_for_errors(page)
    page.goto(f"{storefront}/{lang}")
    return page, problems


def open_widget(page):
    launch = page.locator("[data-shopcs-widget] .launch")
    expect(launch).to_be_visible()
    launch.click()
    expect(page.locator("[data-shopcs-widget] .panel")).to_be_visible()


def write(page, text):
    page.locator("[data-shopcs-widget] textarea").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator("[data-shopcs-widget] .msg.customer", has_text=text)).to_be_visible()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))


def test_a_buyer_writes_in_the_widget_on_the_shops_site_and_reads_the_agents_reply(open_page, shopcs, storefront):
    live_app, live_server = shopcs
    database = live_app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+", 1)[0]
    with live_app.app_context():
        agent = make_user(role="agent").username
        db.session.remove()
    bare = open_page(storefront)
    bare.goto(f"{storefront}/bare")
    globals_without = set(bare.evaluate("Object.keys(window)"))

    buyer, buyer_problems = buyer_page(open_page, storefront, "zh")
    open_widget(buyer)
    assert buyer.locator("[data-shopcs-widget] .launch").evaluate("b => getComputedStyle(b).backgroundColor") == BLUE
    assert buyer.locator("[data-shopcs-widget] .title").evaluate("t => getComputedStyle(t).color") == "rgb(255, 255, 255)"
    question = '围巾什么时候发货？<b>急</b>'
    write(buyer, question)
    assert set(buyer.evaluate("Object.keys(window)")) == globals_without  # no globals

    with live_app.app_context():
        case = db.session.scalars(select(Case).where(Case.body == question)).one()
        case_id, customer = case.id, case.customer.external_id
        db.session.remove()
    assert customer.startswith("widget:")

    staff = open_page(live_server)
    staff_problems = watch_for_errors(staff)
    log_in(staff, agent, PASSWORD)
    staff.wait_for_url("**/")
    staff.goto("/cases/?tab=team")
    staff.locator(f"[data-test=case-row][data-case-id='{case_id}'] [data-test=case-link]").click()
    staff.wait_for_url(f"**/cases/{case_id}")
    expect(staff.locator("[data-test=case-event][data-kind=customer_message]", has_text=question)).to_be_visible()
    answer = "您好，今天下午发货。<i>谢谢</i>"
    staff.fill("#reply-body", answer)
    staff.click("[data-test=reply-submit]")
    expect(staff.locator("[data-test=case-event][data-kind=reply]")).to_have_count(1)
    staff.screenshot(path=str(ARTIFACTS / f"widget-agent-case-{database}.png"), full_page=True)

    expect(buyer.locator("[data-shopcs-widget] .msg.agent", has_text=answer)).to_be_visible()  # the widget polls
    with live_app.app_context():
        status = db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.channel == "widget")
                                   .order_by(OutboxMessage.id.desc()).limit(1))
        db.session.remove()
    assert status == "delivered"
    screenshot(buyer, f"widget-zh-{database}")

    # Out of hours, in English: the buyer is told the message is received and when the team is back; they name
    # their order with the last 4 digits of its phone, and the case links to it.
    with live_app.app_context():
        order = make_order(order_no=unique_order_no("WG"), phone=unique_mobile())
        order_no, last4 = order.order_no, order.phone[-4:]
        settings = load_sla_settings().as_json()
        closed = copy.deepcopy(settings)
        tomorrow = (local_date(utcnow(), live_app.config["SHOPCS_TIMEZONE"]).weekday() + 1) % 7
        closed["targets"]["chat"].update(weekdays=[tomorrow], opens="09:00", closes="18:00")
        save_sla_settings(closed, Actor.system(), utcnow())
        db.session.remove()
    try:
        english, english_problems = buyer_page(open_page, storefront, "en")
        open_widget(english)
        expect(english.locator("[data-shopcs-widget] .title")).to_have_text("Customer service")
        write(english, "Do you ship to Hong Kong?")
        expect(english.locator("[data-shopcs-widget] .msg.note", has_text="We are away right now")).to_be_visible()
    finally:
        with live_app.app_context():
            save_sla_settings(settings, Actor.system(), utcnow())
            db.session.remove()
    english.locator("[data-shopcs-widget] .who summary").click()
    english.locator("[data-shopcs-widget] input[name=order]").fill(order_no)
    english.locator("[data-shopcs-widget] input[name=last4]").fill(last4)
    english.locator("[data-shopcs-widget] .link").click()
    expect(english.locator("[data-shopcs-widget] .msg.note", has_text="Order linked")).to_be_visible()
    with live_app.app_context():
        linked = db.session.scalars(select(Case).where(Case.body == "Do you ship to Hong Kong?")).one()
        assert linked.order.order_no == order_no
        db.session.remove()
    screenshot(english, f"widget-en-{database}")
    assert buyer_problems == staff_problems == english_problems == []
