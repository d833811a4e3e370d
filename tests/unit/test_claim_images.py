"""Which uploads are photos we keep (decoded by Pillow, whatever their name says), and the copy of one we store: none
of its metadata (EXIF with the GPS position and camera serial number, XMP, IPTC, comments, PNG text), turned upright,
in its own format with its ICC colour profile, and encoded with as little loss as the format allows."""
import io

import pytest
from PIL import ExifTags, Image, JpegImagePlugin

from shopcs.cases.claims.images import QUALITY, PhotoRefused, clean_photo

from ..claim_builders import (
    BLUE,
    CORNER,
    HOME,
    PDF,
    RED,
    SECRETS,
    SERIAL,
    corner_pixels,
    image_bytes,
    not_photos,
    phone_photo,
    srgb_profile,
    two_pictures,
)

LIMIT = 10_000_000
# Where each format keeps metadata: EXIF, XMP and IPTC segments of a JPEG; text and EXIF chunks of a PNG or a WebP.
METADATA_MARKS = {"JPEG": (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"Photoshop 3.0"),
                  "PNG": (b"tEXt", b"iTXt", b"zTXt", b"eXIf"), "WEBP": (b"EXIF", b"XMP ")}


def stored_image(stored: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(stored))
    image.load()
    return image


def looks_like(pixel, color, tolerance=40) -> bool:
    """Lossy formats shift colours a little, never from red to blue."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


# --- which uploads are photos we keep ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_jpeg_png_or_webp_is_a_photo_whatever_its_name(fmt, content_type):
    _stored, photo = clean_photo(image_bytes(fmt, size=(7, 5)), 10_000)
    assert (photo.content_type, photo.width, photo.height, len(photo.sha256)) == (content_type, 7, 5, 64)


@pytest.mark.parametrize("kind, code", [
    ("a PDF renamed .jpg", "not_an_image"), ("an HTML file", "not_an_image"), ("an SVG", "not_an_image"),
    ("a truncated JPEG", "not_an_image"), ("a GIF", "not_an_image"), ("a decompression bomb", "too_many_pixels"),
    ("an empty file", "empty"),
])
def test_a_file_that_only_looks_like_a_photo_is_refused(kind, code):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(not_photos()[kind][0], LIMIT)
    assert refused.value.code == code


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_an_animated_png_or_webp_is_refused(fmt):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(two_pictures(fmt), LIMIT)
    assert refused.value.code == "not_an_image"


def test_a_jpeg_holding_two_pictures_is_kept_as_a_jpeg_of_its_main_picture():
    """Phones add a depth map or an HDR gain map to a photo as a second picture (MPO); the first is the photo."""
    upload = two_pictures("MPO")
    assert Image.open(io.BytesIO(upload)).format == "MPO"
    stored, photo = clean_photo(upload, LIMIT)
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, getattr(image, "n_frames", 1), image.size) == ("JPEG", 1, (12, 8))
        assert looks_like(image.convert("RGB").getpixel((6, 4)), RED)
    assert (photo.content_type, photo.extension, photo.width, photo.height) == ("image/jpeg", ".jpg", 12, 8)


def test_a_bomb_beyond_twice_the_pixel_limit_is_refused_before_it_is_decoded():
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(image_bytes("PNG", size=(11_000, 11_000), mode="1"), LIMIT)
    assert refused.value.code == "too_many_pixels"


def test_the_size_limit_is_the_uploads_and_a_photo_one_byte_over_it_is_refused():
    data = phone_photo("JPEG", icc=srgb_profile())
    stored, photo = clean_photo(data, len(data))
    assert photo.size == len(stored) < len(data)  # the limit was not checked against the smaller copy
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data, len(data) - 1)
    assert refused.value.code == "too_large"
    with pytest.raises(PhotoRefused):
        clean_photo(PDF, 10_000)


# --- the copy we store ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_stored_copy_keeps_no_metadata_but_the_colour_profile_and_its_format(fmt):
    data = phone_photo(fmt, icc=srgb_profile())
    with Image.open(io.BytesIO(data)) as sent:  # the upload does carry the location, the serial number and more
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSMapDatum] == HOME
        assert sent.getexif().get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] == SERIAL
    assert all(mark in data for mark in METADATA_MARKS[fmt][:2])
    stored, photo = clean_photo(data, LIMIT)
    assert [secret for secret in SECRETS if secret in stored] == []
    assert [mark for mark in METADATA_MARKS[fmt] if mark in stored] == []
    image = stored_image(stored)
    assert image.format == fmt and photo.content_type == Image.MIME[fmt]
    assert dict(image.getexif()) == {} and image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert set(image.info) & {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "photoshop"} == set()
    assert image.info["icc_profile"] == srgb_profile()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_same_photo_without_metadata_is_the_same_stored_copy(fmt):
    """So the claim refuses it as a photo it already has."""
    out = io.BytesIO()
    corner_pixels().save(out, fmt)
    assert clean_photo(phone_photo(fmt), LIMIT) == clean_photo(out.getvalue(), LIMIT)


def test_a_stored_jpeg_has_no_segment_but_its_header_and_colour_profile():
    image = stored_image(clean_photo(phone_photo("JPEG", icc=srgb_profile()), LIMIT)[0])
    assert [marker for marker, _content in image.applist] == ["APP0", "APP2"]  # JFIF and ICC: no APP1, APP13, COM


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_taken_with_the_phone_turned_is_stored_upright(fmt):
    """Orientation 6: shown turned 90° clockwise, so the stored top-left corner ends up at the top right."""
    stored, photo = clean_photo(phone_photo(fmt, size=(48, 32), orientation=6), LIMIT)
    image = stored_image(stored).convert("RGB")
    assert image.size == (photo.width, photo.height) == (32, 48)
    middle = CORNER // 2
    assert looks_like(image.getpixel((32 - middle, middle)), BLUE)
    assert all(looks_like(image.getpixel(xy), RED) for xy in [(middle, middle), (middle, 48 - middle), (32 - middle, 48 - middle)])
    assert ExifTags.Base.Orientation not in stored_image(stored).getexif()


def test_a_jpeg_left_as_it_was_is_encoded_with_its_own_tables_and_subsampling():
    data = phone_photo("JPEG", quality=60, subsampling="4:4:4")
    image = stored_image(clean_photo(data, LIMIT)[0])
    with Image.open(io.BytesIO(data)) as sent:
        assert image.quantization == sent.quantization
    assert JpegImagePlugin.get_sampling(image) == 0


def test_a_jpeg_turned_upright_is_encoded_at_high_quality_keeping_its_subsampling():
    image = stored_image(clean_photo(phone_photo("JPEG", quality=60, subsampling="4:4:4", orientation=6), LIMIT)[0])
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", quality=QUALITY)
    assert image.quantization == stored_image(out.getvalue()).quantization
    assert JpegImagePlugin.get_sampling(image) == 0  # Pillow's own choice at that quality would be 4:2:0


@pytest.mark.parametrize("lossless, kept, not_used", [(True, b"VP8L", b"VP8 "), (False, b"VP8 ", b"VP8L")])
def test_a_webp_stays_lossless_or_lossy(lossless, kept, not_used):
    """With an ICC profile the image chunk follows others (VP8X, ICCP): it is found, not read at a fixed place."""
    data = phone_photo("WEBP", icc=srgb_profile(), lossless=lossless)
    stored = clean_photo(data, LIMIT)[0]
    assert kept in stored and not_used not in stored
    if lossless:
        assert stored_image(stored).tobytes() == stored_image(data).tobytes()


def test_a_png_keeps_every_pixel_and_its_transparency():
    out = io.BytesIO()
    sent = Image.new("RGBA", (12, 8), (*RED, 255))
    sent.paste((*BLUE, 0), (0, 0, 6, 4))
    sent.save(out, "PNG")
    image = stored_image(clean_photo(out.getvalue(), LIMIT)[0])
    assert image.mode == "RGBA" and image.tobytes() == sent.tobytes()
