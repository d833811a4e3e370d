"""The description document turned into what the API page shows: operations by tag, each schema as rows of
fields with dotted paths (items.0.sku is shown as items[].sku), their types and limits."""
from dataclasses import dataclass, field

from ..money import MONEY_PATTERN
from .shapes import OUT_MONEY_PATTERN, RATE_PATTERN

# Patterns people know by name: the page says "money" or "rate" instead of showing the expression.
_NAMED_PATTERNS = {MONEY_PATTERN: "money_in", OUT_MONEY_PATTERN: "money_out", RATE_PATTERN: "rate"}
_LIMITS = ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "pattern", "format")


@dataclass
class FieldRow:
    path: str
    types: list[str]
    required: bool
    description: str = ""
    enum: list = field(default_factory=list)
    default: object = None
    limits: dict = field(default_factory=dict)


def _variants(node: dict) -> list[dict]:
    return node.get("anyOf") or node.get("oneOf") or [node]


def _types(node: dict) -> list[str]:
    found = []
    for variant in _variants(node):
        kinds = variant.get("type", [])
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if kind not in found:
                found.append(kind)
    return found


def _row(path: str, node: dict, required: bool) -> FieldRow:
    limits = {}
    for variant in [node, *_variants(node)]:
        limits.update({k: variant[k] for k in _LIMITS if k in variant and k not in limits})
    if limits.get("pattern") in _NAMED_PATTERNS:
        limits["kind"] = _NAMED_PATTERNS[limits.pop("pattern")]
    enum = [v for v in node.get("enum", []) if v is not None]
    return FieldRow(path=path, types=_types(node), required=required, description=node.get("description", ""),
                    enum=enum, default=node.get("default"), limits=limits)


def field_rows(node: dict, prefix: str = "", required: bool = True) -> list[FieldRow]:
    """Every field of a schema, depth first; the body itself (prefix "") is not a row."""
    item_object = prefix.endswith("[]") and _types(node) == ["object"]  # its fields follow as items[].name
    rows = [_row(prefix, node, required)] if prefix and not item_object else []
    objects = [v for v in _variants(node) if "properties" in v]
    for variant in objects:
        needed = set(variant.get("required", ()))
        for name, sub in variant["properties"].items():
            rows += field_rows(sub, f"{prefix}.{name}" if prefix else name, name in needed)
    if "items" in node and "array" in _types(node):
        rows += field_rows(node["items"], f"{prefix}[]", True)
    return rows


@dataclass
class OperationView:
    method: str
    path: str
    operation: dict
    parameters: list[FieldRow]
    body: list[FieldRow] | None
    successes: list[tuple[str, str, list[FieldRow]]]
    errors: list[tuple[str, str]]
    public: bool


def _operation_view(method: str, path: str, op: dict) -> OperationView:
    params = [FieldRow(path=p["name"], types=_types(p["schema"]), required=p.get("required", False),
                       description=p.get("description", ""), enum=[v for v in p["schema"].get("enum", []) if v is not None],
                       default=p["schema"].get("default"), limits={**_row("", p["schema"], False).limits, "in": p["in"]})
              for p in op.get("parameters", [])]
    body = op.get("requestBody")
    body_rows = field_rows(body["content"]["application/json"]["schema"]) if body else None
    successes, errors = [], []
    for status, answer in op["responses"].items():
        schema = answer["content"]["application/json"]["schema"]
        if status.startswith("2"):
            successes.append((status, answer["description"], field_rows(schema)))
        else:
            errors.append((status, answer["description"]))
    return OperationView(method.upper(), path, op, params, body_rows, successes, errors, op.get("security") == [])


def operations_by_tag(document: dict) -> list[tuple[str, list[OperationView]]]:
    groups: dict[str, list[OperationView]] = {tag["name"]: [] for tag in document.get("tags", [])}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            groups.setdefault(op["tags"][0], []).append(_operation_view(method, path, op))
    return [(tag, ops) for tag, ops in groups.items() if ops]
