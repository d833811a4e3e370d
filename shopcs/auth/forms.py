"""The login, own-password and account-management forms."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ..i18n_labels import ROLES as ROLE_LABELS
from .rules import ROLES, AuthError, check_password, checked_display_name, checked_role, checked_username


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[EqualTo("new", message=_l("The two new passwords differ."))])


def _rule(check):
    """A field validator from an account rule (rules.py), so that the form shows every field's problem at once;
    the services apply the same rules again. An empty optional field (a password to generate) is not checked."""

    def validate(_form, field):
        if field.data:
            try:
                check(field.data)
            except AuthError as exc:
                raise ValidationError(exc.translated(gettext)) from exc

    return validate


def _role_choices():
    return [_Choice(code, ROLE_LABELS[code]) for code in ROLES]


class AccountForm(FlaskForm):
    """Display name and role; the services check them again (rules.py), these catch typing slips."""

    display_name = StringField(_l("Display name"), validators=[_rule(checked_display_name)],
                               description=_l("Shown on pages instead of the user name, e.g. 王小明."))
    role = SelectField(_l("Role"), choices=_role_choices(), validate_choice=False, validators=[_rule(checked_role)])


class _PasswordFields:
    password = PasswordField(_l("Temporary password"), validators=[_rule(check_password)],
                             description=_l("Leave empty to have one generated. The person chooses their own at their "
                                            "next login."))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords differ."))])


class NewAccountForm(AccountForm, _PasswordFields):
    username = StringField(_l("User name"), validators=[DataRequired(), _rule(checked_username)],
                           description=_l("For logging in: letters, digits and . _ @ -"))


class ResetPasswordForm(FlaskForm, _PasswordFields):
    pass


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the page's button is the confirmation."""
