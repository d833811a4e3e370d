"""Is an uploaded file a photo we keep? Decided by decoding it with Pillow, never by its name or the browser's
content type: a PDF renamed .jpg, an HTML or SVG file, a truncated JPEG and a decompression bomb are all refused."""
import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image

# Pillow's format name → (content type we serve it with, extension of the stored file)
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
# A 50-megapixel phone photo passes; a few-kilobyte PNG that would decode to gigabytes does not.
MAX_PIXELS = 50_000_000


class PhotoRefused(ValueError):
    """`code`: empty, too_large, not_an_image or too_many_pixels."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Photo:
    content_type: str
    extension: str
    width: int
    height: int
    size: int
    sha256: str


def inspect_photo(data: bytes, max_bytes: int) -> Photo:
    """Decode every pixel (a truncated file fails only when decoded), within the size and pixel limits."""
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
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused("too_many_pixels")
                image.load()
                found, width, height = image.format, image.width, image.height
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused("too_many_pixels") from exc
    except Exception as exc:  # a damaged or foreign file fails in many ways (OSError, SyntaxError, ValueError…)
        raise PhotoRefused("not_an_image") from exc
    if found not in FORMATS:  # pragma: no cover - `formats=` already limits the decoders tried
        raise PhotoRefused("not_an_image")
    content_type, extension = FORMATS[found]
    return Photo(content_type, extension, width, height, len(data), hashlib.sha256(data).hexdigest())

