"""The case queue as the pages show it: tabs with counts, search, filters, sort and one page of rows.

Every list is one query on `cases` joined to its customer, order and owner, with LIMIT/OFFSET; every tab count
is one COUNT with the same conditions. After-sales and shipping staff see only their team's cases or their own
(the rule of access.check_case_access, here as a WHERE clause), in every tab, count and search.

A search (queue/search.py) lists the newest case first by default and reads the word index only as far as the page
it shows; "most urgent first" lists the open cases it finds by their clocks, then the others newest first. A word
search counts up to COUNT_LIMIT cases ("more than 500") and pages on past them.
"""
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, String, bindparam, case, false, func, literal_column, or_, select

from ...auth.models import User
from ...auth.policy import allows, roles_allowed
from ...extensions import db
from ...orders.models import Customer, Order
from ...paging import PageCount
from ..access import RESTRICTED_ROLES, team_of_role
from ..escalation import OPEN_STATUSES
from ..models import Case
from ..rules import CATEGORIES, CHANNELS, SEVERITIES, STATUSES, TEAMS
from .search import COUNT_LIMIT, MAX_QUERY, choose_grams, has_words, search_ids, search_terms

TABS = ("mine", "unassigned", "team", "unanswered", "escalated", "open")
SEARCH = "search"  # pseudo-tab: a search across every case the viewer may see, in any status
SORTS = ("urgent", "newest")
FILTERS = {"category": CATEGORIES, "channel": CHANNELS, "severity": SEVERITIES, "status": STATUSES}
PER_PAGE = 50
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
        return allows(self.role, "cases.pick_team")

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
    customer_key: str | None  # the customer's external id: "widget:…" is a storefront chat visitor
    customer_phone: str | None
    order_no: str | None
    owner: str | None
    suggested_category: str | None = None  # the assistant's reading of the first message
    suggested_confidence: float | None = None


