"""People by the name their team knows them by: rows store an actor label ("user:alice", "token:shopify"); pages show
"小王" (the user's display name, else the login). Labels stay as stored, so a renamed user shows the new name everywhere."""
from flask import has_request_context, request
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from .models import User


def name_for_label(label: str | None, names: dict[str, str]) -> str:
    """The shown name of an actor label; `names` maps login → display name. Tokens, webhooks, system: their name."""
    if not label:
        return "—"
    kind, _, name = label.partition(":")
    if not name:
        return kind
    return (names.get(name) or name) if kind == "user" else name


def display_names() -> dict[str, str]:
    """login → display name of every account, read once per request (a team is a few dozen people).

    Kept in the request's environ: it lives exactly as long as the request (outside one, nothing is cached)."""
    cache = request.environ if has_request_context() else {}
    if "shopcs.display_names" not in cache:
        cache["shopcs.display_names"] = {username: display for username, display in
                                         db.session.execute(select(User.username, User.display_name)) if display}
    return cache["shopcs.display_names"]


def actor_display_name(label: str | None) -> str:
    return name_for_label(label, display_names()) if label else "—"


def actor_name_html(label: str | None) -> Markup:
    """The shown name, marked as a name rather than a word of the UI (translate="no")."""
    return Markup('<span translate="no">%s</span>') % actor_display_name(label)
