"""Refund policy: what may be refunded, who may approve, which state changes are legal. Pure.

Amounts are in the order's own currency; an approval limit is per currency (ApprovalLimits)."""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..auth.policy import allows
from ..currency import DEFAULT, amount_problem, format_amount

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


def check_request(order_status: str, amount: Decimal, available: Decimal, currency: str = DEFAULT) -> None:
    """Codes: "not_paid"; "amount" (zero or less, or above what is left); "decimals" (more decimals than the order's
    currency has: "JPY has no decimals", the message names the currency)."""
    if order_status not in REFUNDABLE_ORDER_STATUSES:
        raise RefundRuleError("not_paid", "Only a paid order can be refunded.")
    if amount <= 0:
        raise RefundRuleError("amount", f"The amount must be above {format_amount(Decimal(0), currency, 'en')}.")
    if problem := amount_problem(amount, currency):
        raise RefundRuleError("decimals", problem)
    if amount > available:
        raise RefundRuleError("amount", f"At most {format_amount(available, currency, 'en')} can still be refunded on this order.")


def check_move(current: str, new: str) -> None:
    if new not in _MOVES.get(current, set()):
        raise RefundRuleError("state", f"A {current} refund cannot become {new}.")


def may_decide(role: str | None, *, is_platform: bool = False) -> bool:
    """Who may open, reject and complete refunds: service roles and the platform, not shipping or operators."""
    return allows(role, "refunds.decide", is_platform=is_platform)


@dataclass(frozen=True)
class ApprovalLimits:
    """The shop's approval settings per currency, handed to the refund service by its caller (built by
    app_config.approval_limits from SHOPCS_REFUND_APPROVAL_LIMIT(S) and SHOPCS_REFUND_FOUR_EYES_ABOVE(_LIMITS))."""
    limits: Mapping[str, Decimal]  # {"CNY": 200.00, "USD": 30.00}: what one person below supervisor approves on one order
    four_eyes: Mapping[str, Decimal] | None = None  # per currency, above it the requester does not approve; None: off

    def limit_for(self, currency: str) -> Decimal | None:
        """The limit in `currency`; None when the shop set none for it: then only a supervisor approves its refunds."""
        return self.limits.get(currency)

    def four_eyes_for(self, currency: str) -> Decimal | None:
        """Above this amount the requester does not approve; None: four-eyes is off. With four-eyes on, a currency
        without its own amount has four-eyes on every refund (0): unknown ground gets the cautious rule."""
        if self.four_eyes is None:
            return None
        return self.four_eyes.get(currency, Decimal(0))


COUNTED_APPROVALS = ("approved", "completed")  # what a person has approved on an order: still counts once paid out


def approved_by(person: str, refunds: list[tuple[str | None, str, Decimal]]) -> Decimal:
    """What `person` approved on one order: the approved or completed refunds they decided, from (decided_by, status, amount)."""
    return sum((amount for decider, status, amount in refunds if decider == person and status in COUNTED_APPROVALS),
               Decimal("0.00"))


def over_limit(amount: Decimal, limit: Decimal | None, approved_before: Decimal = Decimal("0.00")) -> bool:
    """Whether one person's approvals on one order, this one included, go above the limit; with no limit (None,
    a currency the shop set none for) every amount is above it."""
    return limit is None or approved_before + amount > limit


def approval_refusal(role: str | None, amount: Decimal, limit: Decimal | None, *, is_platform: bool = False,
                     approved_before: Decimal = Decimal("0.00"), approver: str | None = None, requester: str | None = None,
                     four_eyes_above: Decimal | None = None) -> str | None:
    """Why this approval is refused (None: allowed). The platform token always may; the rules are about people.

    "role": the role never approves. "limit": an agent's approvals on one order, this one included, would go above
    the limit (three ¥200 refunds on one order are ¥600 from one person), or the order's currency has no limit
    (None), so a supervisor approves. "four_eyes": above
    `four_eyes_above` the person who requested a refund does not approve it, whatever their role, supervisors too.
    """
    if is_platform:
        return None
    if not may_decide(role):
        return "role"
    if not allows(role, "refunds.approve_above_limit") and over_limit(amount, limit, approved_before):
        return "limit"
    if four_eyes_above is not None and amount > four_eyes_above and approver is not None and approver == requester:
        return "four_eyes"
    return None


def may_approve(role: str | None, amount: Decimal, limit: Decimal | None, *, is_platform: bool = False, **context) -> bool:
    """Agents approve up to the limit on one order in total; supervisors and admins above it; the platform token always.

    `context` is approval_refusal's keywords (approved_before, approver, requester, four_eyes_above)."""
    return approval_refusal(role, amount, limit, is_platform=is_platform, **context) is None


def fully_refunded(paid_total: Decimal, completed_total: Decimal) -> bool:
    return paid_total > 0 and completed_total >= paid_total
