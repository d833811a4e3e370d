"""Reading cases: one case with its timeline, and a team's inbox in queue order (most urgent first)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotFound
from ..extensions import db
from .escalation import OPEN_STATUSES
from .models import Case
from .timeline import MAX_DB_ID


def get_case(case_id: int) -> Case:
    case = None
    if isinstance(case_id, int) and 1 <= case_id <= MAX_DB_ID:
        case = db.session.scalar(select(Case).where(Case.id == case_id).options(
            selectinload(Case.events), joinedload(Case.customer), joinedload(Case.order), joinedload(Case.owner)))
    if case is None:
        raise NotFound(_l("No case %(id)s.", id=case_id))
    return case


def list_cases(channel: str | None, status: str | None, updated_since, page: int, per_page: int) -> tuple[list[Case], int]:
    """The API's list: a page ordered by (updated_at, id), so a reader that keeps the last updated_at misses nothing."""
    query = select(Case)
    if channel:
        query = query.where(Case.channel == channel)
    if status:
        query = query.where(Case.status == status)
    if updated_since is not None:
        query = query.where(Case.updated_at >= updated_since)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(joinedload(Case.customer), joinedload(Case.order), joinedload(Case.owner))
                              .order_by(Case.updated_at, Case.id).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def team_cases(team: str, statuses: tuple[str, ...] = OPEN_STATUSES, page: int = 1,
               per_page: int = 50) -> tuple[list[Case], int]:
    """The cases waiting in `team`'s inbox (ix_cases_team_status), the first due first; (page of cases, total)."""
    where = (Case.team == team, Case.status.in_(statuses))
    total = db.session.scalar(select(func.count()).select_from(Case).where(*where))
    rows = db.session.scalars(select(Case).where(*where).options(joinedload(Case.customer), joinedload(Case.owner))
                              .order_by(Case.first_response_due_at, Case.id).limit(per_page)
                              .offset((page - 1) * per_page))
    return list(rows), total
