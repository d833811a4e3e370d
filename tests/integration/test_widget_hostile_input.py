"""Hostile input on every widget endpoint, on SQLite and PostgreSQL: a clear 4xx, nothing written, never a 500."""
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select

from shopcs.conversations.widget_models import WidgetConversation
from shopcs.extensions import db

from ..case_builders import row_counts

SHOP = "https://shop.example.com"


@pytest.fixture
def app_config():
    return {"SHOPCS_WIDGET_ORIGINS": frozenset({SHOP})}


@pytest.fixture
def token(client):
    return client.post("/widget/v1/conversations").json["conversation_token"]


def _written():
    return {**row_counts(), "conversations": db.session.scalar(select(func.count()).select_from(WidgetConversation))}


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_body_larger_than_the_widget_takes_is_413(client, token):
    before = _written()
    raw = b'{"body": "' + b"x" * (70 * 1024) + b'"}'
    response = client.post("/widget/v1/messages", data=raw, headers={**_auth(token), "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert _written() == before


@pytest.mark.parametrize("raw, content_type, status", [
    (b'{"body": "hi"', "application/json", 400),  # cut off
    (b"body=hi", "application/x-www-form-urlencoded", 400),  # not JSON at all
    (b'["hi"]', "application/json", 422),  # JSON, but not an object
])
def test_a_body_that_is_not_a_json_object_is_refused(client, token, raw, content_type, status):
    before = _written()
    for path in ("/widget/v1/messages", "/widget/v1/identify", "/widget/v1/conversations"):
        response = client.post(path, data=raw, headers={**_auth(token), "Content-Type": content_type})
        assert response.status_code == status, path
        assert response.json["error"]["code"] in ("bad_request", "validation_error")
    assert _written() == before


@pytest.mark.parametrize("body", [None, "", "   ", 42, ["hi"], {"text": "hi"}, "x" * 5001, "nul\x00byte"])
def test_a_message_body_that_is_not_plain_text_of_5000_characters_at_most_is_422(client, token, body):
    before = _written()
    response = client.post("/widget/v1/messages", json={"body": body}, headers=_auth(token))
    assert response.status_code == 422 and "body" in response.json["error"]["fields"]
    assert _written() == before


@pytest.mark.parametrize("client_id", ["", "a" * 65, "has space", "<script>", 7])
def test_a_malformed_client_id_is_422(client, token, client_id):
    before = _written()
    response = client.post("/widget/v1/messages", json={"body": "hi", "client_id": client_id}, headers=_auth(token))
    assert response.status_code == 422 and "client_id" in response.json["error"]["fields"]
    assert _written() == before


def test_a_script_in_the_text_comes_back_as_the_same_json_string(client, token):
    hostile = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    assert client.post("/widget/v1/messages", json={"body": hostile}, headers=_auth(token)).status_code == 201
    response = client.get("/widget/v1/messages?after=0", headers=_auth(token))
    assert response.mimetype == "application/json"
    assert response.json["messages"][0]["body"] == hostile


def _forgeries(token, app):
    payload, _, signature = token.rpartition(".")
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="shopcs.unsubscribe").dumps(
        URLSafeSerializer(app.config["SECRET_KEY"], salt="x").loads_unsafe(token)[1])
    unknown_key = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="shopcs.widget.conversation").dumps("0" * 32)
    undated = URLSafeSerializer(app.config["SECRET_KEY"], salt="shopcs.widget.conversation").dumps(_key())
    return ["", "Bearer", "Bearer ", f"Basic {token}", f"Bearer {payload}.{signature[:-2]}AA", f"Bearer {payload}",
            f"Bearer x{token}", f"Bearer {other_salt}", f"Bearer {unknown_key}", f"Bearer {undated}", "Bearer " + "A" * 5000]


def _key() -> str:
    return db.session.scalar(select(WidgetConversation.key))


def _token_issued_days_ago(app, days: int, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda _signer: int(time.time()) - days * 86400)
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="shopcs.widget.conversation").dumps(_key())


def test_a_conversation_token_lives_30_days(app, client, token, monkeypatch):
    young, old = _token_issued_days_ago(app, 29, monkeypatch), _token_issued_days_ago(app, 31, monkeypatch)
    assert client.get("/widget/v1/messages?after=0", headers=_auth(young)).status_code == 200
    before = _written()
    for method, path, body in (("post", "/widget/v1/messages", {"body": "hi"}), ("get", "/widget/v1/messages", None),
                               ("post", "/widget/v1/identify", {"order_no": "T1", "phone_last4": "1234"})):
        response = getattr(client, method)(path, json=body, headers=_auth(old))
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized", path
    assert _written() == before


def test_a_forged_altered_or_unknown_token_is_401_on_every_endpoint(app, client, token):
    before = _written()
    for header in _forgeries(token, app):
        for method, path, body in (("post", "/widget/v1/messages", {"body": "hi"}), ("get", "/widget/v1/messages", None),
                                   ("post", "/widget/v1/identify", {"order_no": "T1", "phone_last4": "1234"})):
            response = getattr(client, method)(path, json=body, headers={"Authorization": header})
            assert response.status_code == 401, (header, path)
            assert response.json["error"]["code"] == "unauthorized"
    assert _written() == before


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "9" * 40, ""])
def test_a_bad_after_is_422(client, token, after):
    assert client.get(f"/widget/v1/messages?after={after}", headers=_auth(token)).status_code == 422


@pytest.mark.parametrize("order_no, last4", [(None, "1234"), ("", "1234"), ("T1", "12"), ("T1", "12345"), ("T1", 1234),
                                             ("T1", "abcd"), ("x" * 65, "1234"), (["T1"], "1234")])
def test_malformed_identify_fields_are_422(client, token, order_no, last4):
    before = _written()
    response = client.post("/widget/v1/identify", json={"order_no": order_no, "phone_last4": last4}, headers=_auth(token))
    assert response.status_code == 422
    assert _written() == before


def test_an_origin_not_allowed_is_403_and_nothing_is_written(client, token):
    before = _written()
    for origin in ("https://evil.example.com", "http://shop.example.com", "https://shop.example.com.evil.io", "null"):
        for method, path, body in (("post", "/widget/v1/conversations", {}), ("post", "/widget/v1/messages", {"body": "hi"}),
                                   ("options", "/widget/v1/messages", None)):
            response = getattr(client, method)(path, json=body, headers={**_auth(token), "Origin": origin})
            assert response.status_code == 403, (origin, path)
            assert "Access-Control-Allow-Origin" not in response.headers
    assert _written() == before


def test_the_allowed_origin_gets_a_preflight_answer_without_credentials(client):
    response = client.options("/widget/v1/messages", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type, Accept-Language"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("app_config", [{"SHOPCS_WIDGET_ORIGINS": frozenset()}])
def test_with_no_origins_configured_every_cross_origin_request_is_refused(client):
    assert client.post("/widget/v1/conversations", headers={"Origin": SHOP}).status_code == 403
    assert client.post("/widget/v1/conversations").status_code == 201  # no Origin: not a browser on another site
