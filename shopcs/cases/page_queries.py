"""The case queue as the pages show it: tabs with counts, search, filters, sort and one page of rows.

Every list is one query on `cases` joined to its customer, order and owner, with LIMIT/OFFSET; every tab count
is one COUNT with the same conditions. After-sales and shipping staff see only their team's cases or their own
(the rule of access.check_case_access, here as a WHERE clause), in every tab, count and search.
"""
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import false, func, or_, select

from ..auth.models import User
from ..extensions import db
from ..orders.models import Customer, Order
from ..phone import normalize_phone, search_digits
from .access import RESTRICTED_ROLES, SUPERVISING_ROLES, WORKING_ROLES, team_of_role
from .escalation import OPEN_STATUSES
from .models import Case
from .rules import CATEGORIES, CHANNELS, SEVERITIES, STATUSES, TEAMS
from .timeline import MAX_DB_ID

TABS = ("mine", "team", "unanswered", "escalated", "open")
SEARCH = "search"  # pseudo-tab: a search across every case the viewer may see, in any status
SORTS = ("urgent", "newest")
FILTERS = {"category": CATEGORIES, "channel": CHANNELS, "severity": SEVERITIES, "status": STATUSES}
PER_PAGE = 50
MAX_QUERY = 100
TEAM_ROLES = {"agents": ("agent",), "after_sales": ("after_sales",), "shipping": ("shipping",)}


@dataclass(frozen=True)
class Viewer:
    """Who looks at the queue: what "Mine" and "My team" mean and which cases they may see."""

    user_id: int | None
    role: str

    @property
    def restricted(self) -> bool:
        return self.role in RESTRICTED_ROLES

    @property
    def may_pick_team(self) -> bool:
        return self.role in SUPERVISING_ROLES

    @property
    def own_team(self) -> str:
        return team_of_role(self.role)


