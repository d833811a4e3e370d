"""Builders for claims: real tiny images made by Pillow, files that only pretend to be photos, a claim case on a paid
order, and what a refused upload must leave unchanged (rows and the files in the upload directory)."""
import io
import os
from decimal import Decimal
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from shopcs.audit.models import AuditEntry
from shopcs.cases.claim_models import Claim, ClaimEvidence
from shopcs.cases.claims import open_claim
from shopcs.cases.models import CaseEvent
from shopcs.extensions import db
from shopcs.orders.models import Refund

from .builders import NOW, make_order
from .case_builders import PLATFORM, make_case


def image_bytes(fmt: str = "PNG", size=(12, 8), color=(200, 30, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else 0).save(out, fmt)
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
