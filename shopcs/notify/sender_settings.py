"""What the sender is handed by its caller (the scheduler's job, the CLI), so it reads no app config itself."""
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SenderSettings:
    channels: Mapping  # the SHOPCS_WEBHOOK_* and SHOPCS_SMTP_* values the channels open with (channels.open_channels)
    max_attempts: int
    backoff_seconds: float
    secret_key: str  # signs the unsubscribe links
    public_url: str  # where those links point
    team_email: Callable[[], str]  # the shop's own messages go there; asked only when one is sent (the outbox sits below its owner)


def sender_settings(config: Mapping, team_email: Callable[[], str]) -> SenderSettings:
    """The settings from the app's config (flask's `app.config`); `team_email` from the alert settings."""
    return SenderSettings(channels=config, max_attempts=config["SHOPCS_OUTBOX_MAX_ATTEMPTS"],
                          backoff_seconds=config["SHOPCS_OUTBOX_BACKOFF_SECONDS"], secret_key=config["SECRET_KEY"],
                          public_url=config["SHOPCS_PUBLIC_URL"], team_email=team_email)
