"""API error texts in the request's language, translated in one place: when the error body is rendered.

The checks that find a problem are pure and speak English (JSON Schema reasons, parsers, money and time
checks, Werkzeug's HTTP descriptions); a lazy translation passes as it is. A fixed English text is looked up
in the catalogue (the list below puts it there); a text with a number or a list in it is matched against its
pattern and translated with that value. Anything else (a name, an id) stays as written.
"""
import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .i18n_labels import order_status

FIXED = (  # for `pybabel extract`: the English texts the API gives, as gettext finds them at render time
    _l("The request has invalid fields."), _l("The body must be JSON (Content-Type: application/json)."),
    _l("The body must be a JSON object."), _l("The JSON is nested too deeply."),
    _l("A valid API token is required: Authorization: Bearer <token>."),
    _l("Something went wrong on our side; nothing was saved."),
    _l("is required"), _l("is required (YYYY-MM-DD)"), _l("must be an object"), _l("must be a list"),
    _l("must be a string"), _l("must be true or false"), _l("must be a whole number"), _l("must be a number"),
    _l("must not contain NUL characters"), _l("must be valid Unicode text"), _l("is out of range"),
    _l("must be a date as YYYY-MM-DD"), _l("must not start or end with spaces"),
    _l("must be an ISO 4217 currency code in capitals, such as CNY, USD or JPY"),
    _l("must be an ISO 3166-1 alpha-2 country code in capitals, such as CN, US or JP"),
    _l("must be a number with at most three decimals, such as \"12.50\""),
    _l("must be a string with at most three decimals, such as \"12.50\""),
    _l("must be an ISO 8601 time with an offset, such as 2026-03-04T10:00:00+08:00"),
    _l("is not an ISO 8601 time, such as 2026-03-04T10:00:00+08:00"), _l("needs an offset, such as +08:00"),
    _l("The order has invalid fields."), _l("No such order."), _l("The body must be JSON."),
    _l("The order or its customer was written by another request at the same time; send it again."),
    # messages, replies and the storefront widget (shopcs.conversations, shopcs.cases)
    _l("must be 1 to 64 letters, digits, - or _"), _l("must be 4 digits"), _l("must not be in the future"),
    _l("is required when there is no order_no"), _l("must be a time with an offset, such as 2026-03-04T10:00:00+08:00"),
    _l("is required for a reply given elsewhere"), _l("only a reply given elsewhere has a time of its own"),
    _l("must not be before the customer's message"),
    # Werkzeug's descriptions of the HTTP errors an API client meets
    _l("The browser (or proxy) sent a request that this server could not understand."),
    _l("The requested URL was not found on the server. If you entered the URL manually please check your spelling "
       "and try again."),
    _l("The method is not allowed for the requested URL."),
    _l("The data value transmitted exceeds the capacity limit."),
    _l("The server does not support the media type transmitted in the request."),
)
# Texts with a value in them: the English pattern, and the message it stands for with the matched values.
PATTERNS = (
    (re.compile(r"must be at least (?P<limit>-?[0-9.]+)"), lambda v: _l("must be at least %(limit)s", **v)),
    (re.compile(r"must be at most (?P<limit>-?[0-9.]+)"), lambda v: _l("must be at most %(limit)s", **v)),
    (re.compile(r"must be at least (?P<limit>[0-9]+) characters"), lambda v: _l("must be at least %(limit)s characters", **v)),
    (re.compile(r"must be at most (?P<limit>[0-9]+) characters"), lambda v: _l("must be at most %(limit)s characters", **v)),
    (re.compile(r"must hold at least (?P<limit>[0-9]+) items"), lambda v: _l("must hold at least %(limit)s items", **v)),
    (re.compile(r"must hold at most (?P<limit>[0-9]+) items"), lambda v: _l("must hold at most %(limit)s items", **v)),
    (re.compile(r"must hold (?P<low>[0-9]+) to (?P<high>[0-9]+) items"), lambda v: _l("must hold %(low)s to %(high)s items", **v)),
    (re.compile(r"must be a whole number from (?P<low>-?[0-9]+) to (?P<high>-?[0-9]+)"),
     lambda v: _l("must be a whole number from %(low)s to %(high)s", **v)),
    (re.compile(r"must be one of (?P<choices>.+)"), lambda v: _l("must be one of %(choices)s", **v)),
    (re.compile(r"No order (?P<order_no>.+)\."), lambda v: _l("No order %(order_no)s.", **v)),
    (re.compile(r"No refund (?P<id>.+)\."), lambda v: _l("No refund %(id)s.", **v)),
    (re.compile(r"No customer (?P<id>.+)\."), lambda v: _l("No customer %(id)s.", **v)),
    (re.compile(r"No outbox message (?P<id>.+)\."), lambda v: _l("No outbox message %(id)s.", **v)),
    (re.compile(r"(?P<code>[A-Z]{3}) has no decimals"), lambda v: _l("%(code)s has no decimals", **v)),
    (re.compile(r"(?P<code>[A-Z]{3}) has at most (?P<digits>[0-9]) decimals"),
     lambda v: _l("%(code)s has at most %(digits)s decimals", **v)),
    (re.compile(r"(?P<code>[A-Z]{3}) is not a currency orders are accepted in"),
     lambda v: _l("%(code)s is not a currency orders are accepted in", **v)),
    (re.compile(r"(?P<code>[A-Z]{2}) is not a country code"), lambda v: _l("%(code)s is not a country code", **v)),
    (re.compile(r"must stay (?P<code>[A-Z]{3})"), lambda v: _l("must stay %(code)s", **v)),
    (re.compile(r"must be (?P<code>[A-Z]{3}), the order's currency"), lambda v: _l("must be %(code)s, the order's currency", **v)),
    (re.compile(r"The order is in (?P<code>[A-Z]{3}); its currency cannot change to (?P<to>[A-Z]{3})\."),
     lambda v: _l("The order is in %(code)s; its currency cannot change to %(to)s.", **v)),
    (re.compile(r"The order is (?P<status>[a-z]+); it cannot go back to (?P<to>[a-z]+)\."),
     lambda v: _l("The order is %(status)s; it cannot go back to %(to)s.", status=order_status(v["status"]),
                  to=order_status(v["to"]))),
)


def translated(text) -> str:
    """`text` as the request's reader reads it: a lazy translation in their language, a known English text
    translated, anything else as it is."""
    if not isinstance(text, str):
        return str(text)
    for pattern, message in PATTERNS:
        if match := pattern.fullmatch(text):
            return str(message(match.groupdict()))
    return gettext(text)
