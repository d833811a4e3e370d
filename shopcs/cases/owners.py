"""Who owns a case: a person takes it, a reply to an unowned case makes the replier its owner, and a new conversation
goes round robin to the agents who switched themselves available, at most N open cases each (N: a case setting).

Only the roles allowed "cases.available" (agents) are assigned automatically: supervisors watch the queue and take
what they choose; after-sales and shipping receive their cases by transfer."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from ..actor import Actor
from ..audit.services import record
from ..auth.models import User
from ..auth.policy import PERMISSIONS, actor_allows
from ..errors import Conflict, Forbidden
from ..extensions import db
from .access import check_case_access, check_may_work, user_id_of
from .escalation import OPEN_STATUSES
from .models import Case
from .timeline import add_event, case_transaction, lock_case, trace

# the roles listed; not admins, whom the policy allows everything (an admin's switch is stored and changes nothing)
ASSIGNED_ROLES = PERMISSIONS["cases.available"]
ASSIGNER = Actor.system("assignment")
ACTION_TAKEN, ACTION_ASSIGNED = "case.taken", "case.assigned"  # by a person (take, reply); by the round robin


def _owner_name(user_id: int | None) -> str | None:
    return None if user_id is None else db.session.scalar(select(User.username).where(User.id == user_id))


def _set_owner(case: Case, user_id: int, actor: Actor, now: datetime, how: str) -> None:
    """The owner changes in the caller's transaction: a timeline line and an audit entry ("case.taken" or
    "case.assigned"), both saying how (taken, reply, round_robin) and who owned it before."""
    before = {"owner": _owner_name(case.owner_id)}
    case.owner_id = user_id
    after = {"owner": _owner_name(user_id), "how": how}
    add_event(case, "owner", actor, now, data={"before": before, "after": after})
    trace(case, ACTION_ASSIGNED if how == "round_robin" else ACTION_TAKEN, actor, now, before=before, after=after)


def take(case_id: int, actor: Actor, now: datetime) -> Case:
    """"Take it": an unowned case becomes the person's; a case another person owns only a supervisor may take over
    (an agent asks them, or the owner hands it over), so that two agents never answer one buyer at once.
    The case stays in its team's inbox."""
    check_may_work(actor)
    user_id = user_id_of(actor)
    if user_id is None:
        raise Forbidden(_l("Only a person can take a case."))
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        if case.owner_id == user_id:
            raise Conflict(_l("You own this case already."))
        if case.owner_id is not None and not actor_allows(actor, "cases.take_over"):
            raise Forbidden(_l("Another person owns this case: only a supervisor can take it over."))
        _set_owner(case, user_id, actor, now, "taken")
    return case


def own_on_reply(case: Case, actor: Actor, now: datetime) -> None:
    """Inside a reply's transaction: the person answering an unowned case owns it from now on (the platform and
    its integrations never own a case)."""
    if case.owner_id is None and (user_id := user_id_of(actor)) is not None:
        _set_owner(case, user_id, actor, now, "reply")


def set_available(actor: Actor, available: bool, now: datetime) -> bool:
    """An agent's own switch: available for new conversations, or away. Audited when it changes."""
    if actor.is_platform or not actor_allows(actor, "cases.available"):
        raise Forbidden(_l("Your role is not assigned cases automatically."))
    user = db.session.scalar(select(User).where(User.username == actor.display))
    if user is None:
        raise Forbidden(_l("Only a person can be available."))
    if user.available != available:
        record(actor, "user.availability", now, before={"available": user.available}, after={"available": available})
        user.available = available
    db.session.commit()
    return available


_AVAILABLE = select(User.__table__.c.available).where(User.__table__.c.id == bindparam("user_id"))  # built once: the queue asks


def is_available(user_id: int) -> bool:
    return bool(db.session.connection().scalar(_AVAILABLE, {"user_id": user_id}))


def assign_new_case(case_id: int, now: datetime, max_open: int) -> int | None:
    """Give a new conversation to the available agent assigned longest ago among those with fewer than `max_open`
    open cases; None (and the case stays in the Unassigned tab) when there is none or max_open is 0.

    Race-safe: the case's UPDATE takes SQLite's write lock first; on PostgreSQL the candidates' rows are locked
    (FOR UPDATE, in id order: no deadlock) before their open cases are counted, so two new cases assigned at once
    take turns and the second counts the first's."""
    if max_open <= 0:
        return None
    with case_transaction():
        case = lock_case(case_id)
        if case.owner_id is not None or case.status not in OPEN_STATUSES:
            return None
        candidates = list(db.session.scalars(
            select(User).where(User.active.is_(True), User.available.is_(True), User.role.in_(ASSIGNED_ROLES))
            .order_by(User.id).with_for_update().execution_options(populate_existing=True)))
        if not candidates:
            return None
        counts = dict(db.session.execute(
            select(Case.owner_id, func.count()).where(Case.owner_id.in_([u.id for u in candidates]),
                                                      Case.status.in_(OPEN_STATUSES)).group_by(Case.owner_id)).all())
        free = [user for user in candidates if counts.get(user.id, 0) < max_open]
        if not free:
            return None
        # never assigned first, then the one whose turn came longest ago; the id breaks ties
        chosen = min(free, key=lambda user: (user.last_assigned_at is not None, user.last_assigned_at or now, user.id))
        chosen.last_assigned_at = now
        _set_owner(case, chosen.id, ASSIGNER, now, "round_robin")
        return chosen.id
