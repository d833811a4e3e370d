"""The assistant's message sorting (shopcs/assistant): the model over character n-grams and the starter set it learns
from. No database; its quality on unseen messages is bench/assistant_bench.py's to measure."""
import json

import pytest

from shopcs.assistant.classify import CATEGORIES, Classifier, normalise
from shopcs.assistant.starter import read_examples, starter_examples

TINY = [
    ("我的快递到哪了", "tracking"), ("物流三天没动了", "tracking"), ("where is my parcel", "tracking"),
    ("退款还没到账", "payment"), ("钱扣了两次", "payment"), ("refund not received", "payment"),
    ("杯子碎了", "claim"), ("收到的货破损了", "claim"), ("the cup arrived broken", "claim"),
]


@pytest.fixture(scope="module")
def starter_model():
    return Classifier.train(starter_examples())


def test_normalising_reads_any_number_as_one_and_full_width_as_plain():
    assert normalise("SF1234567890 订单２０２６１２０７") == "sf0 订单0"
    assert normalise("ＡＢＣ Where") == "abc where"


def test_a_model_sorts_what_it_was_taught_and_ranks_every_other_category_behind():
    model = Classifier.train(TINY)
    suggestion = model.classify("快递到哪了？三天没动")
    assert suggestion.category == "tracking"
    assert set(model.categories) == {"tracking", "payment", "claim"}
    ranked = [suggestion.confidence, *(guess.confidence for guess in suggestion.alternatives)]
    assert ranked == sorted(ranked, reverse=True) and 0 <= ranked[-1] <= ranked[0] <= 1
    assert abs(sum(ranked) - 1) < 0.01
    assert {g.category for g in suggestion.alternatives} == {"payment", "claim"}


def test_training_is_repeatable():
    first, second = Classifier.train(TINY), Classifier.train(TINY)
    assert first.classify("退款什么时候到") == second.classify("退款什么时候到")


@pytest.mark.parametrize("examples, problem", [
    ([("hi", "gossip"), ("yo", "tracking")], "unknown category"),
    ([("  ", "tracking"), ("where", "tracking"), ("refund", "payment"), ("money", "payment")], "no text"),
    ([("where", "tracking"), ("parcel", "tracking")], "two categories"),
])
def test_training_refuses_what_it_cannot_learn_from(examples, problem):
    with pytest.raises(ValueError, match=problem):
        Classifier.train(examples)


def test_the_starter_set_covers_every_category_in_both_languages_without_duplicates():
    examples = starter_examples()
    texts = [text for text, _category in examples]
    assert len(texts) == len(set(texts))
    for category in CATEGORIES:
        of_it = [text for text, c in examples if c == category]
        chinese = [text for text in of_it if any("\u4e00" <= ch <= "\u9fff" for ch in text)]
        assert len(of_it) >= 100 and len(chinese) >= len(of_it) / 2 and len(of_it) - len(chinese) >= 20, category


def test_the_starter_model_sorts_plain_questions_in_chinese_and_english(starter_model):
    for text, category in [("请问我的包裹什么时候能到", "tracking"), ("退款一直没收到", "payment"),
                           ("收到的杯子碎了 怎么赔", "claim"), ("衣服小了想换大一码", "after_sales"),
                           ("这款有蓝色的吗", "pre_sale"), ("你们客服态度太差了 我要投诉", "complaint"),
                           ("my parcel hasn't moved in a week, where is it?", "tracking")]:
        assert starter_model.classify(text).category == category, text


def test_reading_examples_names_the_bad_line():
    good = json.dumps({"text": "在吗 快递到哪了", "category": "tracking"}, ensure_ascii=False)
    assert read_examples([good, "", good]) == [("在吗 快递到哪了", "tracking")] * 2
    for bad in ("{not json", json.dumps({"text": "x"}), json.dumps({"text": "", "category": "tracking"}),
                json.dumps({"text": "x", "category": "gossip"}), json.dumps(["x", "tracking"])):
        with pytest.raises(ValueError, match="line 2"):
            read_examples([good, bad])
