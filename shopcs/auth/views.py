"""Login, logout and change of one's own password (forced after an admin's reset)."""
from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..redirects import safe_local_path
from ..timeutil import utcnow
from . import throttle
from .forms import ChangePasswordForm, LoginForm
from .loader import account_of
from .services import AuthError, authenticate, change_password, log_out_everywhere

bp = Blueprint("auth", __name__)
# What a user whose password an admin reset may still open: everything else leads to the password page.
_OPEN_BEFORE_CHANGE = {"auth.password", "auth.logout", "auth.login", "static", "web.set_language", "web.healthz"}


@bp.before_app_request
def _require_own_password():
    if request.endpoint in _OPEN_BEFORE_CHANGE or request.path.startswith(("/api/", "/webhooks/", "/widget/")):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None


def _new_csrf_token() -> None:
    """A token of the logged-out page does not serve the logged-in session, nor the other way round (Flask-WTF makes a
    new one when the page next asks for it)."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)  # the secret the tokens are made from
    g.pop(name, None)  # this request's token, made from the old secret


def _log_in(user) -> None:
    login_user(user)
    _new_csrf_token()


def _safe_next(target: str | None) -> str:
    return safe_local_path(target, url_for("orders.queue"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.per_address, methods=["POST"], on_breach=lambda _limit: _too_many_from_this_address())
def login():
    if current_user.is_authenticated:
        return redirect(url_for("orders.queue"))
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data
        if not throttle.take_try(name):
            return _locked(form, name)
        user = authenticate(name, form.password.data, utcnow())
        if user is not None:
            throttle.forget(name)
            _log_in(user)
            return redirect(_safe_next(request.args.get("next")))
        if throttle.is_locked(name):  # that was the last try: say so now, not on the next one
            return _locked(form, name)
        flash(_("Wrong user name or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def _locked(form, name: str):
    seconds = throttle.seconds_locked(name)
    return _refused(form, _("Too many failed attempts. This name is locked here for %(minutes)s minutes.",
                            minutes=_minutes(seconds)), seconds)


def _refused(form, message: str, retry_after: int):
    """429 with Retry-After (RFC 6585): the login form again, saying how long to wait."""
    flash(message, "error")
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(retry_after)}


def _too_many_from_this_address():
    seconds = throttle.seconds_until_address_may_try()
    response = make_response(_refused(LoginForm(), _(
        "Too many login attempts from this address. Please wait %(minutes)s minutes and try again.",
        minutes=_minutes(seconds)), seconds))
    return response


def login_page_after_csrf_error():
    """The login form sent with an expired or missing token (shopcs.web's CSRF handler): the form again, with the
    typed name kept and a fresh token, and why."""
    flash(_("The login page had expired. Please log in again."), "error")
    return render_template("auth/login.html", form=LoginForm()), 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends every session of the account, here and on any other device or saved cookie."""
    log_out_everywhere(account_of(current_user))
    logout_user()
    _new_csrf_token()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account = account_of(current_user)
            change_password(account, form.current.data, form.new.data)
        except AuthError as exc:
            form[exc.field or "current"].errors.append(exc.translated(_))
        else:
            _log_in(account)  # the change ended every session of the account, this one too: it goes on in a new one
            flash(_("Your password is changed."), "info")
            return redirect(url_for("orders.queue"))
    return render_template("auth/password.html", form=form, forced=current_user.must_change_password)
