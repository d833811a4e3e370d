import pytest

from shopcs.auth.services import create_user
from shopcs.extensions import db

from ..builders import NOW, PASSWORD
from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_user(live_app):
    with live_app.app_context():
        create_user("browser-agent", "agent", PASSWORD, NOW)
        db.session.remove()
    return "browser-agent"


def test_an_agent_logs_in_and_out_in_a_real_browser(page_for, browser_user):
    page = page_for("en-US")
    log_in(page, browser_user, "wrong password")
    assert "Wrong user name or password" in page.content()
    log_in(page, browser_user, PASSWORD)
    page.wait_for_url("**/")
    assert "Order queue" in page.title()
    page.click("[data-test=menu-user] summary")
    page.click("text=Log out")
    page.wait_for_url("**/login")
