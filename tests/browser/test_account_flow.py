"""An admin creates an account in the browser, resets its password, and the person must choose their own."""
import re
import uuid

import pytest

from ..builders import PASSWORD, make_user
from .conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_name(live_app):
    with live_app.app_context():
        name = make_user(f"admin-{uuid.uuid4().hex[:6]}", role="admin").username
    return name


def test_an_admin_creates_and_resets_an_account_and_the_person_must_change_the_password(page_for, admin_name):
    admin = page_for("en-US")
    log_in(admin, admin_name, PASSWORD)
    admin.click("[data-test=menu-settings] summary")
    admin.click("[data-test=nav-accounts]")
    admin.click("[data-test=account-new]")
    newcomer = f"new-{uuid.uuid4().hex[:6]}"
    admin.fill("[data-test=account-username]", newcomer)
    admin.fill("[data-test=account-display-name]", "王小明")
    admin.select_option("[data-test=account-role]", "after_sales")
    admin.click("[data-test=account-create]")
    generated = admin.inner_text("[data-test=account-generated-password]")
    assert re.fullmatch(r"[\w]{4}-[\w]{4}-[\w]{4}-[\w]{2}", generated)
    admin.click("[data-test=account-back]")

    admin.click("[data-test=account-reset-link]")
    admin.fill("[data-test=account-password]", "temporary-pass-1")
    admin.fill("[data-test=account-confirm]", "temporary-pass-1")
    admin.click("[data-test=account-reset]")
    assert "is reset" in admin.inner_text(".flash")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "account-flow-admin.png"), full_page=True)

    person = page_for("zh-CN")
    log_in(person, newcomer, generated)
    assert "用户名或密码错误" in person.content()  # the reset replaced the generated password
    log_in(person, newcomer, "temporary-pass-1")
    person.wait_for_url("**/account/password")
    assert person.is_visible("[data-test=password-forced]")
    person.goto("/cases/")
    assert person.url.endswith("/account/password")
    person.screenshot(path=str(ARTIFACTS / "account-flow-forced-change.png"), full_page=True)
    person.fill("input[name=current]", "temporary-pass-1")
    person.fill("input[name=new]", "my-own-password")
    person.fill("input[name=confirm]", "my-own-password")
    person.click("button[type=submit].primary")
    person.wait_for_url(re.compile(r".*/$"))
    person.goto("/cases/")
    assert person.url.endswith("/cases/")
