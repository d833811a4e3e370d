"""The login, own-password and account-management forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..i18n_labels import ROLES as ROLE_LABELS
from .rules import MAX_DISPLAY_NAME, MAX_PASSWORD_LENGTH, ROLES


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[EqualTo("new", message=_l("The two new passwords differ."))])


def _role_choices():
    return [(code, ROLE_LABELS[code]) for code in ROLES]


class AccountForm(FlaskForm):
    """Display name and role; the services check them again (rules.py), these catch typing slips."""

    display_name = StringField(_l("Display name"), validators=[Length(max=MAX_DISPLAY_NAME)],
                               description=_l("Shown on pages instead of the user name, e.g. 王小明."))
    role = SelectField(_l("Role"), choices=_role_choices(), validate_choice=False)


class _PasswordFields:
    password = PasswordField(_l("Temporary password"), validators=[Length(max=MAX_PASSWORD_LENGTH)],
                             description=_l("Leave empty to have one generated. The person chooses their own at their "
                                            "next login."))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords differ."))])


class NewAccountForm(AccountForm, _PasswordFields):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)],
                           description=_l("For logging in: letters, digits and . _ @ -"))


class ResetPasswordForm(FlaskForm, _PasswordFields):
    pass


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the page's button is the confirmation."""
