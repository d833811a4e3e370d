"""Sessions can be revoked (issue 21), on both databases: a session cookie saved before a logout, a password change,
an admin's reset, a deactivation or a role change no longer opens a page, on any device; a normal request keeps the
session. The CSRF token changes at login and logout and expires; cookies are Secure unless switched off."""
import pytest
from flask import g
from flask_login.utils import encode_cookie
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from shopcs.auth.models import User
from shopcs.auth.services import end_sessions
from shopcs.config import CSRF_TOKEN_HOURS
from shopcs.extensions import db

from ..builders import PASSWORD, client_as, make_user
from ..conftest import csrf_token_from

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "amy-own-pass-2"


def _fresh_request():
    """The tests share one app context (and its g): forget the previous request's user and form token."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def _get(client, path):
    _fresh_request()
    return client.get(path, headers=EN)


def _post(client, path, data=None):
    _fresh_request()
    return client.post(path, data=data or {}, headers=EN)


def _opens(client) -> bool:
    response = _get(client, "/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _copy(app, client):
    """A second browser holding the first one's session cookie, as saved before the change."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _version(name) -> int:
    db.session.expire_all()
    return db.session.scalar(select(User.session_version).where(User.username == name))


@pytest.fixture
def amy(app, login):
    make_user("amy")
    client = app.test_client()
    login(client, "amy")
    return client


def test_a_cookie_saved_before_logout_no_longer_opens_a_page(app, amy):
    saved = _copy(app, amy)
    assert _opens(saved)
    assert _post(amy, "/logout").headers["Location"].endswith("/login")
    assert not _opens(amy) and not _opens(saved)
    assert _get(saved, "/").headers["Location"].startswith("/login")


def test_logging_out_on_one_device_ends_the_other_devices_sessions(app, amy, login):
    phone = app.test_client()
    login(phone, "amy")
    _post(amy, "/logout")
    assert not _opens(phone)
    login(phone, "amy")
    assert _opens(phone)


def test_a_password_change_ends_every_other_session_and_keeps_the_one_that_made_it(app, amy):
    saved = _copy(app, amy)
    done = _post(amy, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert not _opens(saved)
    assert _opens(amy)


def test_an_admin_s_reset_ends_every_session_of_the_account(app, amy, login):
    admin = client_as(app, login, "admin")
    saved = _copy(app, amy)
    amy_id = db.session.scalar(select(User.id).where(User.username == "amy"))
    assert _post(admin, f"/accounts/{amy_id}/password", {"password": "temp-pass-123", "confirm": "temp-pass-123"}).status_code == 302
    for client in (amy, saved):
        assert _get(client, "/").headers["Location"].startswith("/login")
    assert _get(admin, "/").status_code == 200


def test_a_deactivated_account_s_saved_cookie_stays_ended_after_reactivation(app, amy, login):
    admin = client_as(app, login, "admin")
    saved = _copy(app, amy)
    amy_id = db.session.scalar(select(User.id).where(User.username == "amy"))
    _post(admin, f"/accounts/{amy_id}/deactivate")
    assert not _opens(saved)
    _post(admin, f"/accounts/{amy_id}/reactivate")
    assert not _opens(saved) and not _opens(amy)
    login(amy, "amy")
    assert _opens(amy)


def test_a_role_change_ends_the_account_s_sessions_and_a_name_change_does_not(app, amy, login):
    admin = client_as(app, login, "admin")
    amy_id = db.session.scalar(select(User.id).where(User.username == "amy"))
    _post(admin, f"/accounts/{amy_id}", {"display_name": "Amy Wang", "role": "agent"})
    assert _version("amy") == 0 and _opens(amy)
    _post(admin, f"/accounts/{amy_id}", {"display_name": "Amy Wang", "role": "supervisor"})
    assert _version("amy") == 1 and not _opens(amy)


def test_the_session_keeps_its_version_through_normal_requests(app, amy):
    for path in ("/", "/cases/", "/account/password", "/"):
        assert _get(amy, path).status_code == 200, path
    with amy.session_transaction() as session:
        user_id = db.session.scalar(select(User.id).where(User.username == "amy"))
        assert session["_user_id"] == f"{user_id}:0"
    assert _version("amy") == 0


def test_session_cookies_are_secure_by_default(app, login):
    make_user("bo")
    g.pop("_login_user", None)
    response = login(app.test_client(), "bo")
    assert response.status_code == 302
    # the session cookie among them (a login also clears any remember cookie: Flask-Login's strong session protection)
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "; Secure" in session_cookie and app.config["REMEMBER_COOKIE_SECURE"]


def _csrf_raw(client) -> str:
    with client.session_transaction() as session:
        return session["csrf_token"]


def test_the_csrf_token_is_a_new_one_after_login_and_after_logout(csrf_app):
    make_user("amy")
    client = csrf_app.test_client()
    before = csrf_token_from(_get(client, "/login").get_data(as_text=True))
    raw_before = _csrf_raw(client)
    assert _post(client, "/login", {"username": "amy", "password": PASSWORD, "csrf_token": before}).status_code == 302
    page = _get(client, "/account/password").get_data(as_text=True)
    assert _csrf_raw(client) != raw_before
    refused = _post(client, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                  "csrf_token": before})
    assert refused.status_code == 400  # the logged-out page's token does not serve the logged-in session
    raw_logged_in = _csrf_raw(client)
    assert _post(client, "/logout", {"csrf_token": csrf_token_from(page)}).status_code == 302
    _get(client, "/login")
    assert _csrf_raw(client) not in (raw_before, raw_logged_in)


