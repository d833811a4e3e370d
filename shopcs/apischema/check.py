"""Check a request against its declaration: JSON Schema for the structure, the `x-parse` parsers for the leaves.

Returns the values as Python (texts stripped, Decimals, aware datetimes, declared defaults filled in) and every
problem at once by dotted path (`items.0.unit_price`), never just the first.
"""
import re

from jsonschema import Draft202012Validator, validators

from .parsers import PARSERS


def _whole(_checker, value) -> bool:
    """Stricter than JSON Schema: 2.0 and true are not whole numbers here."""
    return isinstance(value, int) and not isinstance(value, bool)


def _number(_checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many({"integer": _whole, "number": _number}),
)
_TYPE_REASONS = {"object": "must be an object", "array": "must be a list", "string": "must be a string",
                 "boolean": "must be true or false", "integer": "must be a whole number", "number": "must be a number"}
_LIMIT_REASONS = {"minimum": "must be at least {}", "maximum": "must be at most {}",
                  "minLength": "must be at least {} characters", "maxLength": "must be at most {} characters",
                  "minItems": "must hold at least {} items", "maxItems": "must hold at most {} items"}


def join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _default_reason(error) -> str:
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return _TYPE_REASONS.get(next(k for k in kinds if k != "null"), error.message)
    if error.validator == "enum":
        return "must be one of " + ", ".join(str(v) for v in error.validator_value if v is not None)
    if error.validator in _LIMIT_REASONS:
        return _LIMIT_REASONS[error.validator].format(error.validator_value)
    return error.message


def _reasons(error) -> list[tuple[str, str]]:
    path = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        return [(join(path, name), "is required") for name in error.validator_value if name not in error.instance]
    if error.instance is None:
        return [(path, "is required")]
    node = error.schema
    return [(path, node.get("x-messages", {}).get(error.validator) or node.get("x-message") or _default_reason(error))]


def _is(node: dict, kind: str) -> bool:
    kinds = node.get("type")
    return kind == kinds or (isinstance(kinds, list) and kind in kinds)


def _property(node: dict, name: str, value: dict, path: str, fields: dict):
    """An optional property left out takes its default; one sent (null included) is checked."""
    sub = node["properties"][name]
    if name not in value and name not in node.get("required", ()):
        return _default(sub)
    return _convert(sub, value.get(name), path, fields)


def _default(node: dict):
    parse = PARSERS.get(node.get("x-parse"))
    return parse(node, node["default"])[0] if parse is not None and "default" in node else node.get("default")


def _convert(node: dict, value, path: str, fields: dict):
    parse = PARSERS.get(node.get("x-parse"))
    if parse is not None:
        parsed, problem = parse(node, value)
        if problem:
            fields.setdefault(path, problem)
        return parsed
    if value is None:
        return node.get("default")
    if _is(node, "object") and isinstance(value, dict):
        return {name: _property(node, name, value, join(path, name), fields) for name in node.get("properties", {})}
    if _is(node, "array") and isinstance(value, list):
        return [_convert(node.get("items", {}), item, join(path, index), fields) for index, item in enumerate(value)]
    return value


def check(schema: dict, data) -> tuple[object, dict]:
    """(values, problems by path). A leaf with `x-parse` is judged by its parser alone, which reads its limits."""
    fields: dict = {}
    for error in _Validator(schema).iter_errors(data):
        if "x-parse" not in error.schema:
            for path, reason in _reasons(error):
                fields.setdefault(path, reason)
    return _convert(schema, data, "", fields), fields


_WHOLE = re.compile(r"[0-9]+")


def _query_value(schema: dict, raw: str | None):
    """A query string's text as the declared type: a whole number stays text (and fails the type check) unless digits."""
    if raw is None or raw == "":
        return None
    if _is(schema, "integer") and _WHOLE.fullmatch(raw) and len(raw) <= 18:
        return int(raw)
    return raw


def check_params(parameters: list[dict], sources: dict) -> tuple[dict, dict]:
    """The declared query and header parameters, read from `sources` ({"query": args, "header": headers}),
    by the same rules as a body. Values by name; problems by name."""
    chosen = [p for p in parameters if p["in"] in sources]
    properties = {p["name"]: p["schema"] for p in chosen}
    required = [p["name"] for p in chosen if p.get("required")]
    raw = {p["name"]: _query_value(p["schema"], sources[p["in"]].get(p["name"])) for p in chosen}
    data = {name: value for name, value in raw.items() if value is not None}
    return check({"type": "object", "properties": properties, "required": required}, data)
