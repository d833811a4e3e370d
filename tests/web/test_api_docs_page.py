"""The API page: for logged-in people only, every described operation on it with its fields, in both languages."""
import html as html_lib

from flask import g

from shopcs.apischema.document import openapi_document

from ..builders import make_user


def _client(app, login, role, lang=None):
    g.pop("_login_user", None)  # the tests share one app context; drop Flask-Login's cached user
    user = make_user(f"{role}-api", role=role)
    client = app.test_client()
    login(client, user.username)
    if lang:
        client.post(f"/lang/{lang}")
    return client


def _page(client) -> str:
    response = client.get("/api-docs")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def test_the_api_page_needs_a_login(sqlite_app):
    response = sqlite_app.test_client().get("/api-docs")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_api_page_shows_every_operation_with_method_path_and_summary(sqlite_app, login):
    page = _page(_client(sqlite_app, login, "admin", "en"))
    with sqlite_app.test_request_context(headers={"Accept-Language": "en"}):
        document = openapi_document(sqlite_app)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f'data-method="{method.upper()}" data-path="{path}"' in page, (method, path)
            assert operation["summary"] in page
    assert page.count('data-test="api-operation"') == sum(len(m) for m in document["paths"].values())


def test_the_order_body_is_shown_field_by_field_with_its_limits(sqlite_app, login):
    page = _page(_client(sqlite_app, login, "operator", "en"))
    for path in ("items[].unit_price", "customer.external_id", "shipping_address.city", "paid_at"):
        assert f'data-path="{path}"' in page
    assert "at most 100 characters" in page and "1 to 500 items" in page
    assert "one of unpaid, paid, shipped" in page.replace("<code>", "").replace("</code>", "")
    assert "Idempotency-Key" in page and "422" in page and "validation_error" in page


def test_the_api_page_speaks_chinese_when_asked(sqlite_app, login):
    page = _page(_client(sqlite_app, login, "supervisor", "zh_CN"))
    assert 'lang="zh-CN"' in page and 'data-path="/api/v1/orders/{order_no}"' in page


def test_admins_and_operators_find_the_page_in_the_navigation(sqlite_app, login):
    assert 'data-test="nav-api"' in _client(sqlite_app, login, "operator", "en").get("/api-docs").get_data(as_text=True)
    assert 'data-test="nav-api"' not in _client(sqlite_app, login, "agent", "en").get("/api-docs").get_data(as_text=True)
