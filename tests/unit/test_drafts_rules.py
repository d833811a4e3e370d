"""The pure parts of the suggested replies (shopcs.assistant.drafts): the buyer's language, which templates fill, the
bigram similarity, and the order templates are offered in. No app, no database."""
from dataclasses import dataclass

import pytest

from shopcs.assistant.drafts import (
    bigrams,
    category_tier,
    draft_language,
    fills,
    latest_buyer_message,
    message_language,
    rank_templates,
    similarity,
)
from shopcs.cases.replies.rules import DEFAULT_TEMPLATES, VARIABLES


@dataclass(frozen=True)
class Template:
    category: str | None
    title: str
    body: str
    id: int = 0


@dataclass(frozen=True)
class Event:
    kind: str
    body: str


FULL = {name: f"<{name}>" for name in VARIABLES}


@pytest.mark.parametrize("text, language", [
    ("我的快递到哪了？", "zh_CN"), ("Hi 在吗", "zh_CN"), ("Where is my parcel?", "en"), ("ＷＨＥＲＥ", "en"),
    ("123456", None), ("😀👍", None), ("", None),
])
def test_the_buyer_s_language_is_read_from_the_message_when_it_shows(text, language):
    assert message_language(text) == language


def test_a_message_that_does_not_show_its_language_takes_the_ui_s():
    assert draft_language("12345", "en") == "en" and draft_language("12345", "zh_CN") == "zh_CN"
    assert draft_language("Where is it?", "zh_CN") == "en" and draft_language("到哪了", "en") == "zh_CN"
    assert draft_language("👍", "fr") == "zh_CN"  # a language no template is written in: the first one


def test_a_template_fills_only_when_every_variable_it_uses_has_a_value():
    body = "运单号 {tracking_no}，{carrier}"
    assert fills(body, FULL)
    assert not fills(body, {**FULL, "tracking_no": ""}) and not fills(body, {**FULL, "carrier": "  "})
    assert fills(body, {**FULL, "refund_amount": ""})  # a variable it does not use may be empty
    assert fills("您好！价格 {{含税}}", {})  # literal braces are no variable
    assert not fills("{unknown}", FULL) and not fills("{order_no.__class__}", FULL)  # a refused template never fills


def test_bigrams_read_letters_and_digits_after_the_classifier_s_normalisation():
    assert bigrams("我的快递") == {"我的", "的快", "快递"}
    assert bigrams("Where is") == {"wh", "he", "er", "re", "ei", "is"}
    assert bigrams("单号 123，单号 45") == bigrams("单号0单号0")  # numbers read as "a number", punctuation dropped
    assert bigrams("！") == set() and bigrams("a") == set()


def test_similarity_is_the_dice_coefficient_of_the_bigrams():
    assert similarity("快递到哪了", "快递到哪了") == 1.0
    assert similarity("快递", "退款") == 0.0 and similarity("", "快递") == 0.0
    assert similarity("快递到了", "快递没到") == pytest.approx(2 * 1 / (3 + 3))  # {快递} shared
    assert similarity("where is my parcel", "your parcel is on its way") > similarity("where is my parcel", "refund made")


@pytest.mark.parametrize("category, tier", [("tracking", 0), ("claim", 1), (None, 2), ("payment", None)])
def test_the_suggested_category_comes_first_then_the_case_s_then_the_general_ones(category, tier):
    assert category_tier(category, "tracking", "claim") == tier


def test_without_a_suggestion_the_case_s_category_and_the_general_ones_are_offered():
    assert category_tier("claim", None, "claim") == 1 and category_tier(None, None, "claim") == 2
    assert category_tier("tracking", None, "claim") is None


def test_templates_are_ranked_by_category_then_by_similarity_then_by_title():
    templates = [
        Template(None, "问候", "您好，很高兴为您服务！", 1),
        Template("payment", "退款答复", "退款已经办理", 2),
        Template("tracking", "延误致歉", "抱歉，包裹延误了，我们在催促快递", 3),
        Template("tracking", "物流查询", "您的包裹已发出，快递单号 {tracking_no}，可凭单号查询物流", 4),
        Template("claim", "理赔受理", "理赔申请已收到", 5),
        Template("tracking", "A 答复", "无关的话", 6),
        Template("tracking", "B 答复", "无关的话", 7),
    ]
    ranked = rank_templates(templates, "我的快递单号是多少？查询物流", "tracking", "claim")
    assert [t.id for t in ranked] == [4, 3, 6, 7, 5, 1]  # the payment template is of neither category


def test_the_variables_names_do_not_count_as_words_of_the_template():
    tracking_words, other = Template(None, "T", "{tracking_no}", 1), Template(None, "T", "tracking", 2)
    assert [t.id for t in rank_templates([tracking_words, other], "tracking", None, None)] == [2, 1]


def test_the_latest_buyer_message_is_the_last_customer_message_else_the_first_one():
    events = [Event("customer_message", "第一条"), Event("reply", "您好"), Event("customer_message", "到哪了？"),
              Event("note", "内部"), Event("customer_message", "  ")]
    assert latest_buyer_message(events, "第一条") == "到哪了？"
    assert latest_buyer_message([Event("reply", "您好")], "开头的话") == "开头的话"
    assert latest_buyer_message([], "") == ""


def test_every_default_template_fills_for_a_case_that_has_every_value():
    assert all(fills(template.body, FULL) for template in DEFAULT_TEMPLATES)
