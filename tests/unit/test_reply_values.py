"""The pure parts of reply templates: checking a template's fields, a case's variables as text, the picker's order."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from shopcs.cases.replies.fields import parse_fields, picker_order, reply_values
from shopcs.cases.replies.rules import VARIABLES, render
from shopcs.errors import Invalid


def test_every_variable_has_a_value_and_missing_facts_are_empty_strings():
    values = reply_values(case_no=7)
    assert set(values) == set(VARIABLES)
    assert values["case_no"] == "7" and all(values[name] == "" for name in VARIABLES if name != "case_no")


def test_money_dates_and_carriers_are_written_for_the_reader():
    values = reply_values(case_no=1, carrier="SF", ship_date=date(2026, 3, 3), refund_amount=Decimal("1234.5"))
    assert (values["carrier"], values["ship_date"], values["refund_amount"]) == ("顺丰速运", "2026-03-03", "¥1,234.50")
    assert reply_values(case_no=1, carrier="JD", language="en")["carrier"] == "JD Logistics"
    assert reply_values(case_no=1, carrier="NEWCO")["carrier"] == "NEWCO"  # an unknown carrier shows its code
    assert reply_values(case_no=1, refund_amount=Decimal("0"))["refund_amount"] == "¥0.00"


def test_a_buyer_name_with_braces_or_html_is_inserted_as_it_is():
    values = reply_values(case_no=1, buyer_name="<i>{order_no}</i>", order_no="T1")
    assert render("{buyer_name}/{order_no}", values) == "<i>{order_no}</i>/T1"


def test_good_fields_are_trimmed_and_an_empty_category_means_any_case():
    fields = parse_fields({"key": "closing", "category": "", "language": "en", "title": " Bye ", "body": "Bye\r\nnow "})
    assert (fields.category, fields.title, fields.body) == (None, "Bye", "Bye\nnow")


@pytest.mark.parametrize("changes, field", [
    ({"key": "Has Space"}, "key"), ({"key": "-edge"}, "key"), ({"key": "k" * 61}, "key"),
    ({"category": "weather"}, "category"), ({"language": "zh"}, "language"), ({"title": "  "}, "title"),
    ({"title": "t" * 101}, "title"), ({"body": ""}, "body"), ({"body": "b" * 2001}, "body"),
    ({"body": "{nope}"}, "body"), ({"body": "{order_no.__class__}"}, "body"), ({"body": "{order_no[0]}"}, "body"),
])
def test_a_bad_field_is_named(changes, field):
    values = {"key": "k", "category": "tracking", "language": "zh_CN", "title": "t", "body": "{order_no}", **changes}
    with pytest.raises(Invalid) as refused:
        parse_fields(values)
    assert list(refused.value.fields) == [field]


def test_the_picker_shows_the_ui_language_first_then_the_case_s_category_then_general_ones():
    def t(id_, language, category, title):
        return SimpleNamespace(id=id_, language=language, category=category, title=title)

    templates = [t(1, "en", "tracking", "Tracking"), t(2, "zh_CN", None, "问候"), t(3, "zh_CN", "payment", "退款"),
                 t(4, "zh_CN", "tracking", "物流"), t(5, "en", None, "Greeting")]
    assert [x.id for x in picker_order(templates, "zh_CN", "tracking")] == [4, 2, 3, 1, 5]
    assert [x.id for x in picker_order(templates, "en", "payment")] == [5, 1, 3, 2, 4]


@pytest.mark.parametrize("currency, language, expected", [
    ("USD", "en", "$1,234.50"), ("USD", "zh_CN", "US$1,234.50"), ("JPY", "en", "¥1,235"), ("CNY", "zh_CN", "¥1,234.50"),
])
def test_the_refund_amount_is_in_the_orders_currency_as_the_templates_language_writes_it(currency, language, expected):
    amount = Decimal("1235") if currency == "JPY" else Decimal("1234.5")
    assert reply_values(case_no=1, refund_amount=amount, currency=currency, language=language)["refund_amount"] == expected