@pytest.fixture
def later(monkeypatch):
    """later(seconds): from now on itsdangerous signs and checks as if that much time had passed."""
    real = TimestampSigner.get_timestamp

    def move(seconds):
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + seconds)

    return move


def test_an_expired_login_form_opens_again_with_a_clear_message_in_both_languages(csrf_app, later):
    make_user("amy")
    client = csrf_app.test_client()
    token = csrf_token_from(_get(client, "/login").get_data(as_text=True))
    later(CSRF_TOKEN_HOURS * 3600 + 60)
    response = _post(client, "/login", {"username": "amy", "password": PASSWORD, "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The login page had expired. Please log in again." in html
    assert 'name="password"' in html and 'value="amy"' in html
    fresh = csrf_token_from(html)
    assert _post(client, "/login", {"username": "amy", "password": PASSWORD, "csrf_token": fresh}).status_code == 302
    _fresh_request()
    chinese = csrf_app.test_client()
    chinese.get("/login")
    _fresh_request()
    zh = chinese.post("/login", data={"username": "amy", "csrf_token": token}, headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 400 and "登录页面已过期，请重新登录。" in zh.get_data(as_text=True)


def test_an_expired_form_token_is_refused_with_the_reload_message(csrf_app, later):
    make_user("amy")
    client = csrf_app.test_client()
    token = csrf_token_from(_get(client, "/login").get_data(as_text=True))
    _post(client, "/login", {"username": "amy", "password": PASSWORD, "csrf_token": token})
    form_token = csrf_token_from(_get(client, "/account/password").get_data(as_text=True))
    later(CSRF_TOKEN_HOURS * 3600 - 60)
    assert _post(client, "/account/password", {"csrf_token": form_token}).status_code == 200  # still valid: the form's errors
    later(CSRF_TOKEN_HOURS * 3600 + 60)
    refused = _post(client, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                  "csrf_token": form_token})
    assert refused.status_code == 400
    assert "The form had expired or was not sent from ShopCS. Please go back, reload and try again." in refused.get_data(as_text=True)
    assert _version("amy") == 0  # nothing changed


def test_a_remember_me_cookie_obeys_the_session_version_too(app):
    """No page sets one today; if one ever does, Flask-Login keeps get_id() in it, so an ended session stays ended."""
    amy = make_user("amy")
    remembered = app.test_client()
    remembered.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), encode_cookie(amy.get_id()))
    assert _opens(remembered)
    end_sessions(amy)
    db.session.commit()
    stale = app.test_client()
    stale.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), encode_cookie(f"{amy.id}:0"))
    assert not _opens(stale)
