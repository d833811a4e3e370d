"""Message bodies to buyers (Chinese and English) and the {variable} templates they are made from. Pure.

The reminder asks politely whether anything is unclear and whether paying is a problem — the seed's
"询问汇款方式" — and names the items, the total and when the order closes; no pressure, no promises.
"""
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..currency import DEFAULT, format_amount

VARIABLES = ("buyer_name", "order_no", "items", "total", "closes_at", "occasion", "shop_name")
TEMPLATE_KINDS = ("unpaid_reminder", "holiday_greeting", "promotion")
MAX_TEMPLATE_LENGTH = 1000
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

DEFAULT_TEMPLATES = {
    ("unpaid_reminder", "zh"): (
        "{buyer_name}您好，这里是{shop_name}客服。您拍下的订单 {order_no}（{items}，合计 {total}）还没有付款。"
        "请问订单有什么不清楚的地方吗？如果付款方式不方便，告诉我们，我们帮您看看其他方式。"
        "订单将在 {closes_at} 自动关闭。谢谢您！"
    ),
    ("unpaid_reminder", "en"): (
        "Hello {buyer_name}, this is {shop_name} customer service. Your order {order_no} ({items}, total {total}) "
        "has not been paid yet. Is anything about the order unclear? If a payment method is a problem, tell us and "
        "we will look at other ways to pay. The order closes automatically at {closes_at}. Thank you!"
    ),
    ("holiday_greeting", "zh"): "{buyer_name}您好！{shop_name}祝您{occasion}！感谢您一直以来的支持。",
    ("holiday_greeting", "en"): "Hello {buyer_name}, {occasion} from all of us at {shop_name}! Thank you for your support.",
    ("promotion", "zh"): (
        "{buyer_name}您好！{shop_name}的「{occasion}」活动即将开始，欢迎您来看看。感谢您一直以来的支持。"
        "如不希望再收到此类消息，请告诉我们。"
    ),
    ("promotion", "en"): (
        "Hello {buyer_name}, the {occasion} event at {shop_name} is about to start; you are welcome to take a look. "
        "Thank you for your support. If you would rather not receive such messages, just tell us."
    ),
}
SHOP_NAME_FALLBACK = {"zh": "本店", "en": "our shop"}
BUYER_FALLBACK = {"zh": "亲", "en": "there"}


def render_template(text: str, variables: dict) -> str:
    """Fill the known {variables}; anything else stays as written (template_problems reports it)."""
    return PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]) if m.group(1) in variables else m.group(0), text)


def items_text(items: list[tuple[str, int]], locale: str) -> str:
    parts = [f"{title} ×{quantity}" for title, quantity in items]
    return ("、" if locale == "zh" else ", ").join(parts)


def money_text(amount: Decimal, currency: str, locale: str) -> str:
    """In the order's currency as a reader of the message's language writes it: ¥128.00 / CN¥128.00, US$12.50 / $12.50."""
    return format_amount(amount, currency, "en" if locale == "en" else "zh_CN")


def time_text(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def reminder_variables(*, buyer_name: str, order_no: str, items: list[tuple[str, int]], total: Decimal,
                       closes_at: datetime, zone: str, locale: str, shop_name: str = "", currency: str = DEFAULT) -> dict:
    return {
        "buyer_name": buyer_name or BUYER_FALLBACK[locale], "order_no": order_no, "items": items_text(items, locale),
        "total": money_text(total, currency, locale), "closes_at": time_text(closes_at, zone), "occasion": "",
        "shop_name": shop_name or SHOP_NAME_FALLBACK[locale],
    }


def greeting_variables(*, buyer_name: str, occasion: str, locale: str, shop_name: str = "") -> dict:
    return {
        "buyer_name": buyer_name or BUYER_FALLBACK[locale], "order_no": "", "items": "", "total": "",
        "closes_at": "", "occasion": occasion, "shop_name": shop_name or SHOP_NAME_FALLBACK[locale],
    }


SHIPPING_NOTICES = {
    "zh": "{buyer_name}您好，{shop_name}已于 {shipped_on} 由{carrier}发出您的订单 {order_no}，运单号 {tracking_no}。感谢您的支持！",
    "en": "Hello {buyer_name}, {shop_name} shipped your order {order_no} on {shipped_on} with {carrier}, "
          "tracking number {tracking_no}. Thank you for your support!",
}


def shipping_notice(*, buyer_name: str, order_no: str, shipped_on: date, carrier: tuple[str, str], tracking_no: str,
                    locale: str, shop_name: str = "") -> str:
    """The buyer's shipping notice in the shop's message language; `carrier` is its (Chinese, English) name."""
    locale = "en" if locale == "en" else "zh"
    return SHIPPING_NOTICES[locale].format(
        buyer_name=buyer_name or BUYER_FALLBACK[locale], shop_name=shop_name or SHOP_NAME_FALLBACK[locale],
        shipped_on=shipped_on.isoformat(), carrier=carrier[1] if locale == "en" else carrier[0], order_no=order_no,
        tracking_no=tracking_no)


SAMPLE_VARIABLES = {  # a template's preview, in the template's language (the total as money_text writes it)
    "zh": {"buyer_name": "张三", "order_no": "T20261124001", "items": "羊毛围巾 ×1", "total": "¥128.00",
           "closes_at": "2026-11-25 10:00", "occasion": "中秋快乐", "shop_name": SHOP_NAME_FALLBACK["zh"]},
    "en": {"buyer_name": "Alex", "order_no": "T20261124001", "items": "Wool scarf ×1", "total": "CN¥128.00",
           "closes_at": "2026-11-25 10:00", "occasion": "Happy Mid-Autumn Festival", "shop_name": SHOP_NAME_FALLBACK["en"]},
}


SAMPLE_PROMOTIONS = {"zh": "双十一大促", "en": "Singles' Day"}  # a promotion's {occasion} is its name


def sample_variables(locale: str, shop_name: str = "", kind: str = "") -> dict:
    """The preview's sample values in `locale`, with the shop's own name for that language when it has one."""
    locale = "en" if locale == "en" else "zh"
    values = {**SAMPLE_VARIABLES[locale], "shop_name": shop_name or SAMPLE_VARIABLES[locale]["shop_name"]}
    return {**values, "occasion": SAMPLE_PROMOTIONS[locale]} if kind == "promotion" else values
