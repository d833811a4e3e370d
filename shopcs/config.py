"""Configuration read from the environment (SHOPCS_*), with safe defaults for development."""
import os
from decimal import Decimal

DEFAULT_SECRET_KEY = "dev-only-change-me"


class ConfigError(RuntimeError):
    """The app refuses to start with this configuration."""


def _default_database_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "shopcs.sqlite3")


def load_config(instance_path: str, env=os.environ) -> dict:
    return {
        "SECRET_KEY": env.get("SHOPCS_SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("SHOPCS_DATABASE_URL") or _default_database_url(instance_path),
        "SHOPCS_TIMEZONE": env.get("SHOPCS_TIMEZONE", "Asia/Shanghai"),
        "SHOPCS_REFUND_APPROVAL_LIMIT": Decimal(env.get("SHOPCS_REFUND_APPROVAL_LIMIT", "200.00")),
        "SHOPCS_LOGIN_MAX_FAILURES": int(env.get("SHOPCS_LOGIN_MAX_FAILURES", "5")),
        "SHOPCS_LOGIN_LOCK_MINUTES": int(env.get("SHOPCS_LOGIN_LOCK_MINUTES", "15")),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SHOPCS_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(os.path.dirname(__file__), "translations"),
        "WTF_CSRF_TIME_LIMIT": None,
    }


def check_secret_key(config: dict, debug: bool) -> None:
    """Outside debug and testing a real secret key is required: sessions and CSRF depend on it."""
    if debug or config.get("TESTING"):
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY:
        raise ConfigError("Set SHOPCS_SECRET_KEY to a long random value before running ShopCS in production.")
