"""Which order a buyer's message is about, when the message or the buyer makes it plain (issue 18): an order number
written in the message that this customer owns, else the customer's only open order. Anything less certain links
nothing: an agent links it by hand."""
import re
import unicodedata

from sqlalchemy import select

from ..extensions import db
from ..orders.models import Order
from ..orders.schemas import ORDER_NO_MAX

OPEN_STATUSES = ("unpaid", "paid", "shipped")  # not yet completed, cancelled or closed
# An order number as buyers paste it: letters, digits, "-" and "_", with at least one digit, 5 characters or more.
_CANDIDATE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{4,}")
MAX_CANDIDATES = 20  # a message full of numbers is not searched for all of them


def order_numbers_in(text: str) -> list[str]:
    """The words of `text` that could be order numbers, in order of appearance, without repeats. Full-width letters
    and digits (１２３) count as their ASCII selves, as a Chinese keyboard types them."""
    found: list[str] = []
    for word in _CANDIDATE.findall(unicodedata.normalize("NFKC", text or "")):
        if len(word) <= ORDER_NO_MAX and any(ch.isdigit() for ch in word) and word not in found:
            found.append(word)
    return found[:MAX_CANDIDATES]


def order_to_link(customer_id: int | None, text: str) -> Order | None:
    """The one order the message names among the customer's, else the customer's only open order; None otherwise."""
    if customer_id is None:
        return None
    mine = select(Order).where(Order.customer_id == customer_id)
    if numbers := order_numbers_in(text):
        named = list(db.session.scalars(mine.where(Order.order_no.in_(numbers)).limit(2)))
        if len(named) == 1:
            return named[0]
        if named:
            return None  # two of their orders named: the agent decides
    open_orders = list(db.session.scalars(mine.where(Order.status.in_(OPEN_STATUSES)).limit(2)))
    return open_orders[0] if len(open_orders) == 1 else None
