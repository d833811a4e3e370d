"""App-wide web pieces: health check, language switch, error pages, security headers, template filters."""
import html

from babel import Locale
from babel.dates import get_timezone, get_timezone_name
from flask import Blueprint, current_app, flash, g, has_request_context, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2 import StrictUndefined, pass_eval_context
from markupsafe import Markup
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from ..api_support import ApiError, error_response
from ..auth.access import may
from ..auth.policy import allows
from ..auth.views import login_page_after_csrf_error
from ..currency import format_amount
from ..extensions import db
from ..phone import mask_phone
from ..redirects import safe_local_path
from ..timeutil import to_local
from . import form_catalogue, nav

bp = Blueprint("web", __name__)

LANGUAGES = {"zh_CN": "中文", "en": "English"}
# Parsed once: Flask-Babel parses whatever the selector returns, and parsing "zh_CN" (Babel resolves it to
# zh_Hans_CN by searching its locale list) costs more than rendering a table row. A Locale passes through.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}
_API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request", 422: "validation_error"}


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer with the same small SVG."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_local_path(request.form.get("next"), url_for("orders.queue")))


def template_language() -> str:
    """The reader's UI language as reply templates are written in (cases.replies.models.LANGUAGES): Babel spells
    zh_CN as zh_Hans_CN, so Chinese is told by its language alone."""
    return "zh_CN" if getattr(get_locale(), "language", "") == "zh" else "en"


def money_text(amount, currency: str) -> str:
    """An amount in its currency as the reader writes it (Babel's format_currency): ¥1,234.50, and for US dollars
    US$1,234.50 in Chinese, $1,234.50 in English; JPY without decimals. The `money` filter of the pages."""
    return format_amount(amount, currency, template_language())


def select_locale():
    if not has_request_context():
        return None  # CLI, scheduler, tests outside a request: BABEL_DEFAULT_LOCALE
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if _is_api():  # a program: its Accept-Language alone, English when it names neither language
        return _LOCALES["zh_CN" if best in ("zh_CN", "zh") else "en"]
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return _LOCALES[chosen]
    return _LOCALES["en" if best == "en" else "zh_CN"]


def _is_api() -> bool:
    return request.path.startswith(("/api/", "/webhooks/", "/widget/"))


def handle_api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _exception_headers(exc: HTTPException) -> dict:
    """The headers the exception itself carries (a 405's Allow, RFC 9110), without its own Content-Type."""
    return {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}


def handle_http_error(exc: HTTPException):
    if exc.response is not None:  # the exception brings its own page (the login form's 429, shopcs.auth.views)
        return exc.response
    if _is_api():
        response = error_response(exc.code, _API_CODES.get(exc.code, "bad_request"), exc.description or exc.name)
        response.headers.extend(_exception_headers(exc))
        return response
    return render_template("error.html", code=exc.code, name=exc.name), exc.code, _exception_headers(exc)


def handle_csrf_error(exc: CSRFError):
    """A form sent with a missing, foreign or expired token (WTF_CSRF_TIME_LIMIT): nothing is done. The login form
    opens again with a note; any other form gets the error page that says to reload and try again."""
    if _is_api():
        return error_response(400, "bad_request", exc.description)
    if request.endpoint == "auth.login":
        return login_page_after_csrf_error()
    if request.endpoint == "web.set_language":  # a page left open past the token's lifetime: back to it, unchanged
        flash(_("The page had expired, so the language was not changed. Please choose it again."), "error")
        return redirect(safe_local_path(request.form.get("next"), url_for("orders.queue")))
    return render_template("error.html", code=400, name="CSRF", csrf=True), 400


