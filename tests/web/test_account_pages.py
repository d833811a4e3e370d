"""/accounts: admins list, create, change, deactivate and reset accounts in the browser; nobody else may; a reset
user sees only the password page until they have chosen their own, a deactivated one is logged out at once."""
import re

import pytest
from flask import g
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.auth.models import User
from shopcs.extensions import db

from ..builders import PASSWORD, client_as, make_user
from ..conftest import csrf_token_from

EN = {"Accept-Language": "en"}
ROLES_BUT_ADMIN = ("agent", "after_sales", "shipping", "supervisor", "operator")


def _get(client, path, **kwargs):
    g.pop("_login_user", None)  # the tests share one app context: let Flask-Login load this client's user
    return client.get(path, headers=EN, **kwargs)


def _post(client, path, data=None, **kwargs):
    g.pop("_login_user", None)
    return client.post(path, data=data or {}, headers=EN, **kwargs)


def _user(name) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == name))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _cells(html: str, username: str) -> dict[str, str]:
    """The list's row of `username`: its cells' texts by column."""
    row = html[html.index(f'data-username="{username}"'):].split("</tr>")[0]
    return {label: re.sub(r"<[^>]+>|\s+", " ", text).strip()
            for label, text in re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S)}


def _logged_in(app, login, name, password=PASSWORD):
    client = app.test_client()
    login(client, name, password)
    return client


@pytest.fixture
def admin(sqlite_app, login):
    return client_as(sqlite_app, login, "admin")


def test_every_role_but_admin_gets_403_on_every_accounts_page(sqlite_app, login):
    amy = make_user("amy")
    paths = ("/accounts", "/accounts/new", f"/accounts/{amy.id}", f"/accounts/{amy.id}/password",
             f"/accounts/{amy.id}/deactivate", f"/accounts/{amy.id}/reactivate")
    for role in ROLES_BUT_ADMIN:
        client = client_as(sqlite_app, login, role)
        for path in paths:
            assert _get(client, path).status_code == 403, (role, path)
            if path != "/accounts":
                assert _post(client, path, {"role": "admin", "password": "x" * 12}).status_code == 403, (role, path)
        assert 'data-test="nav-accounts"' not in _get(client, "/").get_data(as_text=True)
    assert _user("amy").role == "agent" and _actions() == []


def test_the_admin_s_menu_links_the_accounts_list(admin):
    html = _get(admin, "/").get_data(as_text=True)
    assert re.search(r'<a href="/accounts" data-test="nav-accounts">Accounts</a>', html)


def test_the_list_shows_each_account_with_its_role_state_and_times_filtered_and_paged(sqlite_app, admin, login):
    make_user("amy", role="after_sales").display_name = "Amy Wang"
    make_user("bo", role="shipping").active = False
    db.session.commit()
    login(sqlite_app.test_client(), "amy")
    html = _get(admin, "/accounts").get_data(as_text=True)
    assert html.count('data-test="account-row"') == 3 and "3 accounts." in html
    amy, bo = _cells(html, "amy"), _cells(html, "bo")
    assert (amy["Display name"], amy["Role"], amy["Created"]) == ("Amy Wang", "after_sales", "2026-03-04 10:00")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", amy["Last login"]) and "Active" in amy["State"]
    assert bo["Last login"] == "—" and bo["Display name"] == "—" and "Deactivated" in bo["State"]
    shipping = _get(admin, "/accounts?role=shipping&state=inactive").get_data(as_text=True)
    assert shipping.count('data-test="account-row"') == 1 and "1 account." in shipping
    assert _get(admin, "/accounts?role=boss&state=x&page=99").status_code == 200


