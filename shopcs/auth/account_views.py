"""/accounts: admins manage who may log in. Views parse the form, call one service in accounts.py, render."""
from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..paging import page_number
from ..timeutil import utcnow
from . import accounts
from .access import current_actor, permission_required
from .forms import AccountForm, ConfirmForm, NewAccountForm, ResetPasswordForm
from .rules import ROLES, AuthError

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.after_request
def _no_store(response):
    """A generated password is shown once: no copy in the browser's or a proxy's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _show_error(form, exc: AuthError) -> None:
    field = form[exc.field] if exc.field and exc.field in form else None
    if field is not None:
        field.errors = [*field.errors, exc.translated(_)]
    else:
        flash(exc.translated(_), "error")


def _account_or_404(user_id: int):
    return accounts.account(user_id) or abort(404)


@bp.route("")
@permission_required("accounts.manage")
def index():
    chosen = accounts.AccountFilter.from_args(request.args)
    pagination = accounts.accounts_page(chosen, page_number(request.args))

    def filter_url(**changes) -> str:
        """This page with one filter changed and the others kept, from the first page."""
        return url_for("accounts.index", **replace(chosen, **changes).args())

    return render_template("auth/accounts.html", pagination=pagination, chosen=chosen, filters=chosen.args(),
                           roles=ROLES, states=accounts.STATES, filter_url=filter_url)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("accounts.manage")
def create():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            result = accounts.create_account(current_actor(), form.username.data, form.role.data,
                                             form.display_name.data, form.password.data, utcnow())
        except AuthError as exc:
            _show_error(form, exc)
        else:
            return _done(result, _("Account %(name)s created.", name=result.user.username))
    return render_template("auth/account_new.html", form=form)


def _done(result: accounts.NewPassword, message: str):
    """Back to the account, or, with a generated password, a page that shows it this once."""
    flash(message, "success")
    if result.generated is None:
        return redirect(url_for("accounts.edit", user_id=result.user.id))
    return render_template("auth/account_password_shown.html", user=result.user, password=result.generated)


@bp.route("/<dbid:user_id>", methods=["GET", "POST"])
@permission_required("accounts.manage")
def edit(user_id):
    user = _account_or_404(user_id)
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_account(current_actor(), current_user.id, user_id, form.display_name.data, form.role.data,
                                    utcnow())
        except AuthError as exc:
            _show_error(form, exc)
        else:
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.edit", user_id=user_id))
    return render_template("auth/account_edit.html", user=user, form=form, is_self=user.id == current_user.id)


@bp.route("/<dbid:user_id>/password", methods=["GET", "POST"])
@permission_required("accounts.manage")
def reset(user_id):
    user = _account_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            result = accounts.reset_password(current_actor(), user_id, form.password.data, utcnow())
        except AuthError as exc:
            _show_error(form, exc)
        else:
            return _done(result, _("The password of %(name)s is reset.", name=user.username))
    return render_template("auth/account_reset.html", user=user, form=form)


@bp.route("/<dbid:user_id>/deactivate", methods=["GET", "POST"], defaults={"active": False})
@bp.route("/<dbid:user_id>/reactivate", methods=["GET", "POST"], defaults={"active": True})
@permission_required("accounts.manage")
def set_active(user_id, active):
    """GET asks for confirmation; POST does it."""
    user = _account_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.set_active(current_actor(), current_user.id, user_id, active, utcnow())
        except AuthError as exc:
            flash(exc.translated(_), "error")
        else:
            flash(_("Account %(name)s reactivated.", name=user.username) if active
                  else _("Account %(name)s deactivated.", name=user.username), "success")
        return redirect(url_for("accounts.edit", user_id=user_id))
    return render_template("auth/account_confirm.html", user=user, form=form, active=active)
