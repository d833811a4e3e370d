"""What the erasure services are handed by their caller (a view, the CLI, the scheduler's job)."""
from dataclasses import dataclass

from .rules import pseudonym_key


@dataclass(frozen=True)
class ErasureSettings:
    upload_dir: str  # SHOPCS_UPLOAD_DIR: the claim photos are in its claims/ folder
    key: bytes  # the pseudonyms' key, derived from SECRET_KEY (rules.pseudonym_key)


def erasure_settings(config) -> ErasureSettings:
    """From the app's config: for the edge only (views, CLI, jobs), which read it and hand it on."""
    return ErasureSettings(upload_dir=config["SHOPCS_UPLOAD_DIR"], key=pseudonym_key(config["SECRET_KEY"]))
