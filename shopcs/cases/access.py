"""Who may work which case, checked by the services (pages and the API only ask them)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actor import Actor
from ..auth.models import User
from ..auth.policy import actor_allows
from ..errors import Forbidden
from ..extensions import db

# People of these roles are a team of their own: they see the cases handed to their team or to them, no others.
# Which cases a role sees is data about teams, not a permission: it stays here (auth/policy.py says who may work).
RESTRICTED_ROLES = ("after_sales", "shipping")


def team_of_role(role: str | None) -> str:
    """The inbox a person's cases land in when the case is handed to them."""
    return role if role in RESTRICTED_ROLES else "agents"


def user_id_of(actor: Actor) -> int | None:
    if actor.is_platform or not actor.label.startswith("user:"):
        return None
    return db.session.scalar(select(User.id).where(User.username == actor.display))


def check_may_work(actor: Actor) -> None:
    if not actor_allows(actor, "cases.work"):
        raise Forbidden(_l("Your role cannot work on customer cases."))


def check_case_access(actor: Actor, case) -> None:
    """The platform and unrestricted roles reach every case; after-sales and shipping only their team's or their own."""
    check_may_work(actor)
    if actor.is_platform or actor.role not in RESTRICTED_ROLES or case.team == actor.role:
        return
    if case.owner_id is not None and case.owner_id == user_id_of(actor):
        return
    raise Forbidden(_l("This case belongs to another team."))


def check_may_supervise(actor: Actor) -> None:
    if not actor_allows(actor, "cases.acknowledge"):
        raise Forbidden(_l("Only a supervisor can acknowledge an escalation."))
