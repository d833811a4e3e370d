"""What every /widget/v1/ request shares: CORS for the shop's own sites only, a small body cap, and the per-address
and per-conversation limits (kept in Flask-Limiter's storage, like the login throttle: shared by workers on Redis).

CORS by hand rather than Flask-CORS: an origin that is not allowed must get a 403 with nothing written, where
Flask-CORS only leaves its headers off and lets the request run. No credentials are ever allowed: the widget's token
travels in the Authorization header, never in a cookie.
"""
import math
import time
from collections.abc import Callable

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
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


def _not_found(response) -> bool:
    return response.status_code == 404


def _too_many_failures(_limit):
    """The 429 of a breached failure limit; Retry-After: until every breached one lets a try through again."""
    resets = [breached.window[0] for breached in limiter.current_limits if breached.breached]  # (reset time, left)
    return too_many(max(1, math.ceil(max(resets, default=time.time() + 60) - time.time())))


def failures_limited(limit: str, conversation_key: Callable[[], str]):
    """A view decorator: more than `limit` ("10 per 10 minutes") failed tries (404s) from one conversation or from
    one address answer 429 with Retry-After, whatever is asked. Flask-Limiter's `deduct_when`: a try is tested
    before the view and counted after it, only when it failed, so a buyer's successful looks never use it up (two
    tries racing at the last free place may both pass: the limit bounds guessing, not to the unit)."""
    shared = {"deduct_when": _not_found, "on_breach": _too_many_failures}
    by_conversation = limiter.limit(limit, key_func=lambda: "conversation:" + conversation_key(), **shared)
    by_address = limiter.limit(limit, key_func=lambda: "address:" + get_remote_address(), **shared)
    return lambda view: by_address(by_conversation(view))
