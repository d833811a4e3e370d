"""Signed unsubscribe links: the token names the customer and cannot be forged without SECRET_KEY (`secret`).

The token never expires on purpose: an unsubscribe link in an old email must still work.
"""
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "unsubscribe"


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def unsubscribe_token(external_id: str, secret: str) -> str:
    return _serializer(secret).dumps(external_id)


def customer_from_token(token: str, secret: str) -> str | None:
    """The customer's external_id, or None when the token is not one we signed."""
    try:
        value = _serializer(secret).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def unsubscribe_url(external_id: str, secret: str, public_url: str) -> str:
    return public_url.rstrip("/") + "/unsubscribe/" + unsubscribe_token(external_id, secret)
