"""Server-side role checks for pages, and the current actor for services."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..actor import Actor


def roles_required(*roles: str):
    """Login plus one of these roles; admins may do everything."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def has_role(*roles: str) -> bool:
    return current_user.is_authenticated and (current_user.role == "admin" or current_user.role in roles)


def current_actor() -> Actor:
    return Actor.for_user(current_user)