@dataclass(frozen=True)
class CasePage(PageCount):
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    more: bool = False  # a word search found more than `total` (COUNT_LIMIT) cases: counted no further

    @property
    def pages(self) -> int:
        """Past the counted cases, one more page while this one is full."""
        counted = max(1, -(-self.total // self.per_page))
        return max(counted, self.page + 1) if self.more and len(self.rows) == self.per_page else counted


def query_from_args(args: dict[str, str], viewer: Viewer, page: int) -> CaseQuery:
    """Unknown values fall back to the defaults: a hand-edited URL shows a page, never an error."""
    q = (args.get("q") or "").strip()[:MAX_QUERY]
    tab = SEARCH if q else args.get("tab", "mine")
    if tab not in TABS and tab != SEARCH:
        tab = "mine"
    team = args.get("team", "") if viewer.may_pick_team and args.get("team") in TEAMS else viewer.own_team
    chosen = {name: args.get(name, "") if args.get(name, "") in choices else "" for name, choices in FILTERS.items()}
    sort = args.get("sort") if args.get("sort") in SORTS else "newest" if tab == SEARCH else "urgent"
    return CaseQuery(tab=tab, team=team, q=q, sort=sort, page=page, **chosen)


def visible_to(viewer: Viewer) -> list:
    """After-sales and shipping staff: their team's cases and the ones they own; everyone else: every case."""
    if not viewer.restricted:
        return []
    mine = Case.owner_id == viewer.user_id if viewer.user_id is not None else false()
    return [or_(Case.team == viewer.role, mine)]


def is_one_of(column, codes: tuple[str, ...]):
    """`column IN ('a', 'b')` with the codes written into the statement: they are the code's own constants (plain
    lower-case words, checked), and an IN of bound values is expanded again on every execution. Issue 16 measured
    plain `in_()` (10k cases, SQLite, in process): tab counts 0.23 → 0.27 ms, the Unanswered list 0.52–0.56 → 0.67–0.68
    ms, together 5–7 % of that page's request: over the 5 % bar, so the codes stay written in."""
    if not codes or not all(re.fullmatch(r"[a-z_]+", code) for code in codes):
        raise ValueError(f"not plain codes: {codes!r}")
    # precedence 5, IN's own: written inside an AND without parentheses, as SQLAlchemy writes its IN
    return column.op("IN", precedence=5)(literal_column("(" + ", ".join(f"'{code}'" for code in codes) + ")"))


def tab_conditions(tab: str, viewer: Viewer, team: str, status: str = "") -> list:
    """A tab's WHERE clauses; `status` (a filter: a value or a bound parameter) replaces the tab's own "still open"
    restriction."""
    filtered = not isinstance(status, str) or status != ""
    statuses = [Case.status == status] if filtered else [is_one_of(Case.status, OPEN_STATUSES)]
    if tab == "mine":
        return [Case.owner_id == viewer.user_id, *statuses] if viewer.user_id is not None else [false()]
    if tab == "unassigned":  # open cases nobody owns yet (ix_cases_owner_status): what "Take it" is for
        return [Case.owner_id.is_(None), *statuses]
    if tab == "team":
        return [Case.team == team, *statuses]
    if tab == "unanswered":
        return [Case.first_responded_at.is_(None), *statuses]
    if tab == "escalated":  # waiting for a supervisor's acknowledgement, whatever the case's status
        return [Case.escalated_at.is_not(None), Case.escalation_acknowledged_at.is_(None),
                *([Case.status == status] if filtered else [])]
    if tab == "open":
        return statuses
    if tab == SEARCH:
        return [Case.status == status] if filtered else []
    raise ValueError(f"unknown case tab {tab!r}")


def tab_counts(viewer: Viewer, team: str) -> dict[str, int]:
    """Each tab's number of cases as the tab shows them without filters: one statement, a count per tab, each an
    index range (mine and unassigned: ix_cases_owner_status, team: ix_cases_team_status, unanswered: ix_cases_unanswered_due,
    escalated: ix_cases_escalation_pending, open: ix_cases_status_due)."""
    statement = _counts_statement(viewer.role if viewer.restricted else None, viewer.user_id is not None)
    row = db.session.connection().execute(statement, {"viewer_id": viewer.user_id, "viewer_team": team}).one()
    return dict(zip(TABS, row, strict=True))


@lru_cache(maxsize=16)
def _counts_statement(restricted_role: str | None, has_user: bool):
    """Built once per shape (the viewer's restriction, whether they have an id); the viewer and team are parameters."""
    viewer = Viewer(user_id=bindparam("viewer_id", type_=Integer) if has_user else None,
                    role=restricted_role or "agent")
    team = bindparam("viewer_team", type_=String)
    return select(*(select(func.count()).select_from(Case).where(*visible_to(viewer), *tab_conditions(tab, viewer, team))
                    .scalar_subquery().label(tab) for tab in TABS))


_ROW = (Case.id, Case.subject, Case.category, Case.channel, Case.severity, Case.status, Case.team, Case.received_at,
        Case.first_response_due_at, Case.first_responded_at, Case.escalated_at, Case.escalation_acknowledged_at,
        Customer.name, Customer.external_id, Customer.phone, Order.order_no,
        func.coalesce(func.nullif(User.display_name, ""), User.username), Case.suggested_category,
        Case.suggested_confidence)


def list_page(query: CaseQuery, viewer: Viewer, per_page: int = PER_PAGE) -> CasePage:
    """The tab's (or search's) count and one page of rows: two statements built once per shape (tab, viewer's
    restriction, filters given, search kind, sort), the values as parameters; Core rows on the session's connection.
    A word search counts up to COUNT_LIMIT cases and, newest first, reads only as far as the page it shows."""
    offset = (query.page - 1) * per_page
    params = {"viewer_id": viewer.user_id, "viewer_team": query.team, "status_filter": query.status,
              "limit": per_page, "offset": offset, "window": offset + per_page, "count_window": COUNT_LIMIT + 1}
    filters = {name: value for name, value in query.filters().items() if name != "status"}
    params.update({f"filter_{name}": value for name, value in filters.items()})
    connection = db.session.connection()
    terms = choose_grams(connection, search_terms(query.q)) if query.tab == SEARCH else {}
    params.update(terms)
    count, rows = _list_statements(query.tab, viewer.role if viewer.restricted else None, viewer.user_id is not None,
                                   bool(query.status), tuple(sorted(filters)), frozenset(terms), query.sort)
    total = connection.scalar(count, params)
    more = has_words(frozenset(terms)) and total > COUNT_LIMIT
    return CasePage([CaseRow(*row) for row in connection.execute(rows, params)], COUNT_LIMIT if more else total,
                    query.page, per_page, more)


@lru_cache(maxsize=256)
def _list_statements(tab: str, restricted_role: str | None, has_user: bool, status: bool, filters: tuple,
                     search: frozenset, sort: str):
    viewer = Viewer(user_id=bindparam("viewer_id", type_=Integer) if has_user else None, role=restricted_role or "agent")
    where = [*visible_to(viewer), *tab_conditions(tab, viewer, bindparam("viewer_team", type_=String),
                                                  bindparam("status_filter", type_=String) if status else "")]
    where.extend(getattr(Case, name) == bindparam(f"filter_{name}", type_=String) for name in filters)
    order = (Case.first_response_due_at, Case.id) if sort == "urgent" else (Case.received_at.desc(), Case.id.desc())
    if tab == SEARCH:  # the conditions go inside each branch of the search (search.search_ids)
        count = select(func.count()).select_from(
            search_ids(search, where, bindparam("count_window", type_=Integer)).subquery())
        window = bindparam("window", type_=Integer)
        if sort == "urgent":  # the open cases by their clocks, then the others newest first
            is_open = is_one_of(Case.status, OPEN_STATUSES)
            where = [Case.id.in_(search_ids(search, where, window, is_open))]
            order = (case((is_open, 0), else_=1), case((is_open, Case.first_response_due_at)), Case.id.desc())
        else:  # by case no., newest first: the word index's own order, read no further than the page
            where = [Case.id.in_(search_ids(search, where, window))]
            order = (Case.id.desc(),)
    else:
        count = select(func.count()).select_from(Case).where(*where)
    rows = (select(*_ROW).select_from(Case)
            .outerjoin(Customer, Customer.id == Case.customer_id).outerjoin(Order, Order.id == Case.order_id)
            .outerjoin(User, User.id == Case.owner_id)
            .where(*where).order_by(*order).limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer)))
    return count, rows


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
                                .where(User.active.is_(True), User.role.in_(roles_allowed("cases.work")))
                                .order_by(User.username))
    groups: dict[str, list[tuple[int, str]]] = {team: [] for team in (*TEAMS, "supervisors")}
    for user_id, username, display_name, role in people:
        team = next((t for t, roles in TEAM_ROLES.items() if role in roles), "supervisors")
        groups[team].append((user_id, f"{display_name} ({username})" if display_name else username))
    return groups


def user_id_of(username: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.username == username))

