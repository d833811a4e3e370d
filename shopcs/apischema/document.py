"""The OpenAPI 3.1 document of /api/v1/, built from the Operation every API view declares and from the URL map.

Built in the request's language: /api/v1/openapi.json asks for English, the API page for the reader's language.
"""
import re

from flask import Flask, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .operations import ERROR_BODY, TAGS, Operation

API_PREFIX = "/api/v1/"
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTED = {"int": {"type": "integer", "minimum": 0}}
ERROR_TEXTS = {
    400: _l("The body is not JSON, or not valid UTF-8."),
    401: _l("A valid API token is required: Authorization: Bearer <token>."),
    404: _l("No such resource."),
    409: _l("The change conflicts with the current state."),
    413: _l("The body is larger than 1 MiB."),
    422: _l("A field or parameter is invalid; error.fields names each one."),
}
SUCCESS_TEXTS = {200: _l("OK"), 201: _l("Created")}
# An empty query value (?status=) is read as the parameter left out (check._query_value); each one says so.
EMPTY_QUERY_TEXTS = {
    "filter": _l("Empty (?%(name)s=) or left out: no filter."),
    "default": _l("Empty (?%(name)s=) or left out: %(default)s."),
    "required": _l("Required: empty (?%(name)s=) counts as left out (422)."),
}


def public(value):
    """A declaration as JSON: lazy texts become text, the checker's own `x-` keywords are left out."""
    if isinstance(value, dict):
        return {str(k): public(v) for k, v in value.items() if not str(k).startswith("x-")}
    if isinstance(value, (list, tuple)):
        return [public(v) for v in value]
    return str(value) if isinstance(value, LazyString) else value


def api_rules(app: Flask) -> list:
    return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX)), key=lambda r: r.rule)


def undescribed(app: Flask) -> list[str]:
    """The API's URL rules whose view declares no Operation."""
    return [r.rule for r in api_rules(app) if getattr(app.view_functions[r.endpoint], "openapi", None) is None]


def openapi_path(rule) -> tuple[str, list[dict]]:
    """'/orders/<order_no>' → ('/orders/{order_no}', [its path parameters])."""
    names = [(m["name"], m["converter"]) for m in _ARGUMENT.finditer(rule.rule)]
    path = _ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule.rule)
    params = [{"name": name, "in": "path", "required": True, "schema": _CONVERTED.get(converter, {"type": "string"})}
              for name, converter in names]
    return path, params


def _responses(op: Operation) -> dict:
    answers = {str(status): {"description": SUCCESS_TEXTS.get(status, ""),
                             "content": {"application/json": {"schema": schema}}} for status, schema in op.responses.items()}
    for status in op.errors:
        answers[str(status)] = {"description": ERROR_TEXTS[status],
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return answers


def described_parameter(p: dict) -> dict:
    """A declared parameter as described: a query parameter's description ends with what an empty value means."""
    if p["in"] != "query":
        return p
    kind = "required" if p.get("required") else "default" if "default" in p["schema"] else "filter"
    empty = EMPTY_QUERY_TEXTS[kind] % {"name": p["name"], "default": p["schema"].get("default")}
    text = str(p["description"])
    return {**p, "description": text + ("" if not text or text.endswith("。") else " ") + empty}


def operation_object(op: Operation, endpoint: str, path_params: list[dict]) -> dict:
    for p in path_params:
        p["schema"] = op.path_schemas.get(p["name"], p["schema"])
    out = {"operationId": endpoint, "tags": [op.tag], "summary": op.summary, "description": op.description,
           "parameters": path_params + [described_parameter(p) for p in op.parameters], "responses": _responses(op)}
    if op.body is not None:
        out["requestBody"] = {"required": op.body_required, "content": {"application/json": {"schema": op.body}}}
    if op.public:
        out["security"] = []
    return out


def openapi_document(app: Flask) -> dict:
    paths: dict = {}
    for rule in api_rules(app):
        op = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if op is None:
            continue
        path, path_params = openapi_path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation_object(op, rule.endpoint, [dict(p) for p in path_params])
    return public({
        "openapi": "3.1.0",
        "info": {"title": "ShopCS API", "version": "1", "description": _l(
            "Orders, refunds, cases, the outbox, opt-outs and reports for the shop's platform. Money is a string with "
            "the decimals of the order's currency, times are ISO 8601 with an offset, errors carry {\"error\": {code, message, fields}}.")},
        "servers": [{"url": request.script_root or "/"}],
        "tags": [{"name": tag} for tag in TAGS],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR_BODY},
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })
