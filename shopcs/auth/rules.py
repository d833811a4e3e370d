"""The rules for accounts, one home for the page and the CLI: user names, display names, passwords, roles, and
what an admin may not do to the admins. Pure: no Flask, no database.

Messages are English msgids with %(name)s placeholders: the CLI prints them as they are, pages translate them
(`AuthError.translated`). `N_` only marks them for `pybabel extract` (one of its default keywords).
"""
import re

ROLES = ("agent", "after_sales", "shipping", "supervisor", "operator", "admin")
ADMIN = "admin"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
MAX_DISPLAY_NAME = 100
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def N_(text: str) -> str:  # noqa: N802 - gettext's conventional name for "mark only"
    return text


class AuthError(ValueError):
    """A refused account change: `field` names the form field it is about (None: the whole form)."""

    def __init__(self, message, field: str | None = None, **params):
        super().__init__(message)
        self.message, self.field, self.params = message, field, params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def translated(self, gettext) -> str:
        return gettext(str(self.message), **self.params)


def checked_username(username: str | None) -> str:
    username = (username or "").strip()
    if not USERNAME.fullmatch(username):
        raise AuthError(N_("A user name has 1 to 64 characters: letters, digits and . _ @ -, starting with a letter "
                           "or digit."), "username")
    return username


def checked_display_name(display_name: str | None) -> str:
    display_name = " ".join((display_name or "").split())
    if len(display_name) > MAX_DISPLAY_NAME:
        raise AuthError(N_("A display name has at most %(count)s characters."), "display_name", count=MAX_DISPLAY_NAME)
    return display_name


def checked_role(role: str | None) -> str:
    if role not in ROLES:
        raise AuthError(N_("Unknown role %(role)s; choose one of: %(roles)s."), "role", role=repr(role),
                        roles=", ".join(ROLES))
    return role


def check_password(password: str | None, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(N_("The password needs at least %(count)s characters."), field, count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(N_("The password has at most %(count)s characters."), field, count=MAX_PASSWORD_LENGTH)


def check_admin_change(acting_id: int | None, target, new_role: str, new_active: bool, other_active_admins: int) -> None:
    """An admin keeps their own role and access, and the last active admin stays one: otherwise no one could
    manage the accounts any more. `target` has `id`, `role` and `active` as stored; `other_active_admins` counts
    the active admins besides it."""
    field = "role" if new_active else None
    if target.id == acting_id and (new_role != target.role or not new_active):
        raise AuthError(N_("You cannot deactivate your own account or take away your own admin role."), field)
    removes_an_admin = target.role == ADMIN and target.active and not (new_role == ADMIN and new_active)
    if removes_an_admin and other_active_admins == 0:
        raise AuthError(N_("This is the last active admin: make another account an admin first."), field)
