"""Reply templates' pure parts: a template's fields checked, a case's variables as text, the picker's order."""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ...currency import DEFAULT, format_amount
from ...errors import Invalid
from ...orders.shipping import CARRIERS
from ..rules import CATEGORIES
from .models import BODY_MAX, KEY_MAX, LANGUAGES, TITLE_MAX
from .rules import check_template

_SLUG = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


@dataclass(frozen=True)
class TemplateFields:
    key: str
    category: str | None
    language: str
    title: str
    body: str


def parse_fields(values: dict, *, with_key: bool = True) -> TemplateFields:
    """The cleaned fields, or Invalid naming every bad one. An empty category means "any case"."""
    errors: dict = {}
    key = (values.get("key") or "").strip() if with_key else ""
    if with_key and not (len(key) <= KEY_MAX and _SLUG.fullmatch(key)):
        errors["key"] = _l("must be 1 to %(max)s lowercase letters, digits, “-” or “_”", max=KEY_MAX)
    category = (values.get("category") or "").strip() or None
    if category is not None and category not in CATEGORIES:
        errors["category"] = _l("must be one of %(choices)s", choices=", ".join(CATEGORIES))
    language = values.get("language")
    if language not in LANGUAGES:
        errors["language"] = _l("must be one of %(choices)s", choices=", ".join(LANGUAGES))
    title = (values.get("title") or "").strip()
    if not 1 <= len(title) <= TITLE_MAX:
        errors["title"] = _l("must be 1 to %(max)s characters", max=TITLE_MAX)
    body = (values.get("body") or "").replace("\r\n", "\n").strip()
    if not 1 <= len(body) <= BODY_MAX:
        errors["body"] = _l("must be 1 to %(max)s characters", max=BODY_MAX)
    else:
        problems = check_template(body)
        if problems:
            errors["body"] = "; ".join(problems)
    if errors:
        raise Invalid(_l("The reply template is not valid."), errors)
    return TemplateFields(key, category, language, title, body)


def carrier_name(code: str | None, language: str) -> str:
    carrier = CARRIERS.get(code or "")
    if carrier is None:
        return code or ""
    return carrier.name_en if language == "en" else carrier.name_zh


def reply_values(*, case_no: int | None, buyer_name: str = "", order_no: str = "", carrier: str | None = None,
                 tracking_no: str = "", ship_date: date | None = None, refund_amount: Decimal | None = None,
                 currency: str = DEFAULT, agent_name: str = "", language: str = "zh_CN") -> dict[str, str]:
    """Every variable of rules.VARIABLES as text; what the case does not have is an empty string. Money is in the
    order's `currency` as a reader of the template's `language` (zh_CN or en) writes it: US$12.50 or $12.50."""
    return {
        "buyer_name": buyer_name or "",
        "order_no": order_no or "",
        "carrier": carrier_name(carrier, language),
        "tracking_no": tracking_no or "",
        "ship_date": ship_date.isoformat() if ship_date else "",
        "refund_amount": format_amount(refund_amount, currency, language) if refund_amount is not None else "",
        "agent_name": agent_name or "",
        "case_no": str(case_no) if case_no is not None else "",
    }


def picker_order(templates: Iterable, ui_language: str, case_category: str | None) -> list:
    """The UI's language first; within a language the case's own category, then the general ones, then the rest."""
    def rank(template):
        if template.category == case_category:
            fit = 0
        else:
            fit = 1 if template.category is None else 2
        return (template.language != ui_language, fit, template.title, template.id or 0)

    return sorted(templates, key=rank)
