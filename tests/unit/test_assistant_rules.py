"""The unmistakable phrases that decide before the assistant's model (shopcs/assistant/rules.py). No database; whether
they pay is bench/assistant_rules_cv.py's to measure."""
import pytest

from shopcs.assistant.classify import RULE_CONFIDENCE, TEXT_MAX, Classifier
from shopcs.assistant.rules import RULES, compile_rules, read

TINY = [
    ("我的快递到哪了", "tracking"), ("物流三天没动了", "tracking"), ("where is my parcel", "tracking"),
    ("钱扣了两次", "payment"), ("refund not received", "payment"), ("退款什么时候到", "payment"),
    ("杯子碎了", "claim"), ("收到的货破损了", "claim"), ("the cup arrived broken", "claim"),
]


@pytest.mark.parametrize("text, category", [
    ("你们再不处理我就打12315", "complaint"),
    ("I will file a COMPLAINT with the platform", "complaint"),
    ("能开发票吗？要公司抬头的", "payment"),
    ("Could you send an ＩＮＶＯＩＣＥ for order #1043?", "payment"),
    ("水壶还在保修期吗", "after_sales"),
    ("发票开错了，客服还不理人，我要投诉", "complaint"),  # two categories' phrases: complaint comes first, as in LABELS.md
])
def test_an_unmistakable_phrase_decides_in_the_labelling_guides_order(text, category):
    assert read(text) == category


@pytest.mark.parametrize("text", ["我的快递到哪了", "订单号 1231500 还没发货", "where is my parcel", ""])
def test_without_such_a_phrase_no_rule_decides(text):
    assert read(text) is None  # a number that holds 12315 is not the consumer hotline


def test_a_rule_answers_with_its_fixed_confidence_and_the_model_ranks_the_rest():
    model = Classifier.train(TINY)  # knows no complaint
    suggestion = model.classify("物流三天没动了，我要投诉")
    assert (suggestion.category, suggestion.confidence) == ("complaint", RULE_CONFIDENCE)
    rest = [guess.confidence for guess in suggestion.alternatives]
    assert [g.category for g in suggestion.alternatives][0] == "tracking" and rest == sorted(rest, reverse=True)
    assert abs(sum(rest) - (1 - RULE_CONFIDENCE)) < 0.001
    assert model.without_rules().classify("物流三天没动了，我要投诉").category == "tracking"


def test_a_rule_for_a_category_the_model_knows_puts_it_first_once():
    suggestion = Classifier.train(TINY).classify("发票什么时候开")
    assert suggestion.category == "payment" and "payment" not in {g.category for g in suggestion.alternatives}
    assert len(suggestion.alternatives) == 2


def test_rules_read_no_further_than_the_model():
    model = Classifier.train(TINY, rules=RULES)
    assert model.classify("物流三天没动了 " + "。" * TEXT_MAX + " 投诉").category == "tracking"


def test_a_model_can_be_trained_with_other_rules_or_none():
    only_claims = compile_rules((("claim", ("破损",)),))
    assert Classifier.train(TINY, rules=only_claims).classify("破损，我要投诉").category == "claim"
    assert Classifier.train(TINY, rules=()).classify("发票").confidence < RULE_CONFIDENCE