def handle_unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if _is_api():
        return error_response(500, "internal_error", "Something went wrong on our side; nothing was saved.")
    return render_template("error.html", code=500, name="Internal Server Error"), 500


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _translations():
    """The request's catalogue, looked up once: Flask-Babel's own lookup costs more than the translation."""
    translations = g.get("_shopcs_translations")
    if translations is None:
        translations = get_translations()
        if has_request_context():
            g._shopcs_translations = translations
    return translations


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    """Jinja's newstyle gettext (escaped variables, always %-formatted), in one call and without a context.

    Jinja's own `_` is a context function calling a context-function wrapper: inside a block that has
    a `{% set %}` or inside a loop, each such call copies the whole template context first, so a page
    with fifty `_()` spent more on those copies than on translating. The eval context is all it needs.
    """
    translated = _translations().ugettext(string)
    if eval_ctx.autoescape:
        translated = Markup(translated)
    # `%` on a text without one changes nothing (Markup's `%` alone costs as much as the lookup)
    return translated % variables if variables or "%" in translated else translated


def _install_request_cached_gettext(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),  # one English word in two senses: {{ pgettext('case', 'Timeline') }}
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)


# Template globals that can carry one request's or one user's data. fixed_parts() hides them, since what it
# renders is shared by every user: using one there fails loudly instead of caching someone's data for all.
_PER_REQUEST = ("request", "session", "g", "current_user", "csrf_token", "get_flashed_messages", "config", "may")


def fixed_parts(template_name: str, **key):
    """The {% set %} variables of `template_name`, rendered once per language, script root and `key`, then
    shared by every request: for a hot page's fixed texts and links (translating and url_for()-ing them on
    each request took a tenth of the order queue's time).

    The template sees `key` and the app's globals (_(), url_for(), current_locale()), never the request or
    the user (_PER_REQUEST). Key values must come from a small set, such as a role, never a user's id or
    input. Cached per app; nothing invalidates an entry, as translations and routes do not change while the
    app runs; with template auto-reload on (debug) nothing is cached, so template edits show at once.
    """
    cache_key = (template_name, str(get_locale()), request.script_root, *sorted(key.items()))
    cache = current_app.extensions.setdefault("shopcs.fixed_parts", {})
    parts = cache.get(cache_key)
    if parts is None:
        hidden = {name: StrictUndefined(name=name, hint=f"{template_name} is shared by every user: no {name} there")
                  for name in _PER_REQUEST}
        parts = current_app.jinja_env.get_template(template_name).make_module({**hidden, **key})
        if not current_app.jinja_env.auto_reload:
            cache[cache_key] = parts
    return parts


LOCAL_FORMAT = "%Y-%m-%d %H:%M"
DASH = "—"  # what a page shows for no value


def local_text(value, zone: str, fmt: str = LOCAL_FORMAT) -> str:
    """A time as pages show it, in the shop's zone; "—" for none (the `local` filter)."""
    return to_local(value, zone).strftime(fmt) if value else DASH


def html_text(text) -> str:
    """For HTML built in Python: a template's text (Markup, already escaped) as it is, any other escaped."""
    return str(text) if hasattr(text, "__html__") else html.escape(str(text))


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
    _install_request_cached_gettext(app)
    form_catalogue.install(app)  # WTForms' messages: the catalogue read once per language, not on every request

    zone = app.config["SHOPCS_TIMEZONE"]
    app.jinja_env.filters["money"] = money_text
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["local"] = lambda value, fmt=LOCAL_FORMAT: local_text(value, zone, fmt)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["fixed_parts"] = fixed_parts
    # "China Time" / "中国时间" where a page says which days or times it means: the zone's code is not for people
    app.jinja_env.globals["shop_zone_name"] = lambda: get_timezone_name(get_timezone(zone), locale=get_locale())
    app.jinja_env.globals["nav_menus"] = lambda role: nav.menus_for(role, app.view_functions)
    app.jinja_env.globals["may"] = may  # may("refunds.decide"): what the logged-in person may do (auth/policy.py)
    app.jinja_env.globals["role_allows"] = allows  # the same for a role: for the fixed parts, keyed by role
    app.jinja_env.globals["nav_section"] = nav.section_of
    # Babel spells zh_CN as zh_Hans_CN; the templates compare with the LANGUAGES codes
    app.jinja_env.globals["current_locale"] = lambda: "zh_CN" if getattr(get_locale(), "language", "") == "zh" else str(get_locale())
