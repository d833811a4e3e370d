"""What every /widget/v1/ request shares: CORS for the shop's own sites only, a small body cap, and the per-address
and per-conversation limits (kept in Flask-Limiter's storage, like the login throttle: shared by workers on Redis).

CORS by hand rather than Flask-CORS: an origin that is not allowed must get a 403 with nothing written, where
Flask-CORS only leaves its headers off and lets the request run. No credentials are ever allowed: the widget's token
travels in the Authorization header, never in a cookie.
"""
import math
import time

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from limits import parse

from ..api_support import error_response
from ..extensions import limiter

MAX_BODY_BYTES = 64 * 1024  # a 5,000-character message, every character \u-escaped, fits with room to spare
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight answer
ALLOW_METHODS = "GET, POST"
ALLOW_HEADERS = "Authorization, Content-Type, Accept-Language"


def _allowed(origin: str) -> bool:
    return origin in current_app.config["SHOPCS_WIDGET_ORIGINS"]


def guard():
    """Before every widget request: refuse a foreign origin, answer a preflight, cap the body."""
    origin = request.headers.get("Origin")
    if origin is not None and not _allowed(origin):
        return error_response(403, "forbidden", _l("This site may not use the chat widget."))
    if request.method == "OPTIONS" and origin is not None:
        response = current_app.response_class(status=204)
        response.headers.update({"Access-Control-Allow-Methods": ALLOW_METHODS,
                                 "Access-Control-Allow-Headers": ALLOW_HEADERS,
                                 "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE)})
        return response
    request.max_content_length = MAX_BODY_BYTES  # a larger body is a 413 before it is read
    return None


def cors_headers(response):
    """After every widget response, errors included, so that the widget can read why."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is not None and _allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def spend(limit: str, *keys: str) -> int | None:
    """Counts one request against `limit` ("20/minute") for `keys`: None when allowed, else the seconds to wait."""
    item = parse(limit)
    if limiter.limiter.hit(item, "widget", *keys):
        return None
    reset_at = limiter.limiter.get_window_stats(item, "widget", *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def too_many(wait: int):
    response = error_response(429, "too_many_requests", _l("Too many requests. Please wait a moment and try again."))
    response.headers["Retry-After"] = str(wait)
    return response
