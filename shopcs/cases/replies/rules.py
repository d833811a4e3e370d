"""Reply templates (话术) with order variables: checks, rendering and the defaults (duty 12). Pure.

Templates are written by shop staff, so they are never passed to `str.format` (which would let "{x.__class__}"
walk into objects): only bare `{name}` fields from `VARIABLES` are allowed, `{{` and `}}` are literal braces,
and rendering is a plain substitution of strings.
"""
import re
from dataclasses import dataclass

VARIABLES = ("buyer_name", "order_no", "carrier", "tracking_no", "ship_date", "refund_amount", "agent_name", "case_no")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")  # a literal brace, a field, or a stray brace
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def check_template(text: str) -> list[str]:
    """The problems of a template, empty when it can be used: unbalanced braces, unknown variables, and any
    attribute, index, conversion or format spec ({order_no.__class__}, {x[0]}, {x!r}, {x:>10})."""
    problems: list[str] = []
    for match in _TOKEN.finditer(text):
        token, name = match[0], match[1]
        if token in ("{{", "}}"):
            continue
        if name is None:
            problem = f"unbalanced “{token}” at position {match.start() + 1}: write {token * 2} for a literal brace"
        elif not _NAME.fullmatch(name):
            problem = f"“{token}” is not allowed: only a variable name may stand between braces"
        elif name not in VARIABLES:
            problem = f"unknown variable “{name}”"
        else:
            continue
        if problem not in problems:
            problems.append(problem)
    return problems


def variables_used(text: str) -> list[str]:
    """The variables a (valid) template uses, in order of first use."""
    names = [match[1] for match in _TOKEN.finditer(text) if match[1] in VARIABLES]
    return list(dict.fromkeys(names))


def render(text: str, values: dict[str, str]) -> str:
    """Plain text with each `{name}` replaced by `values.get(name, "")`; values are already formatted strings and
    are inserted as they are (a "{" in a buyer's name stays a "{"). Raises ValueError for a refused template."""
    problems = check_template(text)
    if problems:
        raise ValueError("; ".join(problems))

    def fill(match: re.Match) -> str:
        return match[0][0] if match[1] is None else str(values.get(match[1], ""))

    return _TOKEN.sub(fill, text)


@dataclass(frozen=True)
class DefaultTemplate:
    key: str
    category: str | None  # None, or one of rules.CATEGORIES
    language: str  # "zh_CN" or "en"
    title: str
    body: str


_ZH = (
    ("greeting", None, "问候", "您好，很高兴为您服务！请问有什么可以帮您？"),
    ("closing", None, "结束语", "谢谢您的耐心，祝您生活愉快，再见！"),
    ("tracking", "tracking", "物流查询答复",
     "您好，{buyer_name}！您的订单 {order_no} 已于 {ship_date} 由 {carrier} 发出，运单号 {tracking_no}，"
     "您可以凭运单号查询物流进度。如有其他问题，欢迎随时联系我们。"),
    ("refund", "payment", "退款答复",
     "您好，{buyer_name}！订单 {order_no} 的退款 {refund_amount} 已经办理，将按原支付方式退回，"
     "到账时间以支付平台为准。谢谢您的耐心！"),
    ("complaint_apology", "complaint", "投诉致歉",
     "{buyer_name}，您好！非常抱歉给您带来不便，我们已经记录您的问题（工单号 {case_no}），"
     "会认真核实并尽快给您答复。再次向您致歉，谢谢您的理解！"),
    ("claim_received", "claim", "理赔受理",
     "您好，{buyer_name}！您关于订单 {order_no} 的理赔申请已收到（工单号 {case_no}）。"
     "请提供商品及外包装的照片，我们核实后会及时与您联系。"),
    ("pre_sale", "pre_sale", "售前咨询答复",
     "您好，很高兴为您服务！关于您咨询的商品，详细信息请以商品页面说明为准，如还有疑问，欢迎继续咨询。"
     "我是客服{agent_name}，谢谢您的关注！"),
)
_EN = (
    ("greeting", None, "Greeting", "Hello, happy to help you! What can I do for you?"),
    ("closing", None, "Closing", "Thank you for your patience. Have a nice day, goodbye!"),
    ("tracking", "tracking", "Tracking answer",
     "Hello {buyer_name}, your order {order_no} was shipped on {ship_date} with {carrier}, tracking number "
     "{tracking_no}. You can follow the delivery with that number. Let us know if there is anything else."),
    ("refund", "payment", "Refund answer",
     "Hello {buyer_name}, the refund of {refund_amount} for order {order_no} has been made to your original "
     "payment method; when it arrives depends on the payment platform. Thank you for your patience!"),
    ("complaint_apology", "complaint", "Complaint apology",
     "Dear {buyer_name}, we are very sorry for the inconvenience. We have recorded your concern (case {case_no}), "
     "will look into it carefully and reply as soon as we can. Thank you for your understanding."),
    ("claim_received", "claim", "Claim received",
     "Hello {buyer_name}, we have received your claim for order {order_no} (case {case_no}). Please send photos of "
     "the item and its packaging; we will contact you once we have checked them."),
    ("pre_sale", "pre_sale", "Pre-sale answer",
     "Hello, happy to help! The product page has the full details of the item you asked about; if anything is "
     "unclear, just ask. I am {agent_name}, thank you for your interest!"),
)
DEFAULT_TEMPLATES = tuple(DefaultTemplate(key, category, language, title, body)
                          for language, rows in (("zh_CN", _ZH), ("en", _EN)) for key, category, title, body in rows)
