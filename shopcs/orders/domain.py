"""Order states and the order arithmetic: pure rules, no database, no clock."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

STATUSES = ("unpaid", "paid", "shipped", "completed", "cancelled", "closed")
_CHAIN = ("unpaid", "paid", "shipped", "completed")
_SIDE_EXITS = {"unpaid": {"cancelled", "closed"}, "paid": {"closed"}, "shipped": {"closed"}}
PAID_STATES = ("paid", "shipped", "completed")


def can_move(current: str, new: str, closed_here: bool = False) -> bool:
    """Status only moves forward: along unpaid → paid → shipped → completed, or out to cancelled/closed.

    Staying put is allowed (a platform re-sends the same state). A skip forward along the chain is
    allowed because a platform may drop a push (an order first seen unpaid can next arrive shipped).
    `closed_here`: ShopCS closed the order itself (unpaid too long); the platform, which holds the money,
    may still report it paid or later, and its word wins.
    """
    if current == new:
        return True
    if paid_after_local_close(current, new, closed_here):
        return True
    if current in _CHAIN and new in _CHAIN:
        return _CHAIN.index(new) > _CHAIN.index(current)
    return new in _SIDE_EXITS.get(current, set())


def paid_after_local_close(current: str, new: str, closed_here: bool) -> bool:
    """The platform reports a payment (or a later state) for an order that only ShopCS had closed."""
    return closed_here and current == "closed" and new in PAID_STATES


def is_older(incoming: datetime | None, stored: datetime | None) -> bool:
    """Whether the platform's version of an order is older than the one last applied (its own update times).

    A replayed or late delivery must not put back earlier values, field by field. An equal time is the same
    version again (applied, changing nothing); a missing time on either side cannot be compared, so it is not older.
    """
    return incoming is not None and stored is not None and incoming < stored


@dataclass(frozen=True)
class LineItem:
    sku: str
    title: str
    quantity: int
    unit_price: Decimal


def items_total(items: list[LineItem]) -> Decimal:
    return sum((item.unit_price * item.quantity for item in items), Decimal("0.00"))


def expected_total(items: list[LineItem], shipping_fee: Decimal, discount: Decimal) -> Decimal:
    return items_total(items) + shipping_fee - discount


def needs_address_confirmation(status: str, address_confirmed: bool) -> bool:
    return status == "paid" and not address_confirmed
