"""SHOPCS_IMAP_URL read into a Mailbox: stdlib only, so the configuration can check it at start (shopcs.config) and
the poller can use it (shopcs.conversations.imap_fetch) without either importing the other's package."""
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Mailbox:
    secure: bool  # imaps: TLS from the first byte (port 993)
    host: str
    port: int
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> "Mailbox":
        """`imaps://user:password@host[:port]/FOLDER` (or imap:// for a server on this machine); the user and password
        percent-encoded as in any URL. Raises ValueError naming what is wrong (never the password)."""
        parts = urlsplit(url or "")
        if parts.scheme not in ("imap", "imaps"):
            raise ValueError("SHOPCS_IMAP_URL must start with imaps:// (or imap:// for a server on this machine).")
        if not parts.hostname or not parts.username or parts.password is None:
            raise ValueError("SHOPCS_IMAP_URL must name the user, the password and the host: imaps://user:password@host/INBOX")
        secure = parts.scheme == "imaps"
        if not secure and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("imap:// sends the password in clear: use imaps:// for a server on another machine.")
        try:
            port = parts.port or (993 if secure else 143)
        except ValueError as exc:
            raise ValueError("SHOPCS_IMAP_URL has a port that is not a number.") from exc
        return cls(secure, parts.hostname, port, unquote(parts.username), unquote(parts.password),
                   unquote(parts.path.lstrip("/")) or "INBOX")
