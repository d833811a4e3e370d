"""How a new conversation takes its category from the assistant's reading, and the order numbers a message names:
pure rules, no database."""
import pytest

from shopcs.cases.rules import CATEGORIES, TriageSettings, category_for_new_case, parse_triage
from shopcs.conversations.order_link import MAX_CANDIDATES, order_numbers_in
from shopcs.errors import Invalid


def test_a_sure_suggestion_is_taken_and_an_unsure_one_gives_the_teams_default():
    settings = TriageSettings(min_confidence=60, default_category="after_sales")
    assert category_for_new_case("tracking", 0.60, settings) == "tracking"
    assert category_for_new_case("tracking", 0.5999, settings) == "after_sales"
    assert category_for_new_case("claim", 1.0, TriageSettings(min_confidence=100)) == "claim"
    assert category_for_new_case("claim", 0.99, TriageSettings(min_confidence=100)) == "pre_sale"
    assert category_for_new_case("claim", 0.0, TriageSettings(min_confidence=0)) == "claim"  # 0: always the assistant's


def test_an_unknown_suggestion_never_becomes_a_category():
    assert category_for_new_case("spam", 0.99, TriageSettings()) == "pre_sale"


@pytest.mark.parametrize("values", [
    {"min_confidence": "75", "default_category": "payment", "auto_answer": "on"},
    {"min_confidence": 75, "default_category": "payment", "auto_answer": True},
    {"min_confidence": 75, "default_category": "payment"},  # stored before the auto answer: on, its default
])
def test_settings_from_a_form_or_the_stored_json(values):
    assert parse_triage(values) == TriageSettings(75, "payment", True)
    assert parse_triage(TriageSettings(75, "payment", False).as_json()) == TriageSettings(75, "payment", False)


def test_every_bad_setting_is_named():
    with pytest.raises(Invalid) as caught:
        parse_triage({"min_confidence": "101", "default_category": "spam", "auto_answer": "maybe"})
    assert set(caught.value.fields) == {"min_confidence", "default_category", "auto_answer"}
    for bad in ("-1", "6.5", "", "１０", None):
        with pytest.raises(Invalid):
            parse_triage({"min_confidence": bad, "default_category": CATEGORIES[0]})


def test_order_numbers_are_the_words_with_a_digit():
    assert order_numbers_in("订单号 T20261111001 还没发货，另一个 TB-2026_77 呢？") == ["T20261111001", "TB-2026_77"]
    assert order_numbers_in("where is order 1234567?? and 1234567 again") == ["1234567"]
    assert order_numbers_in("hello there, no numbers; 123 too short") == []
    assert order_numbers_in("全角的 Ｔ２０２６１２０１ 也算") == ["T20261201"]
    assert order_numbers_in("") == [] and order_numbers_in(None) == []


def test_a_message_full_of_numbers_is_not_searched_for_all_of_them():
    assert len(order_numbers_in(" ".join(f"N{i:06d}" for i in range(100)))) == MAX_CANDIDATES
