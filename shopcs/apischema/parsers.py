"""How a leaf marked `x-parse` becomes a Python value, or why it cannot: (value, None) or (None, reason).

Each parser reads its limits from the declaration, so the description and the check cannot drift apart.
"""
from datetime import date
from decimal import Decimal

from ..money import MoneyError, parse_money
from ..timeutil import TimeError, parse_aware


def nullable(node: dict) -> bool:
    kinds = node.get("type")
    return (isinstance(kinds, list) and "null" in kinds) or any(v.get("type") == "null" for v in node.get("anyOf", ()))


def text_problem(value, limit: int, required: bool = False) -> str | None:
    """Why this value is not an acceptable text, or None. Stored verbatim apart from outer spaces."""
    if value is None:
        return "is required" if required else None
    if not isinstance(value, str):
        return "must be a string"
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text"
    if required and not value.strip():
        return "is required"
    if len(value.strip()) > limit:
        return f"must be at most {limit} characters"
    return None


def parse_text(node: dict, value):
    problem = text_problem(value, node["maxLength"], required=node.get("minLength", 0) > 0)
    if problem:
        return None, problem
    return (node.get("default") if value is None else value.strip()), None


def parse_money_leaf(node: dict, value):
    if value is None and "default" in node:
        return Decimal(node["default"]), None
    if value is None and nullable(node):
        return None, None
    try:
        return parse_money(value), None
    except MoneyError as exc:
        return None, "is required" if value is None else str(exc)


def parse_time(node: dict, value):
    if value is None:
        return None, None if nullable(node) else "is required"
    try:
        return parse_aware(value), None
    except TimeError as exc:
        return None, str(exc)
    except OverflowError:
        return None, "is out of range"


def parse_date(node: dict, value):
    """YYYY-MM-DD, exactly: a shop-local day."""
    if value is None:
        return None, None if nullable(node) else "is required (YYYY-MM-DD)"
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value), None
    except ValueError:
        pass
    return None, "must be a date as YYYY-MM-DD"


def code_problem(value, limit: int) -> str | None:
    """An identifier such as an order number: a required text kept exactly as sent, so no outer spaces."""
    problem = text_problem(value, limit, required=True)
    if problem is None and value != value.strip():
        return "must not start or end with spaces"
    return problem


def parse_code(node: dict, value):
    if value is None and nullable(node):
        return None, None
    problem = code_problem(value, node["maxLength"])
    return (None, problem) if problem else (value, None)


PARSERS = {"text": parse_text, "code": parse_code, "money": parse_money_leaf, "time": parse_time, "date": parse_date}
