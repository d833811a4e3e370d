"""POST /api/v1/assistant/classify: the assistant's category for a text, behind the API token, described in OpenAPI."""
import pytest

from shopcs.assistant.classify import CATEGORIES

from ..builders import make_token


@pytest.fixture
def post(sqlite_app):
    client = sqlite_app.test_client()
    headers = {"Authorization": f"Bearer {make_token('chat-bot')}"}
    return lambda body, **extra: client.post("/api/v1/assistant/classify", json=body, headers={**headers, **extra})


def test_a_text_gets_its_category_its_confidence_and_every_other_category_ranked(post):
    answer = post({"text": "亲 我的快递到哪了？三天没更新了"})
    assert answer.status_code == 200
    body = answer.json
    assert body["category"] == "tracking" and 0 < body["confidence"] <= 1
    ranked = [body["confidence"], *(a["confidence"] for a in body["alternatives"])]
    assert ranked == sorted(ranked, reverse=True)
    assert {body["category"], *(a["category"] for a in body["alternatives"])} == set(CATEGORIES)
    assert post({"text": "The mug arrived smashed, can you send a new one?"}).json["category"] == "claim"


def test_the_same_text_gets_the_same_answer(post):
    assert post({"text": "退款什么时候到账"}).json == post({"text": "退款什么时候到账"}).json


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": 5}, {"text": "x" * 5001}, {"txt": "hi"}])
def test_a_missing_empty_or_overlong_text_is_422_naming_the_field(post, body):
    answer = post(body)
    assert answer.status_code == 422 and answer.json["error"]["code"] == "validation_error"
    assert set(answer.json["error"]["fields"]) & {"text", "txt"}


def test_without_a_token_it_is_401(sqlite_app):
    answer = sqlite_app.test_client().post("/api/v1/assistant/classify", json={"text": "在吗"})
    assert answer.status_code == 401


def test_it_is_in_the_api_description(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/assistant/classify"]["post"]
    assert operation["tags"] == ["Assistant"] and "200" in operation["responses"]
