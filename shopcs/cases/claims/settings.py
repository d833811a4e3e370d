"""What the claim services are handed by their caller (a view, the CLI), so they read no app config themselves."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimSettings:
    upload_dir: str  # SHOPCS_UPLOAD_DIR: the photos are in its claims/ folder (files.py)
    max_bytes: int  # SHOPCS_UPLOAD_MAX_BYTES: the largest photo an upload may be
