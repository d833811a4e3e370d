import re

import pytest

from shopcs import create_app
from shopcs.config import ConfigError

from ..builders import PASSWORD, make_user
from ..conftest import csrf_token_from, make_app

PUBLIC_ENDPOINTS = {"static", "auth.login", "web.healthz", "web.set_language", "optout.unsubscribe",
                    "web.favicon",  # browsers ask for it on the login page too
                    "openapi.openapi_json",  # the API description: its shape is public, every call still needs a token
                    "widget_script.script"}  # the storefront's chat script, loaded by any buyer's browser


def _sample_url(rule):
    values = {arg: ("1" if "id" in arg else "T0001") for arg in rule.arguments}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def test_healthz_answers_200_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert app.test_client().get("/healthz").status_code == 503


def test_the_app_refuses_to_start_in_production_with_the_default_or_no_secret_key(monkeypatch):
    monkeypatch.delenv("SHOPCS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("SHOPCS_SECRET_KEY", "dev-only-change-me")
    with pytest.raises(ConfigError):
        create_app()


def test_every_non_public_page_refuses_an_anonymous_visitor(sqlite_app):
    client = sqlite_app.test_client()
    checked = 0
    for rule in sqlite_app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_sample_url(rule), method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (method, rule.rule)
                assert response.json["error"]["code"] == "unauthorized"
            elif rule.rule.startswith("/webhooks/"):  # signed by the platform: refused unsigned, or switched off
                assert response.status_code in (401, 503), (method, rule.rule)
                assert response.json["error"]["code"] in ("unauthorized", "not_configured")
            elif rule.rule == "/widget/v1/conversations":  # the storefront's buyer starts one: public, limited
                assert response.status_code == 201, (method, rule.rule)
            elif rule.rule.startswith("/widget/"):  # the rest needs the conversation's token
                assert response.status_code == 401, (method, rule.rule)
            else:
                assert response.status_code in (302, 401), (method, rule.rule)
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"], (method, rule.rule)
            checked += 1
    assert checked >= 3


def test_every_post_form_refuses_a_missing_csrf_token(csrf_app):
    make_user("csrf-admin", role="admin")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "csrf-admin", "password": PASSWORD, "csrf_token": csrf_token_from(page)})
    checked = 0
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith(("/api/", "/webhooks/", "/widget/")):
            continue  # machine calls: a Bearer token, the platform's signature (tests/integration/test_webhooks_*) or
            # the storefront widget's conversation token (tests/integration/test_widget_hostile_input.py)
        if rule.endpoint == "web.set_language":
            continue  # back to the page, unchanged: test_an_expired_language_switch_changes_nothing_and_says_so
        response = client.post(_sample_url(rule), data={})
        assert response.status_code == 400, rule.rule
        assert "csrf" in response.get_data(as_text=True).lower() or "CSRF" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 3


def test_an_expired_language_switch_changes_nothing_and_says_so(csrf_app):
    make_user("csrf-agent", role="agent")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "csrf-agent", "password": PASSWORD, "csrf_token": csrf_token_from(page)})
    response = client.post("/lang/en", data={"next": "/cases/", "csrf_token": "expired"})
    assert response.status_code == 302 and response.headers["Location"] == "/cases/"
    after = client.get("/cases/").get_data(as_text=True)
    assert 'lang="zh-CN"' in after  # not switched
    assert "页面已过期" in after or "The page had expired" in after


def test_login_works(sqlite_app):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    assert client.post("/login", data={"username": "amy", "password": "wrong"}).status_code == 401
    assert client.post("/login", data={"username": "amy", "password": PASSWORD}).status_code == 302


def test_login_does_not_redirect_to_another_site(sqlite_app):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    response = client.post("/login?next=//evil.example/x", data={"username": "amy", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_a_user_changes_their_own_password(sqlite_app, login):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    login(client, "amy")
    bad = client.post("/account/password", data={"current": "nope", "new": "another password", "confirm": "another password"})
    assert bad.status_code == 200 and b"current password" in bad.data.lower() or "当前密码".encode() in bad.data
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "another password", "confirm": "another password"})
    assert ok.status_code == 302
    client.post("/logout")
    assert login(client, "amy", "another password").status_code == 302


def test_pages_carry_security_headers_and_a_strict_session_cookie(sqlite_app):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    response = client.post("/login", data={"username": "amy", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"


def test_a_missing_page_looks_like_the_app_in_both_languages(sqlite_app):
    client = sqlite_app.test_client()
    zh = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 404
    assert "ShopCS" in zh.get_data(as_text=True) and "There is nothing at this address" in en.get_data(as_text=True)


def test_the_language_switch_sticks_for_the_session(sqlite_app):
    client = sqlite_app.test_client()
    client.post("/lang/en", data={"next": "/login"})
    assert b"Log in" in client.get("/login", headers={"Accept-Language": "zh-CN"}).data


def test_a_browser_asking_for_favicon_ico_gets_the_svg_icon(sqlite_app):
    client = sqlite_app.test_client()
    asked = client.get("/favicon.ico")
    assert asked.status_code == 301 and asked.location.endswith("/static/favicon.svg")
    with client.get(asked.location) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
