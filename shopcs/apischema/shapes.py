"""Building blocks of the declarations: plain JSON Schema dicts, with two extensions the checker reads.

`x-parse` names how a leaf becomes a Python value (text → stripped str, money → Decimal, time → aware UTC datetime);
the parser, reading the node's own limits, has the last word on that leaf and gives the reason.
`x-message` (all keywords) or `x-messages` (per keyword) is the reason a failed check gives.
"""
from ..money import MONEY_PATTERN

MAX_MONEY_INT = 10**10 - 1
OUT_MONEY_PATTERN = r"^[0-9]+(\.[0-9]{2,3})?$"  # the currency's decimals: "12.50" CNY, "1200" JPY, "1.234" KWD
RATE_PATTERN = r"^[0-9]+\.[0-9]{4}$"
TIME_EXAMPLE = "2026-03-04T10:00:00+08:00"


def _with_null(node: dict, nullable: bool) -> dict:
    if nullable:
        node["type"] = [node["type"], "null"]
    return node


def text(limit: int, required: bool = False, nullable: bool = False, **extra) -> dict:
    """A text stored without its outer spaces; `required`: not blank. No NUL characters."""
    node = {"type": "string", "maxLength": limit, "x-parse": "text", **extra}
    if required:
        node.update(minLength=1, pattern=r"\S")
    return _with_null(node, nullable)


def money(nullable: bool = False, **extra) -> dict:
    """A non-negative amount with at most three decimals (its currency may allow fewer): a string (preferred) or a
    whole number. Never a float."""
    variants = [{"type": "string", "pattern": MONEY_PATTERN, "examples": ["12.50"]},
                {"type": "integer", "minimum": 0, "maximum": MAX_MONEY_INT}]
    if nullable:
        variants.append({"type": "null"})
    return {"anyOf": variants, "x-parse": "money", **extra}


def time(nullable: bool = False, **extra) -> dict:
    """ISO 8601 with an offset (a naive time is refused: its zone would be a guess)."""
    node = {"type": "string", "format": "date-time", "x-parse": "time", "examples": [TIME_EXAMPLE], **extra}
    return _with_null(node, nullable)


def choice(values, nullable: bool = False, **extra) -> dict:
    node = {"type": "string", "enum": list(values), **extra}
    if nullable:
        node.update(type=["string", "null"], enum=[*values, None])
    return node


def whole(minimum: int, maximum: int, **extra) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum, **extra}


def boolean(**extra) -> dict:
    return {"type": "boolean", **extra}


def obj(properties: dict, required: tuple = (), nullable: bool = False, **extra) -> dict:
    """An object; keys not declared are ignored (platforms send more than we read)."""
    node = {"type": "object", "properties": properties, **extra}
    if required:
        node["required"] = list(required)
    return _with_null(node, nullable)


def array(items: dict, min_items: int = 0, max_items: int | None = None, **extra) -> dict:
    node = {"type": "array", "items": items, "minItems": min_items, **extra}
    if max_items is not None:
        node["maxItems"] = max_items
    return node


# ---- response shapes: what the serializers write ----

def out_money(**extra) -> dict:
    return {"type": "string", "pattern": OUT_MONEY_PATTERN, "examples": ["99.00"], **extra}


def out_time(nullable: bool = True, **extra) -> dict:
    node = {"type": "string", "format": "date-time", "examples": ["2026-03-04T02:00:00+00:00"], **extra}
    return _with_null(node, nullable)


def out_rate(**extra) -> dict:
    return {"type": ["string", "null"], "pattern": RATE_PATTERN, "examples": ["0.0375"], **extra}


def out_text(nullable: bool = False, **extra) -> dict:
    return _with_null({"type": "string", **extra}, nullable)


def out_int(nullable: bool = False, **extra) -> dict:
    return _with_null({"type": "integer", **extra}, nullable)


def out_obj(properties: dict, **extra) -> dict:
    """A response object: every property is always present (null when there is no value)."""
    return {"type": "object", "properties": properties, "required": list(properties), **extra}
