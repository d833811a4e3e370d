"""Pure claim rules and the photo check: who decides, what a decision needs, names and sizes as shown, thumbnails,
and which files count as photos (decoded by Pillow, whatever their name says)."""
from decimal import Decimal

import pytest

from shopcs.cases import claim_rules
from shopcs.cases.claim_images import PhotoRefused, inspect_photo
from shopcs.orders.refunds import REASONS

from ..claim_builders import PDF, image_bytes, not_photos


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


@pytest.mark.parametrize("fmt, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_jpeg_png_or_webp_is_a_photo_whatever_its_name(fmt, content_type):
    photo = inspect_photo(image_bytes(fmt, size=(7, 5)), 10_000)
    assert (photo.content_type, photo.width, photo.height, len(photo.sha256)) == (content_type, 7, 5, 64)


@pytest.mark.parametrize("kind, code", [
    ("a PDF renamed .jpg", "not_an_image"), ("an HTML file", "not_an_image"), ("an SVG", "not_an_image"),
    ("a truncated JPEG", "not_an_image"), ("a GIF", "not_an_image"), ("a decompression bomb", "too_many_pixels"),
    ("an empty file", "empty"),
])
def test_a_file_that_only_looks_like_a_photo_is_refused(kind, code):
    with pytest.raises(PhotoRefused) as refused:
        inspect_photo(not_photos()[kind][0], 10_000_000)
    assert refused.value.code == code


def test_a_bomb_beyond_twice_the_pixel_limit_is_refused_before_it_is_decoded():
    with pytest.raises(PhotoRefused) as refused:
        inspect_photo(image_bytes("PNG", size=(11_000, 11_000), mode="1"), 10_000_000)
    assert refused.value.code == "too_many_pixels"


def test_a_photo_one_byte_over_the_limit_is_refused():
    data = image_bytes()
    assert inspect_photo(data, len(data)).size == len(data)
    with pytest.raises(PhotoRefused) as refused:
        inspect_photo(data, len(data) - 1)
    assert refused.value.code == "too_large"
    with pytest.raises(PhotoRefused):
        inspect_photo(PDF, 10_000)
