"""Message templates: known variables only, polite reminder wording, settings validation."""
from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest

from shopcs.errors import Invalid
from shopcs.followup.settings import parse_values
from shopcs.followup.template_checks import template_problems
from shopcs.followup.texts import (
    DEFAULT_TEMPLATES,
    reminder_variables,
    render_template,
    sample_variables,
    shipping_notice,
)
from shopcs.followup.values import FollowupSettings

CLOSES = datetime(2026, 3, 5, 2, 0, tzinfo=timezone.utc)


def test_unknown_variables_are_rejected():
    problems = template_problems("您好 {buyer_name}，{coupon_code}")
    assert len(problems) == 1 and "{coupon_code}" in problems[0]


def test_stray_braces_and_empty_templates_are_rejected():
    assert template_problems("您好 {buyer_name") and template_problems("   ")


def test_every_default_template_is_valid():
    assert all(template_problems(text) == [] for text in DEFAULT_TEMPLATES.values())


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_reminder_names_items_total_and_closing_time_and_asks_politely(locale):
    variables = reminder_variables(buyer_name="张三", order_no="T1", items=[("羊毛围巾", 2)], total=Decimal("256.00"),
                                   closes_at=CLOSES, zone="Asia/Shanghai", locale=locale)
    body = render_template(DEFAULT_TEMPLATES[("unpaid_reminder", locale)], variables)
    assert "T1" in body and "羊毛围巾 ×2" in body and "256.00" in body and "2026-03-05 10:00" in body
    if locale == "zh":
        assert "不清楚" in body and "付款方式" in body and "最后" not in body and "马上" not in body
    else:
        assert "unclear" in body and "payment method" in body


def test_render_leaves_unknown_placeholders_as_written():
    assert render_template("{buyer_name} {x}", {"buyer_name": "李四"}) == "李四 {x}"


def test_settings_validation_names_every_bad_field():
    with pytest.raises(Invalid) as caught:
        parse_values({"first_reminder_minutes": "abc", "max_reminders": 9, "quiet_end": "25:00",
                      "templates": {"unpaid_reminder:zh": "{nope}"}}, FollowupSettings())
    assert set(caught.value.fields) == {"first_reminder_minutes", "max_reminders", "quiet_end", "template_unpaid_reminder_zh"}


def test_the_second_reminder_must_come_after_the_first():
    with pytest.raises(Invalid) as caught:
        parse_values({"first_reminder_minutes": "720", "second_reminder_hours": "12"}, FollowupSettings())
    assert "second_reminder_hours" in caught.value.fields


def test_greetings_are_not_sent_in_quiet_hours():
    with pytest.raises(Invalid) as caught:
        parse_values({"greeting_send_time": "23:00"}, FollowupSettings())
    assert "greeting_send_time" in caught.value.fields


def test_valid_values_are_applied():
    new = parse_values({"quiet_start": "21:30", "quiet_end": time(7), "templates": {("promotion", "en"): "Hi {buyer_name}"}},
                       FollowupSettings())
    assert new.quiet_start == time(21, 30) and new.quiet_end == time(7) and new.template("promotion", "en") == "Hi {buyer_name}"


def test_an_english_message_names_the_shop_by_its_english_name_else_its_chinese_one():
    both = FollowupSettings(shop_name="暖冬小铺", shop_name_en="Warm Winter Shop")
    assert (both.shop_name_for("zh"), both.shop_name_for("en")) == ("暖冬小铺", "Warm Winter Shop")
    assert FollowupSettings(shop_name="暖冬小铺").shop_name_for("en") == "暖冬小铺"
    assert FollowupSettings(shop_name_en="Warm Winter Shop").shop_name_for("zh") == ""  # 本店, from the texts


def test_a_preview_fills_an_english_template_with_english_sample_values():
    english, chinese = sample_variables("en"), sample_variables("zh", "暖冬小铺")
    assert (english["occasion"], english["shop_name"], english["total"]) == ("Happy Mid-Autumn Festival", "our shop", "CN¥128.00")
    assert (chinese["occasion"], chinese["shop_name"]) == ("中秋快乐", "暖冬小铺")
    assert not any("\u4e00" <= char <= "\u9fff" for value in english.values() for char in str(value))


def test_a_promotions_preview_names_a_promotion_not_a_holiday_wish():
    assert sample_variables("en", kind="promotion")["occasion"] == "Singles' Day"
    assert sample_variables("zh", kind="promotion")["occasion"] == "双十一大促"


def test_a_shipping_notice_names_the_carrier_and_the_shop_in_the_messages_language():
    values = {"buyer_name": "", "order_no": "T1", "shipped_on": date(2026, 3, 4), "carrier": ("顺丰速运", "SF Express"),
              "tracking_no": "SF1234567890123"}
    assert shipping_notice(**values, locale="zh") == (
        "亲您好，本店已于 2026-03-04 由顺丰速运发出您的订单 T1，运单号 SF1234567890123。感谢您的支持！")
    assert shipping_notice(**values, locale="en", shop_name="Warm Winter Shop") == (
        "Hello there, Warm Winter Shop shipped your order T1 on 2026-03-04 with SF Express, tracking number SF1234567890123. "
        "Thank you for your support!")


@pytest.mark.parametrize("locale, expected", [("zh", "US$59.45"), ("en", "$59.45")])
def test_the_reminders_total_is_in_the_orders_currency(locale, expected):
    variables = reminder_variables(buyer_name="Alex", order_no="T1", items=[("Wool scarf", 1)], total=Decimal("59.45"),
                                   closes_at=CLOSES, zone="Asia/Shanghai", locale=locale, currency="USD")
    assert variables["total"] == expected