@dataclass(frozen=True)
class CaseQuery:
    tab: str = "mine"
    team: str = "agents"  # the team of the "My team" tab
    q: str = ""
    category: str = ""
    channel: str = ""
    severity: str = ""
    status: str = ""  # "": the tab's own statuses
    sort: str = "urgent"
    page: int = 1

    def filters(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


class CaseRow(NamedTuple):
    id: int
    subject: str
    category: str
    channel: str
    severity: str
    status: str
    team: str
    received_at: datetime
    first_response_due_at: datetime
    first_responded_at: datetime | None
    escalated_at: datetime | None
    escalation_acknowledged_at: datetime | None
    customer_name: str | None
    customer_phone: str | None
    order_no: str | None
    owner: str | None


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def query_from_args(args: dict[str, str], viewer: Viewer, page: int) -> CaseQuery:
    """Unknown values fall back to the defaults: a hand-edited URL shows a page, never an error."""
    q = (args.get("q") or "").strip()[:MAX_QUERY]
    tab = SEARCH if q else args.get("tab", "mine")
    if tab not in TABS and tab != SEARCH:
        tab = "mine"
    team = args.get("team", "") if viewer.may_pick_team and args.get("team") in TEAMS else viewer.own_team
    chosen = {name: args.get(name, "") if args.get(name, "") in choices else "" for name, choices in FILTERS.items()}
    sort = args.get("sort") if args.get("sort") in SORTS else "urgent"
    return CaseQuery(tab=tab, team=team, q=q, sort=sort, page=page, **chosen)


def visible_to(viewer: Viewer) -> list:
    """After-sales and shipping staff: their team's cases and the ones they own; everyone else: every case."""
    if not viewer.restricted:
        return []
    mine = Case.owner_id == viewer.user_id if viewer.user_id is not None else false()
    return [or_(Case.team == viewer.role, mine)]


def tab_conditions(tab: str, viewer: Viewer, team: str, status: str = "") -> list:
    """A tab's WHERE clauses; `status` (a filter) replaces the tab's own "still open" restriction."""
    statuses = [Case.status == status] if status else [Case.status.in_(OPEN_STATUSES)]
    if tab == "mine":
        return [Case.owner_id == viewer.user_id, *statuses] if viewer.user_id is not None else [false()]
    if tab == "team":
        return [Case.team == team, *statuses]
    if tab == "unanswered":
        return [Case.first_responded_at.is_(None), *statuses]
    if tab == "escalated":  # waiting for a supervisor's acknowledgement, whatever the case's status
        return [Case.escalated_at.is_not(None), Case.escalation_acknowledged_at.is_(None),
                *([Case.status == status] if status else [])]
    if tab == "open":
        return statuses
    if tab == SEARCH:
        return [Case.status == status] if status else []
    raise ValueError(f"unknown case tab {tab!r}")


def _like_escape(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def search_condition(text: str):
    """A case no. ("123" or "#123"), an order no., a buyer's name or phone (exactly), or words of the subject."""
    term = text.strip()[:MAX_QUERY]
    found = [Case.subject.ilike(f"%{_like_escape(term)}%", escape="\\"),
             Case.order_id.in_(select(Order.id).where(Order.order_no == term)),
             Case.customer_id.in_(select(Customer.id).where(Customer.name == term))]
    number = term.lstrip("#")
    if number.isdigit() and 1 <= int(number) <= MAX_DB_ID:
        found.append(Case.id == int(number))
    digits = search_digits(term)
    if len(digits) >= 7 and len(digits) >= len(term.replace(" ", "").replace("-", "").lstrip("+")):
        stored, valid = normalize_phone(term)
        found.append(Case.customer_id.in_(select(Customer.id).where(Customer.phone == (stored if valid else digits))))
    return or_(*found)


def _conditions(query: CaseQuery, viewer: Viewer) -> list:
    where = [*visible_to(viewer), *tab_conditions(query.tab, viewer, query.team, query.status)]
    if query.tab == SEARCH:
        where.append(search_condition(query.q))
    where.extend(getattr(Case, name) == value for name, value in query.filters().items() if name != "status")
    return where


def tab_counts(viewer: Viewer, team: str) -> dict[str, int]:
    """Each tab's number of cases as the tab shows them without filters."""
    return {tab: db.session.scalar(select(func.count()).select_from(Case).where(
        *visible_to(viewer), *tab_conditions(tab, viewer, team))) for tab in TABS}


_ROW = (Case.id, Case.subject, Case.category, Case.channel, Case.severity, Case.status, Case.team, Case.received_at,
        Case.first_response_due_at, Case.first_responded_at, Case.escalated_at, Case.escalation_acknowledged_at,
        Customer.name, Customer.phone, Order.order_no, func.coalesce(func.nullif(User.display_name, ""), User.username))


def list_page(query: CaseQuery, viewer: Viewer, per_page: int = PER_PAGE) -> CasePage:
    where = _conditions(query, viewer)
    total = db.session.scalar(select(func.count()).select_from(Case).where(*where))
    order = (Case.first_response_due_at, Case.id) if query.sort == "urgent" else (Case.received_at.desc(), Case.id.desc())
    statement = (select(*_ROW).select_from(Case)
                 .outerjoin(Customer, Customer.id == Case.customer_id).outerjoin(Order, Order.id == Case.order_id)
                 .outerjoin(User, User.id == Case.owner_id)
                 .where(*where).order_by(*order).limit(per_page).offset((query.page - 1) * per_page))
    return CasePage([CaseRow(*row) for row in db.session.execute(statement)], total, query.page, per_page)


def cases_of_order(order_id: int, viewer: Viewer) -> list[CaseRow]:
    """The order page's list: the order's cases the viewer may open, newest first."""
    statement = (select(*_ROW).select_from(Case)
                 .outerjoin(Customer, Customer.id == Case.customer_id).outerjoin(Order, Order.id == Case.order_id)
                 .outerjoin(User, User.id == Case.owner_id)
                 .where(Case.order_id == order_id, *visible_to(viewer)).order_by(Case.received_at.desc(), Case.id.desc())
                 .limit(PER_PAGE))
    return [CaseRow(*row) for row in db.session.execute(statement)]


def transfer_targets() -> dict[str, list[tuple[int, str]]]:
    """The active people a case can be handed to, by team ("supervisors" last): (id, name) in name order."""
    people = db.session.execute(select(User.id, User.username, User.display_name, User.role)
                                .where(User.active.is_(True), User.role.in_(WORKING_ROLES))
                                .order_by(User.username))
    groups: dict[str, list[tuple[int, str]]] = {team: [] for team in (*TEAMS, "supervisors")}
    for user_id, username, display_name, role in people:
        team = next((t for t, roles in TEAM_ROLES.items() if role in roles), "supervisors")
        groups[team].append((user_id, f"{display_name} ({username})" if display_name else username))
    return groups


def user_id_of(username: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.username == username))

