"""Is an uploaded file a photo we keep, and what of it do we store? Decided by decoding it with Pillow, never by its
name or the browser's content type: a PDF renamed .jpg, an HTML or SVG file, a truncated JPEG and a decompression bomb
are all refused.

What is stored is not the upload but a copy encoded again from its pixels alone: a phone photo's EXIF holds the GPS
position where it was taken (often the buyer's home) and the camera's serial numbers, and its XMP, IPTC, comments or
PNG text chunks can hold as much. Only the ICC colour profile is carried over: it says nothing about the buyer, and
without it the colours change."""
import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

from .image_parts import webp_chunks

# Pillow's format name → (content type we serve it with, extension of the stored file)
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
# A 50-megapixel phone photo passes; a few-kilobyte PNG that would decode to gigabytes does not.
MAX_PIXELS = 50_000_000
# Where the copy must be encoded lossily anew (a JPEG turned upright, a lossy WebP): no visible loss, a little larger.
QUALITY = 95


class PhotoRefused(ValueError):
    """`code`: empty, too_large, not_an_image or too_many_pixels."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Photo:
    """The stored copy: its size, hash and dimensions are the cleaned file's, which is what the row and the audit
    entry describe and what two uploads of one photo have in common, whatever metadata each carried."""
    content_type: str
    extension: str
    width: int
    height: int
    size: int
    sha256: str


def clean_photo(data: bytes, max_bytes: int) -> tuple[bytes, Photo]:
    """The copy of an upload we store, and what it is. The limits apply to the upload: its bytes, and its pixels before
    any is decoded. Every pixel is decoded (a truncated file fails only when decoded), turned upright as its EXIF
    orientation says (the orientation goes with the rest of the EXIF), and encoded in the upload's format.

    A JPEG holding several pictures (MPO: many phones add a depth map or an HDR gain map to their photos) is stored as
    a JPEG of its main picture, the one every viewer shows. An animated PNG or WebP is refused as not_an_image: evidence
    is a still photo, and keeping only its first frame would store something other than what was sent."""
    if not data:
        raise PhotoRefused("empty")
    if len(data) > max_bytes:
        raise PhotoRefused("too_large")
    # Pillow's own bomb check, at our limit: it warns above MAX_PIXELS and raises above twice that.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=list(FORMATS)) as image:
                kind = _load_still_photo(image)
                upright = _upright(image)
                cleaned = _encoded(image, upright, data, kind)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused("too_many_pixels") from exc
    except Exception as exc:  # a damaged or foreign file fails in many ways (OSError, SyntaxError, ValueError…)
        raise PhotoRefused("not_an_image") from exc
    content_type, extension = FORMATS[kind]
    return cleaned, Photo(content_type, extension, upright.width, upright.height, len(cleaned),
                          hashlib.sha256(cleaned).hexdigest())


def _load_still_photo(image: Image.Image) -> str:
    """Decodes the picture we keep and returns its format (a key of FORMATS). Refuses too many pixels before decoding
    them, and what is not one still picture in a format we keep; Pillow opens a JPEG holding several pictures as MPO,
    whose first picture is the main one."""
    if image.width * image.height > MAX_PIXELS:
        raise PhotoRefused("too_many_pixels")
    if image.format == "MPO":
        image.seek(0)
        kind = "JPEG"
    elif image.format in FORMATS and getattr(image, "n_frames", 1) == 1:
        kind = image.format
    else:
        raise PhotoRefused("not_an_image")
    image.load()
    return kind


def _upright(image: Image.Image) -> Image.Image:
    """The pixels as they are meant to be seen. Turned only when the orientation asks for it: otherwise the decoded
    image itself, which a JPEG needs in order to be encoded again with its own tables."""
    if image.getexif().get(ExifTags.Base.Orientation, 1) == 1:
        return image
    return ImageOps.exif_transpose(image)


def _encoded(image: Image.Image, upright: Image.Image, data: bytes, kind: str) -> bytes:
    """`upright` in format `kind`, with no metadata but the ICC profile: Pillow writes EXIF, XMP and PNG text only
    when given them, but copies a JPEG's comment unless given an empty one."""
    if kind == "JPEG":
        options = {"comment": b"", **_jpeg_quality(image, upright)}
    elif image.format == "WEBP":
        options = {"lossless": True} if _webp_is_lossless(data) else {"quality": QUALITY}
    else:
        options = {}  # PNG is lossless
    out = BytesIO()
    upright.save(out, kind, icc_profile=image.info.get("icc_profile"), **options)
    return out.getvalue()


def _jpeg_quality(image: Image.Image, upright: Image.Image) -> dict:
    """Pixels left as they were are encoded with the upload's own quantization tables and chroma subsampling
    (quality "keep"), which loses next to nothing. Pillow allows "keep" only when saving the decoded JPEG itself, so
    turned pixels, and the main picture of an MPO, are encoded at QUALITY, with the upload's subsampling where Pillow
    can tell it (a colour JPEG)."""
    if upright is image and image.format == "JPEG":
        return {"quality": "keep"}
    subsampling = JpegImagePlugin.get_sampling(image)
    return {"quality": QUALITY, **({"subsampling": subsampling} if subsampling >= 0 else {})}


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a still WebP is lossless: Pillow does not say, its image chunk does (VP8L lossless, "VP8 " lossy);
    with metadata that chunk comes after a VP8X chunk and perhaps ICCP and ALPH ones."""
    return next((name == b"VP8L" for name, _end in webp_chunks(data) if name in (b"VP8L", b"VP8 ")), False)
