"""Signed unsubscribe links: the token names the customer and cannot be forged without SECRET_KEY.

The token never expires on purpose: an unsubscribe link in an old email must still work.
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(external_id: str) -> str:
    return _serializer().dumps(external_id)


def customer_from_token(token: str) -> str | None:
    """The customer's external_id, or None when the token is not one we signed."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def unsubscribe_url(external_id: str) -> str:
    return current_app.config["SHOPCS_PUBLIC_URL"].rstrip("/") + "/unsubscribe/" + unsubscribe_token(external_id)