def test_an_admin_creates_an_account_with_a_generated_password_shown_once(sqlite_app, admin, login):
    response = _post(admin, "/accounts/new", {"username": "wang", "display_name": "王小明", "role": "agent"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'data-test="account-generated-password">([^<]+)<', html).group(1)
    user = _user("wang")
    assert (user.display_name, user.role, user.must_change_password) == ("王小明", "agent", True)
    assert password not in _get(admin, f"/accounts/{user.id}").get_data(as_text=True)
    assert "account.created" in _actions()
    newcomer = _logged_in(sqlite_app, login, "wang", password)
    assert _get(newcomer, "/").headers["Location"].endswith("/account/password")


def test_an_admin_may_choose_the_first_password_and_lands_on_the_account(admin):
    response = _post(admin, "/accounts/new", {"username": "li", "role": "shipping", "password": "chosen-pass-1",
                                              "confirm": "chosen-pass-1"})
    assert response.status_code == 302 and response.headers["Location"] == f"/accounts/{_user('li').id}"
    assert "account-generated-password" not in _get(admin, response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("data, field, message", [
    ({"username": "two words", "role": "agent"}, "username", "letters, digits"),
    ({"username": "", "role": "agent"}, "username", "This field is required"),
    ({"username": "li", "role": "boss"}, "role", "Unknown role"),
    ({"username": "li", "role": "agent", "password": "short", "confirm": "short"}, "password", "at least 8 characters"),
    ({"username": "li", "role": "agent", "password": "long-enough-1", "confirm": "other-one-22"}, "confirm", "differ"),
    ({"username": "li", "role": "agent", "display_name": "x" * 101}, "display_name", "100 characters"),
])
def test_a_wrong_new_account_comes_back_with_the_error_at_its_field_and_nothing_saved(admin, data, field, message):
    response = _post(admin, "/accounts/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-test="error-{field}"' in html and message in html
    assert _user("li") is None and _user("two words") is None


def test_every_field_s_problem_is_shown_at_once(admin):
    html = _post(admin, "/accounts/new", {"username": "bad name", "role": "agent", "password": "short"}).get_data(as_text=True)
    assert all(f'data-test="error-{field}"' in html for field in ("username", "password", "confirm"))


def test_a_taken_user_name_is_refused_at_its_field(admin):
    make_user("amy")
    html = _post(admin, "/accounts/new", {"username": "amy", "role": "agent"}).get_data(as_text=True)
    assert 'data-test="error-username"' in html and "already exists" in html


def test_an_admin_changes_role_and_display_name_and_the_audit_page_names_the_change(sqlite_app, admin, login):
    amy = make_user("amy")
    agent = _logged_in(sqlite_app, login, "amy")
    assert _get(agent, "/accounts").status_code == 403
    response = _post(admin, f"/accounts/{amy.id}", {"display_name": "Amy W", "role": "admin"})
    assert response.status_code == 302
    assert (_user("amy").role, _user("amy").display_name) == ("admin", "Amy W")
    assert "/login" in _get(agent, "/accounts").headers["Location"]  # the role change ended amy's sessions
    login(agent, "amy")
    assert _get(agent, "/accounts").status_code == 200  # with the new role
    audit = _get(admin, "/audit?action=account").get_data(as_text=True)
    assert "Account changed" in audit and "<code class=\"muted\">account.updated</code>" in audit


def test_an_admin_cannot_demote_themselves_and_is_told_so(admin):
    me = _user("admin")
    html = _get(admin, f"/accounts/{me.id}").get_data(as_text=True)
    assert "You cannot change your own role." in html and "account-deactivate-link" not in html
    response = _post(admin, f"/accounts/{me.id}", {"display_name": "Root", "role": "agent"})
    assert 'data-test="error-role"' in response.get_data(as_text=True) and _user("admin").role == "admin"
    _post(admin, f"/accounts/{me.id}/deactivate")
    assert _user("admin").active and "account.deactivated" not in _actions()


def test_deactivating_asks_first_and_logs_the_account_out_on_its_next_request(sqlite_app, admin, login):
    amy = make_user("amy")
    agent = _logged_in(sqlite_app, login, "amy")
    assert _get(agent, "/").status_code == 200
    confirm = _get(admin, f"/accounts/{amy.id}/deactivate").get_data(as_text=True)
    assert "Deactivate amy?" in confirm and 'data-test="account-confirm-button"' in confirm and _user("amy").active
    assert _post(admin, f"/accounts/{amy.id}/deactivate").status_code == 302
    assert not _user("amy").active
    assert "/login" in _get(agent, "/").headers["Location"]
    assert "Reactivate amy?" in _get(admin, f"/accounts/{amy.id}/reactivate").get_data(as_text=True)
    _post(admin, f"/accounts/{amy.id}/reactivate")
    assert _user("amy").active and _actions() == ["account.deactivated", "account.reactivated"]


def test_a_reset_user_is_led_to_the_password_page_from_every_page_until_they_choose_their_own(sqlite_app, admin, login):
    amy = make_user("amy")
    agent = _logged_in(sqlite_app, login, "amy")
    response = _post(admin, f"/accounts/{amy.id}/password", {"password": "temp-pass-123", "confirm": "temp-pass-123"})
    assert response.status_code == 302 and _actions() == ["account.password_reset"]
    assert "/login" in _get(agent, "/").headers["Location"]  # the reset ended amy's sessions
    login(agent, "amy", "temp-pass-123")
    for path in ("/", "/cases", "/orders/T0001", "/worklog"):
        assert _get(agent, path).headers["Location"].endswith("/account/password"), path
    assert _post(agent, "/cases/new").headers["Location"].endswith("/account/password")
    page = _get(agent, "/account/password").get_data(as_text=True)
    assert 'data-test="password-forced"' in page
    same = _post(agent, "/account/password", {"current": "temp-pass-123", "new": "temp-pass-123", "confirm": "temp-pass-123"})
    assert "different from the current one" in same.get_data(as_text=True)
    done = _post(agent, "/account/password", {"current": "temp-pass-123", "new": "amy-own-pass", "confirm": "amy-own-pass"})
    assert done.status_code == 302 and _get(agent, "/").status_code == 200
    assert not _user("amy").must_change_password


def test_a_generated_reset_password_is_shown_once_and_logs_in(sqlite_app, admin, login):
    amy = make_user("amy")
    html = _post(admin, f"/accounts/{amy.id}/password", {}).get_data(as_text=True)
    password = re.search(r'data-test="account-generated-password">([^<]+)<', html).group(1)
    assert _get(_logged_in(sqlite_app, login, "amy", password), "/").headers["Location"].endswith("/account/password")


def test_an_unknown_account_is_404(admin):
    for path in ("/accounts/999999", "/accounts/999999/password", "/accounts/999999/deactivate"):
        assert _get(admin, path).status_code == 404


def test_the_accounts_pages_are_chinese_for_a_chinese_browser(sqlite_app, login):
    amy = make_user("amy")
    admin = client_as(sqlite_app, login, "admin")
    for path in ("/accounts", "/accounts/new", f"/accounts/{amy.id}", f"/accounts/{amy.id}/password",
                 f"/accounts/{amy.id}/deactivate"):
        g.pop("_login_user", None)
        html = admin.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        visible = re.sub(r"<[^>]+>|&[a-z]+;", " ", html.split("<main>")[1])
        words = set(re.findall(r"[A-Za-z]{3,}", visible)) - {"amy", "admin", "agent", "ShopCS"}
        assert words == set(), (path, words)
    g.pop("_login_user", None)
    assert "账号管理" in admin.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_the_accounts_forms_refuse_a_missing_csrf_token(csrf_app):
    make_user("csrf-admin", role="admin")
    amy = make_user("amy")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "csrf-admin", "password": PASSWORD, "csrf_token": csrf_token_from(page)})
    for path in ("/accounts/new", f"/accounts/{amy.id}", f"/accounts/{amy.id}/password", f"/accounts/{amy.id}/deactivate"):
        assert _post(client, path, {"username": "x1", "role": "admin"}).status_code == 400, path
    assert _user("amy").active and _user("amy").role == "agent" and _user("x1") is None
