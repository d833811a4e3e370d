"""App-wide web pieces: health check, language switch, error pages, security headers, template filters."""
from babel import Locale
from flask import Blueprint, current_app, g, has_request_context, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, get_translations, refresh
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from ..api_support import ApiError, error_response
from ..extensions import db
from ..money import format_cny
from ..phone import mask_phone
from ..redirects import safe_local_path
from ..timeutil import to_local

bp = Blueprint("web", __name__)

LANGUAGES = {"zh_CN": "中文", "en": "English"}
# Parsed once: Flask-Babel parses whatever the selector returns, and parsing "zh_CN" (Babel resolves it to
# zh_Hans_CN by searching its locale list) costs more than rendering a table row. A Locale passes through.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}
_API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "bad_request", 409: "conflict", 413: "too_large", 415: "bad_request", 422: "validation_error"}


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_local_path(request.form.get("next"), url_for("orders.queue")))


def select_locale():
    if not has_request_context():
        return None  # CLI, scheduler, tests outside a request: BABEL_DEFAULT_LOCALE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return _LOCALES[chosen]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    return _LOCALES["en" if best == "en" else "zh_CN"]


def _is_api() -> bool:
    return request.path.startswith("/api/")


def handle_api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def handle_http_error(exc: HTTPException):
    if _is_api():
        return error_response(exc.code, _API_CODES.get(exc.code, "bad_request"), exc.description or exc.name)
    return render_template("error.html", code=exc.code, name=exc.name), exc.code


def handle_csrf_error(exc: CSRFError):
    if _is_api():
        return error_response(400, "bad_request", exc.description)
    return render_template("error.html", code=400, name="CSRF", csrf=True), 400


def handle_unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if _is_api():
        return error_response(500, "internal_error", "Something went wrong on our side; nothing was saved.")
    return render_template("error.html", code=500, name="Internal Server Error"), 500


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _forget_language():
    refresh()
    g.pop("_shopcs_translations", None)


def _translations():
    """The request's catalogue, looked up once: Flask-Babel's own lookup costs more than the translation."""
    translations = g.get("_shopcs_translations")
    if translations is None:
        translations = get_translations()
        if has_request_context():
            g._shopcs_translations = translations
    return translations


def _install_request_cached_gettext(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def register(app):
    app.register_blueprint(bp)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
    app.after_request(security_headers)
    # The locale is cached on `g`; one app context may serve several requests (tests do), so choose afresh.
    app.before_request(_forget_language)
    app.teardown_request(lambda _exc: _forget_language())
    _install_request_cached_gettext(app)

    zone = app.config["SHOPCS_TIMEZONE"]
    app.jinja_env.filters["cny"] = format_cny
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["local"] = lambda value, fmt="%Y-%m-%d %H:%M": to_local(value, zone).strftime(fmt) if value else "—"
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    # Babel spells zh_CN as zh_Hans_CN; the templates compare with the LANGUAGES codes
    app.jinja_env.globals["current_locale"] = lambda: "zh_CN" if getattr(get_locale(), "language", "") == "zh" else str(get_locale())
