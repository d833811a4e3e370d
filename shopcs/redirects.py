"""Where a "next"/"back" parameter may send a browser: only to a path on this site."""
from urllib.parse import urlsplit


def safe_local_path(target: str | None, fallback: str) -> str:
    """`target` when it is a local path; otherwise `fallback` (never //host, \\host or an absolute URL, and never a
    text with a control character: URL parsing strips CR, LF and tab, so the check would pass on other text than the
    browser is sent to)."""
    if target and target.isprintable() and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return fallback
