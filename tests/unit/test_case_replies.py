"""Reply templates: only known bare variables are accepted, rendering is plain substitution, the defaults are polite."""
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopcs.cases.replies.promises import DEFAULT_WORDS, find_promises
from shopcs.cases.replies.rules import DEFAULT_TEMPLATES, VARIABLES, check_template, render, variables_used
from shopcs.cases.rules import CATEGORIES

VALUES = {"buyer_name": "小王", "order_no": "E20260304001", "carrier": "顺丰", "tracking_no": "SF1234567890123",
          "ship_date": "2026-03-05", "refund_amount": "59.00", "agent_name": "小李", "case_no": "C-42"}


def test_a_template_with_known_variables_and_literal_braces_is_accepted():
    assert check_template("您好 {buyer_name}，订单 {order_no} {{备注}} }}") == []
    assert check_template("") == [] and check_template("no variables at all") == []


def test_rendering_fills_variables_and_unescapes_literal_braces():
    text = "您好，{buyer_name}！{carrier} 运单号 {tracking_no}（{{请保存}}）"
    assert render(text, VALUES) == "您好，小王！顺丰 运单号 SF1234567890123（{请保存}）"
    assert variables_used(text + "{buyer_name}") == ["buyer_name", "carrier", "tracking_no"]


def test_a_missing_value_renders_as_empty_text():
    assert render("Hi {buyer_name}, case {case_no}.", {"buyer_name": "Ann"}) == "Hi Ann, case ."


def test_values_are_inserted_as_they_are_and_never_formatted_again():
    assert render("Hi {buyer_name}", {"buyer_name": "{order_no} {0.__class__} <b>"}) == "Hi {order_no} {0.__class__} <b>"


def test_an_unknown_variable_is_named():
    assert check_template("Hi {buyer}") == ["unknown variable “buyer”"]


@pytest.mark.parametrize("text", [
    "{order_no.__class__}", "{order_no.__class__.__mro__}", "{x[0]}", "{order_no[0]}", "{order_no!r}", "{order_no:>10}",
    "{0}", "{}", "{ order_no }", "{ORDER_NO}", "{order-no}",
])
def test_attribute_index_conversion_and_format_spec_are_refused(text):
    assert len(check_template(text)) == 1
    with pytest.raises(ValueError):
        render(text, VALUES)


@pytest.mark.parametrize("text", ["{order_no", "order_no}", "{{order_no}", "{order_no}}}}", "a } b", "{a{order_no}}"])
def test_unbalanced_braces_are_refused(text):
    assert check_template(text) != []
    with pytest.raises(ValueError):
        render(text, VALUES)


def test_a_problem_is_listed_once_however_often_it_appears():
    assert check_template("{buyer} {buyer} {order_no}") == ["unknown variable “buyer”"]


def test_the_defaults_cover_each_required_kind_in_both_languages():
    keys = {(t.key, t.language) for t in DEFAULT_TEMPLATES}
    required = {"greeting", "closing", "tracking", "refund", "complaint_apology", "claim_received", "pre_sale"}
    assert keys == {(key, language) for key in required for language in ("zh_CN", "en")}
    assert len(DEFAULT_TEMPLATES) == len(keys)
    assert all(t.category is None or t.category in CATEGORIES for t in DEFAULT_TEMPLATES)


def test_the_chinese_defaults_say_the_seeds_polite_words():
    zh = {t.key: t.body for t in DEFAULT_TEMPLATES if t.language == "zh_CN"}
    assert zh["greeting"] == "您好，很高兴为您服务！请问有什么可以帮您？"
    assert zh["closing"] == "谢谢您的耐心，祝您生活愉快，再见！"
    assert "非常抱歉给您带来不便" in zh["complaint_apology"]
    assert {"carrier", "tracking_no", "ship_date"} <= set(variables_used(zh["tracking"]))
    assert "refund_amount" in variables_used(zh["refund"])


@pytest.mark.parametrize("template", DEFAULT_TEMPLATES, ids=lambda t: f"{t.key}-{t.language}")
def test_every_default_is_valid_renders_and_promises_nothing(template):
    assert check_template(template.body) == [] and template.title
    rendered = render(template.body, VALUES)
    assert "{" not in rendered and "}" not in rendered
    assert find_promises(template.body, DEFAULT_WORDS) == [] and find_promises(template.title, DEFAULT_WORDS) == []


def test_every_variable_is_offered_by_some_default():
    used = {name for t in DEFAULT_TEMPLATES for name in variables_used(t.body)}
    assert used == set(VARIABLES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["{", "}", "{{", "}}", "a", "你", ".", "[0]", "!r", ":>3", "order_no", "case_no", "x"]),
                max_size=12).map("".join))
def test_an_accepted_template_renders_as_python_would_with_plain_fields_only(text):
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # Python itself finds the braces unbalanced
        assert check_template(text) != []
        return
    if check_template(text):
        return
    fields = [(name, spec, conversion) for _, name, spec, conversion in parsed if name is not None]
    assert all(name in VARIABLES and spec == "" and conversion is None for name, spec, conversion in fields)
    assert render(text, VALUES) == text.format(**VALUES)
