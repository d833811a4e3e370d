"""Builders for claims: real tiny images made by Pillow (some carrying the metadata a phone writes), files that only
pretend to be photos, a claim case on a paid order, and what a refused upload must leave unchanged (rows and the files
in the upload directory)."""
import io
import os
from decimal import Decimal
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from shopcs.audit.models import AuditEntry
from shopcs.cases.claims.models import Claim, ClaimEvidence
from shopcs.cases.claims.services import open_claim
from shopcs.cases.claims.settings import ClaimSettings
from shopcs.cases.models import CaseEvent
from shopcs.extensions import db
from shopcs.orders.models import Refund

from .builders import NOW, make_order
from .case_builders import PLATFORM, make_case


def image_bytes(fmt: str = "PNG", size=(12, 8), color=(200, 30, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else 0).save(out, fmt)
    return out.getvalue()


# What a phone or a photo app writes into a photo, each with a string that must not survive in the stored copy.
HOME = "buyer-home-31.2304N-121.4737E"  # in the GPS IFD (its map datum), next to the coordinates
SERIAL = "camera-serial-0042"  # the Exif IFD's BodySerialNumber
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description photoshop:City="xmp-secret-city"/></x:xmpmeta>'
COMMENT = "comment-secret-note"
BYLINE = b"iptc-secret-byline"
SECRETS = (HOME.encode(), SERIAL.encode(), b"xmp-secret-city", COMMENT.encode(), BYLINE)
RED, BLUE = (220, 30, 30), (30, 30, 220)
CORNER = 16  # the blue top-left square of a phone photo: one whole JPEG block, so it stays blue after compression


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: its make, where the photo was taken, the camera's serial number, how to turn it."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.BodySerialNumber: SERIAL}
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (31.0, 13.0, 49.2),
                                  ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (121.0, 28.0, 25.3),
                                  ExifTags.GPS.GPSMapDatum: HOME}
    return exif


def _iptc_segment(byline: bytes) -> bytes:
    """A JPEG APP13 segment as Photoshop writes IPTC: one 8BIM resource 0x0404 holding the By-line (record 2:80)."""
    iptc = b"\x1c\x02\x50" + len(byline).to_bytes(2, "big") + byline
    body = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc + b"\x00" * (len(iptc) % 2)
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def corner_pixels(size=(48, 32)) -> Image.Image:
    """Red with a blue top-left corner: where the corner ends up tells how the photo was turned."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, 0, CORNER, CORNER))
    return image


def phone_photo(fmt: str = "JPEG", size=(48, 32), orientation: int = 1, icc: bytes | None = None, **options) -> bytes:
    """corner_pixels() carrying every kind of metadata its format holds: EXIF (GPS, serial number and `orientation`),
    XMP, and a comment and IPTC (JPEG) or a text chunk (PNG). `options` go to Pillow's save."""
    image = corner_pixels(size)
    metadata = {"exif": phone_exif(orientation), "icc_profile": icc}
    if fmt == "JPEG":
        metadata.update(xmp=XMP, comment=COMMENT, extra=_iptc_segment(BYLINE))
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", COMMENT)
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        metadata.update(pnginfo=text)
    else:
        metadata.update(xmp=XMP)
    out = io.BytesIO()
    image.save(out, fmt, **metadata, **options)
    return out.getvalue()


def two_pictures(fmt: str) -> bytes:
    """Two frames, red then blue: an animated PNG or WebP, or a JPEG holding two pictures (MPO)."""
    out = io.BytesIO()
    Image.new("RGB", (12, 8), RED).save(out, fmt, save_all=True, append_images=[Image.new("RGB", (12, 8), BLUE)])
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 × side² bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(3 * side * side)).save(out, "PNG")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    whole = image_bytes("JPEG", size=(64, 64))
    return whole[: len(whole) // 2]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def not_photos() -> dict[str, tuple[bytes, str, str]]:
    """(data, file name, the browser's content type): each named and typed as a photo would be."""
    return {
        "a PDF renamed .jpg": (PDF, "receipt.jpg", "image/jpeg"),
        "an HTML file": (HTML, "photo.png", "image/png"),
        "an SVG": (SVG, "photo.svg", "image/svg+xml"),
        "a truncated JPEG": (truncated_jpeg(), "broken.jpg", "image/jpeg"),
        "a GIF": (image_bytes("GIF"), "moving.gif", "image/gif"),
        "a decompression bomb": (image_bytes("PNG", size=(8000, 8000), mode="1"), "huge.png", "image/png"),
        "an empty file": (b"", "empty.jpg", "image/jpeg"),
    }


def claim_settings(upload_dir, max_bytes: int = 20_000) -> ClaimSettings:
    """What a claim service is handed: photos under `upload_dir` (a test's tmp_path), at most `max_bytes` each."""
    return ClaimSettings(upload_dir=str(upload_dir), max_bytes=max_bytes)


def upload(data: bytes, filename: str = "photo.png", content_type: str = "image/png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def claim_case(total: str = "100.00", actor=PLATFORM, **values):
    """A claim case (category claim) on a paid order of `total`."""
    order = make_order(total=total)
    return make_case(actor=actor, category="claim", order_no=order.order_no, **values)


def make_claim(amount: str = "80.00", kind: str = "damaged", total: str = "100.00", actor=PLATFORM, case=None):
    case = case or claim_case(total)
    return open_claim(case.id, Decimal(amount), kind, actor, NOW)


def files_in(directory) -> list[str]:
    """Every file under `directory` (temporary ones too), relative to it."""
    root = Path(directory)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def claim_counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Claim, ClaimEvidence, CaseEvent, AuditEntry, Refund)}
