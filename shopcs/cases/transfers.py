"""Handing a case over (duty 4, "立即让客户转移到售后部门处理"): to a team's inbox or to one person, always with
a note that tells the receiver what the customer needs."""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..actor import Actor
from ..auth.models import User
from ..auth.policy import allows
from ..errors import Conflict, Invalid
from ..extensions import db
from ..limits import NOTE_MAX
from .access import RESTRICTED_ROLES, check_case_access, check_may_work, team_of_role
from .inputs import text_or_problem
from .models import Case
from .rules import TEAMS
from .timeline import MAX_DB_ID, add_event, case_transaction, lock_case, trace


def _receiver(to_team: str | None, to_user: int | None, fields: dict) -> User | None:
    if (to_team is None) == (to_user is None):
        fields["to"] = "name either a team or a person"
        return None
    if to_team is not None:
        if to_team not in TEAMS:
            fields["to_team"] = f"must be one of {', '.join(TEAMS)}"
        return None
    valid_id = isinstance(to_user, int) and not isinstance(to_user, bool) and 1 <= to_user <= MAX_DB_ID
    user = db.session.get(User, to_user) if valid_id else None
    if user is None or not user.active or not allows(user.role, "cases.work"):
        fields["to_user"] = "must be an active person who works on cases"
    return user


def transfer(case_id: int, note: str, actor: Actor, now: datetime, *, to_team: str | None = None,
             to_user: int | None = None) -> Case:
    """To a team: the case waits in its inbox with no owner. To a person: they own it, and it moves to their
    team's inbox when they belong to one (agents, after-sales, shipping); a supervisor takes it where it is."""
    check_may_work(actor)
    text, fields = text_or_problem(note, NOTE_MAX, "note")
    user = _receiver(to_team, to_user, fields)
    if fields:
        raise Invalid(_l("The transfer has invalid fields."), fields)
    with case_transaction():
        case = lock_case(case_id)
        check_case_access(actor, case)
        before = {"team": case.team, "owner": case.owner.username if case.owner else None}
        if user is None:
            case.team, case.owner_id = to_team, None
        else:
            case.owner_id = user.id
            if user.role in RESTRICTED_ROLES or user.role == "agent":
                case.team = team_of_role(user.role)
        after = {"team": case.team, "owner": user.username if user else None}
        if after == before:
            raise Conflict(_l("The case is already there."))
        add_event(case, "transfer", actor, now, body=text, data={"before": before, "after": after})
        trace(case, "case.transferred", actor, now, before=before, after={**after, "note": text})
    return case
