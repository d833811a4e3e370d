"""Pure claim rules: who decides, what a decision needs, names and sizes as shown, thumbnails (which files count as
photos, and what of them is stored: test_claim_images)."""
from decimal import Decimal

import pytest

from shopcs.cases.claims import rules as claim_rules
from shopcs.orders.refunds import REASONS


def test_each_claim_kind_refunds_with_a_reason_the_refund_flow_knows():
    assert claim_rules.REFUND_REASONS == {"damaged": "damaged", "lost": "not_received"}
    assert set(claim_rules.REFUND_REASONS.values()) <= set(REASONS)


def test_agents_open_claims_but_only_after_sales_supervisors_and_admins_decide():
    assert [role for role in ("agent", "after_sales", "shipping", "supervisor", "operator", "admin")
            if claim_rules.may_work(role)] == ["agent", "after_sales", "supervisor", "admin"]
    assert [role for role in ("agent", "after_sales", "shipping", "supervisor", "operator", "admin", None)
            if claim_rules.may_decide(role)] == ["after_sales", "supervisor", "admin"]
    assert claim_rules.may_work(None, is_platform=True)


def test_an_approval_needs_an_amount_within_the_claim_and_a_rejection_a_note():
    claimed = Decimal("80.00")
    assert claim_rules.decision_problems(True, Decimal("80.00"), "", claimed) == {}
    assert set(claim_rules.decision_problems(True, None, "", claimed)) == {"amount"}
    assert set(claim_rules.decision_problems(True, Decimal("0.00"), "", claimed)) == {"amount"}
    assert set(claim_rules.decision_problems(True, Decimal("80.01"), "", claimed)) == {"amount"}
    assert set(claim_rules.decision_problems(False, None, "  ", claimed)) == {"note"}
    assert claim_rules.decision_problems(False, None, "外箱完好", claimed) == {}
    assert set(claim_rules.decision_problems(False, None, "x" * 2001, claimed)) == {"note"}


@pytest.mark.parametrize("given, shown", [
    ("破损.jpg", "破损.jpg"), ("C:\\Users\\li\\照片.png", "照片.png"), ("../../etc/passwd", "passwd"),
    ("a\x00b\nc.png", "abc.png"), ("", "photo"), (None, "photo"), ("x" * 300 + ".jpg", "x" * 200),
])
def test_the_uploaders_file_name_is_kept_only_as_a_short_label(given, shown):
    assert claim_rules.original_name(given) == shown


def test_sizes_are_shown_in_bytes_kilobytes_or_megabytes():
    assert [claim_rules.size_text(n) for n in (900, 1024, 20_000, 5 * 1024 * 1024, 1536 * 1024)] == [
        "900 bytes", "1 KB", "19.5 KB", "5 MB", "1.5 MB"]


def test_a_thumbnail_keeps_the_photos_shape_and_never_enlarges_it():
    assert claim_rules.thumbnail_size(4000, 3000) == (160, 120)
    assert claim_rules.thumbnail_size(1000, 2000) == (80, 160)
    assert claim_rules.thumbnail_size(50, 40) == (50, 40)
    assert claim_rules.thumbnail_size(0, 0) == (160, 160)
