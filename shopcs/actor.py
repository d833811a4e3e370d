"""Who is acting: a logged-in person or the platform's API token. Services take one, never read globals."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    label: str  # "user:alice" or "token:shopify": what the audit log shows
    role: str | None = None
    is_platform: bool = False

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(label=f"user:{user.username}", role=user.role)

    @classmethod
    def for_token(cls, token) -> "Actor":
        return cls(label=f"token:{token.name}", role=None, is_platform=True)

    @classmethod
    def system(cls, name: str = "system") -> "Actor":
        return cls(label=f"system:{name}", role=None, is_platform=True)

    @classmethod
    def webhook(cls, platform: str) -> "Actor":
        """A platform's signed webhook: the timeline shows "Shopify webhook"."""
        return cls(label=f"webhook:{platform} webhook", role=None, is_platform=True)

    @property
    def display(self) -> str:
        return self.label.split(":", 1)[1]
