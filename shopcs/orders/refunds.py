"""Refund policy: what may be refunded, who may approve, which state changes are legal. Pure."""
from decimal import Decimal

REASONS = ("not_as_described", "quality", "wrong_item", "damaged", "not_received", "size", "changed_mind", "other")
STATES = ("requested", "approved", "rejected", "completed")
OPEN_OR_DONE = ("requested", "approved", "completed")
_MOVES = {"requested": {"approved", "rejected"}, "approved": {"completed"}}
REFUNDABLE_ORDER_STATUSES = ("paid", "shipped", "completed", "closed")


class RefundRuleError(ValueError):
    """A refund action the rules forbid; `code` says which rule."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def refundable(paid_total: Decimal, refunds: list[tuple[Decimal, str]]) -> Decimal:
    """Paid total minus every refund that is requested, approved or completed: open requests count."""
    promised = sum((amount for amount, status in refunds if status in OPEN_OR_DONE), Decimal("0.00"))
    return paid_total - promised


def check_request(order_status: str, amount: Decimal, available: Decimal) -> None:
    if order_status not in REFUNDABLE_ORDER_STATUSES:
        raise RefundRuleError("not_paid", "Only a paid order can be refunded.")
    if amount <= 0:
        raise RefundRuleError("amount", "The amount must be above ¥0.00.")
    if amount > available:
        raise RefundRuleError("amount", f"At most ¥{available:,.2f} can still be refunded on this order.")


def check_move(current: str, new: str) -> None:
    if new not in _MOVES.get(current, set()):
        raise RefundRuleError("state", f"A {current} refund cannot become {new}.")


DECIDING_ROLES = ("agent", "after_sales", "supervisor", "admin")


def may_decide(role: str | None, *, is_platform: bool = False) -> bool:
    """Who may open, reject and complete refunds: service roles and the platform, not shipping or operators."""
    return is_platform or role in DECIDING_ROLES


def may_approve(role: str | None, amount: Decimal, limit: Decimal, *, is_platform: bool = False) -> bool:
    """Agents approve up to the limit; supervisors and admins above it; the platform token always."""
    if is_platform:
        return True
    if role in ("supervisor", "admin"):
        return True
    return role in ("agent", "after_sales") and amount <= limit


def fully_refunded(paid_total: Decimal, completed_total: Decimal) -> bool:
    return paid_total > 0 and completed_total >= paid_total
