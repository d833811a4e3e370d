"""Where a "next"/"back" parameter may send a browser: only to a path on this site."""
from urllib.parse import urlsplit


def safe_local_path(target: str | None, fallback: str) -> str:
    """`target` when it is a local path; otherwise `fallback` (never //host, \\host or an absolute URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return fallback
