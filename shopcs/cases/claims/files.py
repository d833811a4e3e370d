"""Where claim photos live on disk: SHOPCS_UPLOAD_DIR/claims/<random token>.<ext>, outside static/.

A photo is first written to a temporary file in the same directory and renamed to its stored name only after its
row commits (a rename within one directory is atomic), so a refused or failed upload leaves no file behind and no
row ever points to a half-written one. Each function is given the upload directory (ClaimSettings.upload_dir)."""
import os
import re
import secrets
import tempfile
from contextlib import suppress

TEMP_PREFIX = ".upload-"
_STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{16,48}\.(jpg|png|webp)$")


def claims_dir(upload_dir: str) -> str:
    path = _claims_path(upload_dir)
    os.makedirs(path, exist_ok=True)
    return path


def _claims_path(upload_dir: str) -> str:
    return os.path.join(upload_dir, "claims")


def stored_path(upload_dir: str, stored_name: str) -> str:
    """Where a stored photo is, without creating the directory (a dry run writes nothing). Only a name
    new_stored_name() could have made is joined, so a row edited by hand cannot point outside the directory."""
    if not is_stored_name(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return os.path.join(_claims_path(upload_dir), stored_name)


def new_stored_name(extension: str) -> str:
    """A name that says nothing about the uploader's file and cannot be guessed."""
    return secrets.token_urlsafe(24) + extension


def is_stored_name(name: str) -> bool:
    return bool(_STORED_NAME.match(name or ""))


def write_temp(upload_dir: str, data: bytes) -> str:
    fd, path = tempfile.mkstemp(dir=claims_dir(upload_dir), prefix=TEMP_PREFIX, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        discard(path)
        raise
    return path


def publish(upload_dir: str, temp_path: str, stored_name: str) -> None:
    if not is_stored_name(stored_name):  # pragma: no cover - new_stored_name() makes every name
        raise ValueError(f"not a stored name: {stored_name!r}")
    os.replace(temp_path, os.path.join(claims_dir(upload_dir), stored_name))


def discard(path: str) -> None:
    with suppress(FileNotFoundError):
        os.remove(path)
