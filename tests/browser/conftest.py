"""A live ShopCS server (SQLite file, CSRF on) in a thread, and headless Debian Chromium via Playwright."""
import itertools
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from shopcs.extensions import db

from ..builders import make_order, make_user
from ..conftest import make_app
from ..databases import in_ci

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 10_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # git-ignored
_phone_seq = itertools.count(1000)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "browser.sqlite3")
    # plain http on 127.0.0.1, as the demo: cookies without the Secure flag (SHOPCS_SECURE_COOKIES=0)
    # one address (127.0.0.1) plays a whole team logging in all day: the shop behind one NAT raises its limit so
    app = make_app(url, WTF_CSRF_ENABLED=True, TESTING=False, DEBUG=False, SESSION_COOKIE_SECURE=False,
                   SHOPCS_LOGIN_LIMIT_PER_ADDRESS="10000 per minute")
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        if in_ci():
            pytest.fail("Debian's chromium is required for browser tests under CI", pytrace=False)
        pytest.skip("chromium not installed")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(locale) opens a fresh browser context (own cookies) in that UI language."""
    contexts = []

    def open_page(locale="en-US"):
        context = browser.new_context(locale=locale, base_url=live_server, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username, password):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")


def unique_order_no(prefix="BR") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12].upper()}"


def unique_mobile() -> str:
    """A valid mainland mobile number, unique in this run, that masks as 138****5678."""
    return f"138{next(_phone_seq):04d}5678"


def seed(live_app, role="agent", **order_fields):
    """A user of `role` and one order in the live server's database; returns (username, order_no, phone)."""
    order_fields.setdefault("order_no", unique_order_no())
    order_fields.setdefault("phone", unique_mobile())
    with live_app.app_context():
        username = make_user(role=role).username
        make_order(**order_fields)
        db.session.remove()
    return username, order_fields["order_no"], order_fields["phone"]
