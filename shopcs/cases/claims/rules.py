"""Claim rules: what a decision needs, how names and sizes are shown; who may open and decide is asked of auth/policy.py. Pure."""
from decimal import Decimal

from ...auth.policy import allows
from ...limits import NOTE_MAX

# A damaged parcel is refunded as "damaged", a lost one as "not received" (orders.refunds.REASONS).
REFUND_REASONS = {"damaged": "damaged", "lost": "not_received"}
MAX_PHOTOS = 10
ABOVE_ZERO = "must be above zero"  # in whatever currency the order is
ORIGINAL_NAME_MAX = 200  # the column's length: the model takes it from here, so the rule stays pure


def may_work(role: str | None, *, is_platform: bool = False) -> bool:
    """The platform (a chat integration) may open a claim and attach the buyer's photos; shipping staff may not."""
    return allows(role, "claims.work", is_platform=is_platform)


def may_decide(role: str | None) -> bool:
    """A decision is a person's judgement, so the platform's token never decides."""
    return allows(role, "claims.decide")


def decision_problems(approve: bool, amount: Decimal | None, note: str, claimed: Decimal | None = None) -> dict:
    """Field problems of a decision: an approval needs an amount above zero and at most the amount claimed,
    a rejection needs a note telling why (the buyer will ask)."""
    fields = {}
    if approve:
        if amount is None or amount <= 0:
            fields["amount"] = ABOVE_ZERO
        elif claimed is not None and amount > claimed:
            fields["amount"] = "must not be above the amount claimed"
    elif not note.strip():
        fields["note"] = "is required to reject a claim"
    if len(note) > NOTE_MAX:
        fields["note"] = f"must be at most {NOTE_MAX} characters"
    return fields


def original_name(filename: str | None) -> str:
    """The uploader's file name as it is shown: its last path part, no control characters, at most 200 characters.
    It is never used to name the stored file."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:ORIGINAL_NAME_MAX] or "photo"


def size_text(size: int) -> str:
    """"5 MB", "1.5 MB", "800 KB", "900 bytes": for limits and the evidence list."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def thumbnail_size(width: int, height: int, box: int = 160) -> tuple[int, int]:
    """The <img> width and height that fit the photo in a box×box square without stretching it (nor enlarging)."""
    if width <= 0 or height <= 0:
        return box, box
    scale = min(box / width, box / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))
