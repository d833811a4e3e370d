"""Both platforms sign the raw body: base64(HMAC-SHA256(secret, body)). Pure, no Flask."""
import base64
import hashlib
import hmac


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def is_signed(secret: str, body: bytes, header: str | None) -> bool:
    """True only for a configured secret and a matching signature, compared in constant time."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature(secret, body).encode("ascii"), header.strip().encode("ascii", "replace"))
