"""What every /api/v1/ endpoint shares: bearer-token auth, JSON bodies, the error body."""
from functools import wraps

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from .actor import Actor
from .api_reasons import translated
from .auth.services import find_api_token, note_token_use
from .timeutil import utcnow


class ApiError(Exception):
    """Raised anywhere under an API view; rendered as {"error": {...}} with its status."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


INVALID_FIELDS = _l("The request has invalid fields.")


def validation_error(fields: dict, message=INVALID_FIELDS) -> ApiError:
    return ApiError(422, "validation_error", message, fields)


def _plain(value):
    """A field reason as JSON: text (a lazy translation included) becomes str in the request's language; lists and
    objects keep their shape."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (bool, int, float)) else translated(value)


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """The body carries the message and the field reasons as plain strings in the request's language (api_reasons);
    the code and the field names stay as they are."""
    fields = {str(name): _plain(reason) for name, reason in (fields or {}).items()}
    response = jsonify({"error": {"code": code, "message": translated(message), "fields": fields}})
    response.status_code = status
    return response


def token_required(view):
    """Bearer token auth; the token acts as the shop's platform (g.actor)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        token = find_api_token(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return error_response(401, "unauthorized", _l("A valid API token is required: Authorization: Bearer <token>."))
        note_token_use(token, utcnow())
        g.actor = Actor.for_token(token)
        return view(*args, **kwargs)

    return wrapped


def json_body() -> dict:
    """The request's JSON object, or a 400 that says why not."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "bad_request", _l("The body must be JSON (Content-Type: application/json)."))
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", _l("The body must be a JSON object."), {"": _l("must be an object")})
    return data

