"""API errors follow Accept-Language (English when it names neither language); code and field paths never change."""
from shopcs.api_reasons import translated

from ..builders import make_order, make_token

BAD_ORDER = {"status": "teleported", "placed_at": "2026-03-04 10:00", "total": 1.5, "items": [],
             "customer": {"external_id": " x "}, "shipping_address": {"recipient": 5}}


def _put(client, language=None):
    token = getattr(client, "token", None) or make_token("shop")
    client.token = token
    headers = {"Authorization": f"Bearer {token}"}
    if language:
        headers["Accept-Language"] = language
    return client.put("/api/v1/orders/T-LANG", json=BAD_ORDER, headers=headers)


def test_the_same_bad_request_in_english_and_chinese_has_the_same_code_and_fields_and_a_chinese_message(sqlite_app):
    client = sqlite_app.test_client()
    english, chinese = _put(client, "en-US,en;q=0.9").json["error"], _put(client, "zh-CN,zh;q=0.9").json["error"]
    assert english["code"] == chinese["code"] == "validation_error"
    assert set(english["fields"]) == set(chinese["fields"]) and len(english["fields"]) >= 4
    assert english["message"] == "The order has invalid fields." and chinese["message"] == "订单中有字段不合要求。"
    assert english["fields"]["status"].startswith("must be one of ") and chinese["fields"]["status"].startswith("须为以下之一：")
    assert english["fields"]["shipping_address.recipient"] == "must be a string"
    assert chinese["fields"]["shipping_address.recipient"] == "须为字符串"
    assert "must" not in chinese["fields"]["items"] and "must" in english["fields"]["items"]


def test_an_api_client_that_names_no_language_gets_english_even_with_a_chinese_session_choice(sqlite_app):
    client = sqlite_app.test_client()
    client.post("/lang/zh_CN", data={"next": "/"})
    assert _put(client).json["error"]["message"] == "The order has invalid fields."
    assert _put(client, "fr-FR").json["error"]["message"] == "The order has invalid fields."


def test_errors_outside_validation_follow_the_language_too(sqlite_app):
    client = sqlite_app.test_client()
    zh = {"Accept-Language": "zh-CN"}
    assert client.get("/api/v1/orders/T1", headers=zh).json["error"] == {
        "code": "unauthorized", "message": "需要有效的 API 令牌：Authorization: Bearer <token>。", "fields": {}}
    make_order("T1")
    auth = {"Authorization": f"Bearer {make_token('shop')}"}
    not_json = client.post("/api/v1/orders/T1/refunds", data="{", headers={**auth, **zh, "Content-Type": "text/plain"})
    assert not_json.json["error"]["code"] == "bad_request" and "JSON" in not_json.json["error"]["message"]
    assert "请求体" in not_json.json["error"]["message"]
    missing = client.get("/api/v1/no-such-thing", headers=zh).json["error"]
    assert missing["code"] == "not_found" and missing["message"].startswith("服务器上没有这个地址")


def test_a_reason_with_a_value_is_translated_with_its_value(sqlite_app):
    with sqlite_app.test_request_context("/api/v1/x", headers={"Accept-Language": "zh-CN"}):
        assert translated("must be at most 100 characters") == "最多 100 个字符"
        assert translated("must be a whole number from 1 to 200") == "须为 1 到 200 之间的整数"
        assert translated("must be one of paid, shipped") == "须为以下之一：paid, shipped"
        assert translated("The order is paid; it cannot go back to unpaid.") == translated(
            "The order is paid; it cannot go back to unpaid.")
        assert "已付款" in translated("The order is paid; it cannot go back to unpaid.")
        assert translated("Something only a person wrote") == "Something only a person wrote"  # unknown: as written
    with sqlite_app.test_request_context("/api/v1/x", headers={"Accept-Language": "en"}):
        assert translated("must be at most 100 characters") == "must be at most 100 characters"


def test_the_widget_and_message_api_give_their_field_reasons_in_chinese(sqlite_app):
    client = sqlite_app.test_client()
    zh = {"Accept-Language": "zh-CN"}
    token = client.post("/widget/v1/conversations", headers=zh).json["conversation_token"]
    widget = {**zh, "Authorization": f"Bearer {token}"}
    reasons = {
        **client.post("/widget/v1/messages", json={"body": "hi", "client_id": "has space"}, headers=widget).json["error"]["fields"],
        **client.post("/widget/v1/identify", json={"order_no": "T1", "phone_last4": "12"}, headers=widget).json["error"]["fields"],
        **client.get("/widget/v1/messages?after=x", headers=widget).json["error"]["fields"],
    }
    api = {**zh, "Authorization": f"Bearer {make_token('chat')}"}
    reasons |= client.post("/api/v1/messages", json={"channel": "chat", "external_id": "m1", "body": "hi",
                                                     "received_at": "2999-01-01T00:00:00+08:00"}, headers=api).json["error"]["fields"]
    assert set(reasons) == {"client_id", "phone_last4", "after", "received_at", "customer"}, reasons
    for field, reason in reasons.items():
        assert not any(word in reason for word in ("must", "is required", "digits")), (field, reason)
    assert reasons["phone_last4"] == "须为 4 位数字" and reasons["customer"] == "没有 order_no 时必填"
