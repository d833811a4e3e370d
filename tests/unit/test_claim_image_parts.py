"""Which stored files hold nothing but what clean_photo writes: every copy it makes does (so cleaning stored photos
again never re-encodes one), and a file with any metadata, or bytes after its picture, does not."""
import io

import pytest
from PIL import Image, PngImagePlugin

from shopcs.cases.claims.image_parts import carries_no_metadata
from shopcs.cases.claims.images import clean_photo

from ..claim_builders import COMMENT, PDF, XMP, corner_pixels, phone_exif, phone_photo, srgb_profile, truncated_jpeg, two_pictures

LIMIT = 10_000_000


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def transparent_palette_png() -> bytes:
    image = Image.new("P", (6, 4))
    image.putpalette([255, 0, 0, 0, 0, 255])
    return encoded(image, "PNG", transparency=0)


# Uploads of each format, mode and shape, whose copies must all read as clean.
UPLOADS = {
    **{f"phone {fmt} turned {turn}{' with ICC' if icc else ''}": phone_photo(fmt, orientation=turn, icc=icc)
       for fmt in ("JPEG", "PNG", "WEBP") for turn in (1, 6) for icc in (None, srgb_profile())},
    "a lossless WebP with alpha": encoded(Image.new("RGBA", (9, 7), (1, 2, 3, 40)), "WEBP", lossless=True),
    "a PNG with alpha": encoded(Image.new("RGBA", (9, 7), (1, 2, 3, 40)), "PNG"),
    "a PNG with a transparent palette": transparent_palette_png(),
    "a greyscale JPEG": encoded(Image.new("L", (9, 7), 90), "JPEG"),
    "a CMYK JPEG": encoded(Image.new("CMYK", (9, 7), (0, 90, 90, 0)), "JPEG"),
    "a progressive JPEG": encoded(corner_pixels((120, 80)), "JPEG", progressive=True),
    "a JPEG with restart markers": encoded(corner_pixels((120, 80)), "JPEG", restart_marker_blocks=2),
    "a JPEG holding two pictures (MPO)": two_pictures("MPO"),
}


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_every_copy_clean_photo_stores_carries_no_metadata(kind):
    stored, _photo = clean_photo(UPLOADS[kind], LIMIT)
    assert carries_no_metadata(stored)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_encoded_without_metadata_carries_none(fmt):
    assert carries_no_metadata(encoded(corner_pixels(), fmt))


def _png_text() -> PngImagePlugin.PngInfo:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", COMMENT)
    return text


# Each kind of metadata alone, and bytes where no viewer looks.
WITH_METADATA = {
    **{f"a phone {fmt}": phone_photo(fmt) for fmt in ("JPEG", "PNG", "WEBP")},
    "a JPEG with EXIF only": encoded(corner_pixels(), "JPEG", exif=phone_exif()),
    "a JPEG with XMP only": encoded(corner_pixels(), "JPEG", xmp=XMP),
    "a JPEG with a comment only": encoded(corner_pixels(), "JPEG", comment=COMMENT),
    "a PNG with EXIF only": encoded(corner_pixels(), "PNG", exif=phone_exif()),
    "a PNG with a text chunk only": encoded(corner_pixels(), "PNG", pnginfo=_png_text()),
    "a WebP with EXIF only": encoded(corner_pixels(), "WEBP", exif=phone_exif()),
    "a WebP with XMP only": encoded(corner_pixels(), "WEBP", xmp=XMP),
    "a JPEG holding two pictures (MPO)": two_pictures("MPO"),
    "a JPEG with bytes after its end": encoded(corner_pixels(), "JPEG") + b"31.2304N 121.4737E",
    "a PNG with bytes after its end": encoded(corner_pixels(), "PNG") + b"31.2304N 121.4737E",
    "a WebP with bytes after its end": encoded(corner_pixels(), "WEBP") + b"31.2304N 121.4737E",
}


@pytest.mark.parametrize("kind", list(WITH_METADATA))
def test_a_file_with_metadata_or_bytes_after_its_picture_needs_cleaning(kind):
    assert not carries_no_metadata(WITH_METADATA[kind])


PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.mark.parametrize("data", [b"", PDF, truncated_jpeg(), b"\xff\xd8\xff\xd9", b"\x89PNG\r\n\x1a\n" + PNG_END,
                                  b"RIFF\x04\x00\x00\x00WEBP"],
                         ids=["empty", "a PDF", "a truncated JPEG", "a JPEG start and end alone", "a PNG with no picture",
                              "a WebP header alone"])
def test_what_is_not_a_whole_photo_is_not_called_clean(data):
    assert not carries_no_metadata(data)
