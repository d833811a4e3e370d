"""Configuration read from the environment (SHOPCS_*), with safe defaults for development."""
import os
from decimal import Decimal

from .currency import DEFAULT, CurrencyError, parse_amount
from .mailbox_url import Mailbox

DEFAULT_SECRET_KEY = "dev-only-change-me"


class ConfigError(RuntimeError):
    """The app refuses to start with this configuration."""


def _default_database_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "shopcs.sqlite3")


CSRF_TOKEN_HOURS = 8  # a form's token is refused after this long (the form says so and asks to reload)


def _debugging(env) -> bool:
    """Flask's own reading of FLASK_DEBUG (`flask run --debug` sets it)."""
    return env.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no")


def _secure_cookies(env) -> bool:
    """Cookies only over HTTPS, unless SHOPCS_SECURE_COOKIES=0 (plain http, as in the demo) or debugging."""
    return env.get("SHOPCS_SECURE_COOKIES", "0" if _debugging(env) else "1") == "1"


def load_config(instance_path: str, env=os.environ) -> dict:
    secure = _secure_cookies(env)
    return {
        "SECRET_KEY": env.get("SHOPCS_SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("SHOPCS_DATABASE_URL") or _default_database_url(instance_path),
        "SHOPCS_TIMEZONE": env.get("SHOPCS_TIMEZONE", "Asia/Shanghai"),
        **_refund_approval_config(env),
        "SHOPCS_LOGIN_MAX_FAILURES": int(env.get("SHOPCS_LOGIN_MAX_FAILURES", "5")),
        "SHOPCS_LOGIN_LOCK_MINUTES": int(env.get("SHOPCS_LOGIN_LOCK_MINUTES", "15")),
        "SHOPCS_LOGIN_LIMIT_PER_ADDRESS": env.get("SHOPCS_LOGIN_LIMIT_PER_ADDRESS", "20 per 10 minutes"),
        # login throttling's counters (Flask-Limiter): memory:// serves one process; several workers share redis://
        "RATELIMIT_STORAGE_URI": env.get("SHOPCS_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",  # "5 in any 15 minutes", not "5 per clock quarter-hour"
        "SHOPCS_PROXY_HOPS": int(env.get("SHOPCS_PROXY_HOPS", "0")),  # trusted proxies that set X-Forwarded-For
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # the claim photo upload raises it for its own request (cases.claims.views)
        # claim photos: outside static/, served only through a login-protected view that checks the case
        "SHOPCS_UPLOAD_DIR": env.get("SHOPCS_UPLOAD_DIR") or os.path.join(instance_path, "uploads"),
        "SHOPCS_UPLOAD_MAX_BYTES": int(env.get("SHOPCS_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(os.path.dirname(__file__), "translations"),
        "WTF_CSRF_TIME_LIMIT": CSRF_TOKEN_HOURS * 3600,
        **_outbox_config(env),
        "SHOPCS_IMAP_URL": _imap_url(env),
        "SHOPCS_RETENTION_MONTHS": _retention_months(env),  # 0: off (shopcs.privacy.retention)
        "SHOPCS_LOG_FORMAT": env.get("SHOPCS_LOG_FORMAT", "text"),  # text or json (checked by shopcs.ops.logs)
    }


RETENTION_MONTHS_MAX = 1200  # a hundred years: anything larger is a typing mistake


def _retention_months(env) -> int:
    """Buyers with no order or case for this many months are erased by the scheduler (shopcs.privacy.retention); empty
    or 0: never. A value that is not a whole number of months up to RETENTION_MONTHS_MAX stops the app at start."""
    text = env.get("SHOPCS_RETENTION_MONTHS", "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > RETENTION_MONTHS_MAX:
        raise ConfigError(f"SHOPCS_RETENTION_MONTHS must be a whole number of months up to {RETENTION_MONTHS_MAX} "
                          f"(empty or 0: off), not {text!r}.")
    return int(text)


def _imap_url(env) -> str:
    """The shop's mailbox, polled every minute by the scheduler (empty: no e-mail in). A URL that cannot work stops
    the app at start rather than failing every minute."""
    url = env.get("SHOPCS_IMAP_URL", "").strip()
    if url:
        try:
            Mailbox.from_url(url)
        except ValueError as exc:  # its message names what is wrong, never the password
            raise ConfigError(str(exc)) from exc
    return url


def _refund_approval_config(env) -> dict:
    """Refund approval limits (orders.refunds.ApprovalLimits): the CNY ones, and the other currencies' as "USD=30.00,
    JPY=4000". A bad amount or code stops the app at start, naming the setting and the entry."""
    four_eyes = env.get("SHOPCS_REFUND_FOUR_EYES_ABOVE", "").strip()
    return {
        "SHOPCS_REFUND_APPROVAL_LIMIT": _cny_amount("SHOPCS_REFUND_APPROVAL_LIMIT", env.get("SHOPCS_REFUND_APPROVAL_LIMIT", "200.00")),
        "SHOPCS_REFUND_APPROVAL_LIMITS": _other_currencies(env, "SHOPCS_REFUND_APPROVAL_LIMITS", "SHOPCS_REFUND_APPROVAL_LIMIT"),
        "SHOPCS_REFUND_FOUR_EYES_ABOVE": _cny_amount("SHOPCS_REFUND_FOUR_EYES_ABOVE", four_eyes) if four_eyes else None,
        "SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS": _other_currencies(env, "SHOPCS_REFUND_FOUR_EYES_ABOVE_LIMITS",
                                                                  "SHOPCS_REFUND_FOUR_EYES_ABOVE"),
    }


def _cny_amount(name: str, text: str) -> Decimal:
    try:
        return parse_amount(text.strip(), DEFAULT)
    except CurrencyError as exc:
        raise ConfigError(f"{name}: {text!r} {exc}.") from exc


def _other_currencies(env, name: str, cny_name: str) -> dict[str, Decimal]:
    """"USD=30.00, EUR=25.00, JPY=4000" as {"USD": Decimal("30.00"), …}, each amount checked against its currency's
    decimals. CNY is not listed: its amount is `cny_name`'s."""
    amounts = {}
    for entry in (part.strip() for part in env.get(name, "").split(",")):
        if not entry:
            continue
        code, equals, value = (piece.strip() for piece in entry.partition("="))
        if not equals or not value:
            raise ConfigError(f"{name}: {entry!r} is not CODE=amount, such as USD=30.00.")
        if code == DEFAULT:
            raise ConfigError(f"{name}: {entry!r}: the {DEFAULT} amount has its own setting, {cny_name}.")
        if code in amounts:
            raise ConfigError(f"{name}: {code} is given twice.")
        try:
            amounts[code] = parse_amount(value, code)
        except CurrencyError as exc:
            raise ConfigError(f"{name}: {entry!r}: {exc}.") from exc
    return amounts


OUTBOX_CHANNELS = ("manual", "email", "webhook")


def _outbox_config(env) -> dict:
    """The outbox sender and its channels (shopcs.notify). A bad default channel stops the app at start."""
    channel = env.get("SHOPCS_OUTBOX_CHANNEL", "manual")
    if channel not in OUTBOX_CHANNELS:
        raise ConfigError(f"SHOPCS_OUTBOX_CHANNEL must be one of {', '.join(OUTBOX_CHANNELS)}, not {channel!r}.")
    return {
        "SHOPCS_OUTBOX_CHANNEL": channel,
        "SHOPCS_OUTBOX_MAX_ATTEMPTS": int(env.get("SHOPCS_OUTBOX_MAX_ATTEMPTS", "6")),
        "SHOPCS_OUTBOX_BACKOFF_SECONDS": float(env.get("SHOPCS_OUTBOX_BACKOFF_SECONDS", "30")),
        "SHOPCS_SMTP_HOST": env.get("SHOPCS_SMTP_HOST", ""),
        "SHOPCS_SMTP_PORT": int(env.get("SHOPCS_SMTP_PORT", "25")),
        "SHOPCS_SMTP_USER": env.get("SHOPCS_SMTP_USER", ""),
        "SHOPCS_SMTP_PASSWORD": env.get("SHOPCS_SMTP_PASSWORD", ""),
        "SHOPCS_SMTP_FROM": env.get("SHOPCS_SMTP_FROM", "shop@localhost"),
        "SHOPCS_SMTP_STARTTLS": env.get("SHOPCS_SMTP_STARTTLS", "0") == "1",
        "SHOPCS_WEBHOOK_URL": env.get("SHOPCS_WEBHOOK_URL", ""),
        "SHOPCS_WEBHOOK_SECRET": env.get("SHOPCS_WEBHOOK_SECRET", ""),
        "SHOPCS_WEBHOOK_TIMEOUT_SECONDS": float(env.get("SHOPCS_WEBHOOK_TIMEOUT_SECONDS", "5")),
        # incoming order webhooks (shopcs.webhooks): empty means the endpoint refuses every delivery
        "SHOPCS_SHOPIFY_WEBHOOK_SECRET": env.get("SHOPCS_SHOPIFY_WEBHOOK_SECRET", ""),
        "SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET": env.get("SHOPCS_WOOCOMMERCE_WEBHOOK_SECRET", ""),
        "SHOPCS_PUBLIC_URL": env.get("SHOPCS_PUBLIC_URL", "http://localhost:5000").rstrip("/"),
        "SHOPCS_WIDGET_ORIGINS": widget_origins(env.get("SHOPCS_WIDGET_ORIGINS", "")),
    }


def widget_origins(text: str) -> frozenset[str]:
    """The shop's own sites that may embed the chat widget, as exact origins ("https://shop.example.com"); empty:
    the widget API refuses every cross-origin request. A path or a wildcard stops the app at start."""
    origins = set()
    for item in (part.strip().rstrip("/") for part in text.split(",")):
        if not item:
            continue
        scheme, _, rest = item.partition("://")
        if scheme not in ("http", "https") or not rest or any(ch in rest for ch in "/*?# "):
            raise ConfigError(f"SHOPCS_WIDGET_ORIGINS: {item!r} is not an origin such as https://shop.example.com")
        origins.add(f"{scheme}://{rest.lower()}")
    return frozenset(origins)


def check_secret_key(config: dict, debug: bool) -> None:
    """Outside debug and testing a real secret key is required: sessions and CSRF depend on it."""
    if debug or config.get("TESTING"):
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY:
        raise ConfigError("Set SHOPCS_SECRET_KEY to a long random value before running ShopCS in production.")
