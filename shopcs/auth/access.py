"""Server-side permission checks for pages (the table is auth/policy.py), and the current actor for services."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..actor import Actor
from .policy import allows, check_action


def permission_required(action: str):
    """Login plus the permission (admins have every one); records `permission` on the view for the top bar and the
    route table test."""
    check_action(action)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allows(current_user.role, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = action
        return wrapped

    return decorator


def may(action: str) -> bool:
    """Whether the logged-in person may: for views and templates (a Jinja global), to show only what they may use."""
    return current_user.is_authenticated and allows(current_user.role, action)


def current_actor() -> Actor:
    return Actor.for_user(current_user)
