"""Password hashing (Werkzeug's scrypt: slow on purpose) and generated temporary passwords. Pure."""
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

# Generated passwords are read off a screen and typed once: no 0/O, 1/l/I.
_READABLE = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def generated_password(length: int = 14) -> str:
    """A temporary password for an admin to hand over: about 80 bits, in groups of four for reading aloud."""
    text = "".join(secrets.choice(_READABLE) for _ in range(length))
    return "-".join(text[i:i + 4] for i in range(0, length, 4))
