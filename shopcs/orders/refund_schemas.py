"""The refund endpoints' bodies and header, declared once: the views check requests with them and the API
description shows them. The amount against what is still refundable is the refund service's rule."""
from flask_babel import lazy_gettext as _l

from ..apischema.operations import param
from ..apischema.shapes import boolean, choice, money, obj, text, time
from ..limits import NOTE_MAX
from .refunds import REASONS

NOTE = text(NOTE_MAX, nullable=True, default="")
REFUND_BODY = obj({
    "amount": money(description=_l("In the order's currency, with no more decimals than it has (none for JPY): at most "
                                   "what is still refundable, paid total − open and done refunds.")),
    "reason": choice(REASONS),
    "with_return": boolean(default=False, description=_l("The buyer sends the goods back.")),
    "note": NOTE,
    "requested_at": time(nullable=True, description=_l("When the buyer asked; the platform may back-date.")),
}, required=("amount", "reason"))
APPROVE_BODY = obj({})
REJECT_BODY = obj({"note": NOTE})
COMPLETE_BODY = obj({"completed_at": time(nullable=True, description=_l("When the money was paid back; now if absent."))})
IDEMPOTENCY_KEY = param("Idempotency-Key", "header", text(100, required=True),
                        _l("The same key again returns the first refund (200) instead of making another."))
