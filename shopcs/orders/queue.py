"""The order queue: which orders need something now.

Every list is one index-backed query (orders joined to customers) with LIMIT/OFFSET, and every
group count is one query restricted to that group's status that stops at a cap (capped_counts: "999+"), so
cost grows with the page, neither with the table nor with the open work. Functions take `today` (the shop's
local date) instead of reading a clock.
"""
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Date, Integer, bindparam, exists, false, func, literal, literal_column, or_, select

from ..capped_counts import COUNT_CAP, is_capped
from ..countries import DOMESTIC
from ..extensions import db
from ..paging import PageCount
from ..phone import phone_search_key, search_digits
from .address import PROVINCE_SUFFIXES, province_key
from .models import Customer, Order, Refund, Shipment

GROUPS = ("confirm", "ship", "due", "refund", "flagged", "unpaid")
SEARCH = "search"  # pseudo-group: a search across all orders
SORTS = ("oldest", "newest", "total")
PER_PAGE = 50
MAX_QUERY = 100


@dataclass(frozen=True)
class QueueQuery:
    group: str = "confirm"
    q: str = ""
    province: str = ""
    unreachable: tuple[str, ...] | None = None  # provinces the chosen carrier(s) do not reach; None: no filter
    sort: str = "oldest"
    page: int = 1


class QueueRow(NamedTuple):
    """One line of the list (a named tuple: a page builds fifty, and a frozen dataclass's __init__ cost 5x more)."""

    order_no: str
    status: str
    placed_at: datetime
    paid_at: datetime | None
    total: Decimal
    recipient: str
    customer_name: str
    phone: str
    phone_valid: bool
    province: str
    city: str
    address_confirmed_at: datetime | None
    promised_ship_date: date | None
    id: int = 0  # the last two, with defaults: the rows are built positionally from _ROW_COLUMNS
    currency: str = "CNY"  # the total's
    country: str = "CN"  # the address's: abroad the row shows city and country


@dataclass(frozen=True)
class QueuePage(PageCount):
    """`total`: the rows counted; with `more`, the count stopped at its cap and there are at least that many."""

    rows: list[QueueRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    more: bool = False


# The statements are built on the tables (SQLAlchemy Core), not the mapped classes: the page only reads
# columns, and Core skips the ORM's compile and loading steps on every request.
orders, customers, refunds, shipments = Order.__table__, Customer.__table__, Refund.__table__, Shipment.__table__
_ROW_COLUMNS = (orders.c.order_no, orders.c.status, orders.c.placed_at, orders.c.paid_at, orders.c.total, orders.c.recipient,
                customers.c.name, orders.c.phone, orders.c.phone_valid, orders.c.province, orders.c.city,
                orders.c.address_confirmed_at, orders.c.promised_ship_date, orders.c.id, orders.c.currency,
                orders.c.country)


def group_conditions(group: str, today) -> list:
    """The WHERE clauses that define a group; each starts from an indexed column. `today`: a date or a bindparam."""
    if group == "confirm":
        return [orders.c.status == "paid", orders.c.address_confirmed_at.is_(None)]
    if group == "ship":
        return [orders.c.status == "paid", orders.c.address_confirmed_at.is_not(None),
                ~exists().where(shipments.c.order_id == orders.c.id)]
    if group == "due":
        return [orders.c.status == "paid", orders.c.promised_ship_date <= today]
    if group == "refund":
        return [orders.c.id.in_(select(refunds.c.order_id).where(refunds.c.status == "requested"))]
    if group == "flagged":
        # Two literals, not a list: a list is an "expanding" parameter, re-rendered into the SQL on each execution.
        return [orders.c.phone_valid == false(), orders.c.status.in_([literal("unpaid"), literal("paid")])]
    if group == "unpaid":  # placed, not paid, not closed or cancelled: ix_orders_status_placed_at
        return [orders.c.status == "unpaid"]
    raise ValueError(f"unknown queue group {group!r}")


# The index each group's count walks, by its columns after `status`: ordered by them, a capped count reads the
# index from its start and stops at the cap. Without the order PostgreSQL may scan the table to fill the LIMIT,
# and the open orders, the newest, lie at its end.
_COUNT_ORDER = {
    "confirm": (orders.c.address_confirmed_at, orders.c.paid_at),  # ix_orders_status_confirmed
    "ship": (orders.c.address_confirmed_at, orders.c.paid_at),  # the same, its other half
    "due": (orders.c.promised_ship_date,),  # ix_orders_status_promised
    "flagged": (),  # ix_orders_status_phone_valid: two statuses, no one order; few rows
    "unpaid": (orders.c.placed_at,),  # ix_orders_status_placed_at
}


def search_parameters(text: str) -> dict[str, str]:
    """What a search looks for: {"q": text} for an order no. or a name, plus "phone" (its stored digits) when
    the text is a phone number; {} when there is nothing to search for."""
    term = (text or "").strip()[:MAX_QUERY]
    if not term:
        return {}
    digits = search_digits(term)
    if digits and len(digits) >= len(term.replace(" ", "").replace("-", "").lstrip("+")):
        return {"q": term, "phone": phone_search_key(term)}
    return {"q": term}


def search_condition(by_phone: bool):
    """Order no. exactly; a phone by its stored (normalised) digits; otherwise recipient or buyer name."""
    term = bindparam("q")
    if by_phone:
        return or_(orders.c.order_no == term, orders.c.phone == bindparam("phone"))
    return or_(orders.c.order_no == term, orders.c.recipient == term,
               orders.c.customer_id.in_(select(customers.c.id).where(customers.c.name == term)))


def filter_parameters(query: QueueQuery) -> dict[str, list[str]]:
    """The province filter's spellings ("provinces") and the unreachable provinces' ("unreachable")."""
    parameters = {}
    if query.province:
        parameters["provinces"] = _spellings([query.province])
    if query.unreachable is not None:
        parameters["unreachable"] = _spellings(query.unreachable)
    return parameters


def filter_conditions(province: bool, unreachable: str | None) -> list:
    """`unreachable`: None (no filter), "none" (the carrier reaches everywhere: nothing matches) or "some"."""
    conditions = []
    if province:
        conditions.append(orders.c.province.in_(bindparam("provinces", expanding=True)))
    if unreachable == "some":  # the reach lists name Chinese provinces: a state abroad of the same name is not one
        conditions += [orders.c.province.in_(bindparam("unreachable", expanding=True)), orders.c.country == DOMESTIC]
    elif unreachable == "none":
        conditions.append(false())
    return conditions


def _spellings(provinces) -> list[str]:
    """'新疆', '新疆维吾尔自治区' or '新疆自治区' may be stored: match every spelling with one IN list."""
    names = set()
    for name in provinces:
        key = province_key(name)
        names.update({name.strip(), key, *(key + suffix for suffix in PROVINCE_SUFFIXES)} if key else ())
    return sorted(n for n in names if n)


def _order_by(group: str, sort: str) -> list:
    time_column = orders.c.placed_at if group in ("flagged", "unpaid", SEARCH) else orders.c.paid_at
    if sort == "newest":
        return [time_column.desc(), orders.c.id.desc()]
    if sort == "total":
        return [orders.c.total.desc(), orders.c.id.desc()]
    if group == "due":
        return [orders.c.promised_ship_date, time_column, orders.c.id]
    return [time_column, orders.c.id]


@dataclass(frozen=True)
class _Shape:
    """What decides a list page's SQL; everything else (the date, the search, the provinces, the page) is a parameter."""
    group: str
    search: str | None  # "phone", "text" or None
    province: bool
    unreachable: str | None  # see filter_conditions
    sort: str


@functools.cache
def _statements(shape: _Shape):
    """(count, rows) for one shape, built once: there are at most a few hundred shapes, and building a statement
    (and its cache key) cost more per request than running it. Parameters: today, q, phone, provinces,
    unreachable, count_limit (where the count stops), limit, offset."""
    where = [] if shape.group == SEARCH else group_conditions(shape.group, bindparam("today", type_=Date))
    if shape.search:
        where.append(search_condition(shape.search == "phone"))
    where += filter_conditions(shape.province, shape.unreachable)
    counted = select(literal_column("1")).select_from(orders).where(*where).order_by(*_COUNT_ORDER.get(shape.group, ()))
    count = _capped(counted, bindparam("count_limit", type_=Integer))
    rows = (
        select(*_ROW_COLUMNS).select_from(orders).join(customers, customers.c.id == orders.c.customer_id)
        .where(*where).order_by(*_order_by(shape.group, shape.sort))
        .limit(bindparam("limit")).offset(bindparam("offset"))
    )
    return count, rows


def list_page(query: QueueQuery, today: date, counts: dict[str, int] | None = None, cap: int = COUNT_CAP) -> QueuePage:
    """One page of a group; pass group_counts() to spare the count query when nothing narrows the group.

    The count stops `cap` rows past the page's start (the first page: where the tab's count stops), so a page
    past the cap still has its pager and a Next link, and a long list costs what its page costs."""
    if cap <= PER_PAGE:
        raise ValueError("the count must reach past the page, or the pager cannot tell that a next page exists")
    narrowing = search_parameters(query.q) | filter_parameters(query)
    if query.group == SEARCH and not narrowing:
        return QueuePage(rows=[], total=0, page=1)
    parameters = {"today": today, **narrowing}
    unreachable = None if query.unreachable is None else ("some" if parameters["unreachable"] else "none")
    search = ("phone" if "phone" in parameters else "text") if "q" in parameters else None
    count, rows = _statements(_Shape(query.group, search, "provinces" in parameters, unreachable, query.sort))
    connection = db.session.connection()
    requested = max(1, query.page)
    count_limit = (requested - 1) * PER_PAGE + cap
    unfiltered = not (query.q or query.province or query.unreachable is not None)
    known = counts.get(query.group) if counts is not None and unfiltered else None
    if known is not None and (requested == 1 or not is_capped(known, cap)):  # the tab's count says it all
        total = known
    else:
        total = connection.execute(count, {**parameters, "count_limit": count_limit}).scalar_one()
    more = is_capped(total, count_limit)
    page = min(requested, max(1, -(-total // PER_PAGE)))
    result = connection.execute(rows, {**parameters, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE})
    return QueuePage(rows=[QueueRow(*row) for row in result], total=total, page=page, more=more)


def _capped(rows, limit):
    """count(*) of the first `limit` of `rows` (a SELECT 1 ... WHERE): the database stops reading at the cap."""
    return select(func.count()).select_from(rows.limit(limit).subquery())


def _count_rows(group: str, today):
    """The rows a group's count reads, one per order: SELECT 1 ... WHERE the group's conditions."""
    if group == "refund":  # an order with two open requests counts once, by its first (ix_refunds_order_id)
        earlier = refunds.alias("earlier")
        return select(literal_column("1")).select_from(refunds).where(
            refunds.c.status == "requested",
            ~exists().where(earlier.c.order_id == refunds.c.order_id, earlier.c.status == "requested", earlier.c.id < refunds.c.id),
        ).order_by(refunds.c.completed_at, refunds.c.order_id)  # ix_refunds_status_completed
    return select(literal_column("1")).select_from(orders).where(*group_conditions(group, today)).order_by(*_COUNT_ORDER[group])


@functools.cache
def _group_counts_statement():
    """Built once: the page runs it on every request, with today's date and the cap as parameters."""
    today, cap = bindparam("today", type_=Date), bindparam("cap", type_=Integer)
    return select(*[_capped(_count_rows(group, today), cap).scalar_subquery().label(group) for group in GROUPS])


def group_counts(today: date, cap: int = COUNT_CAP) -> dict[str, int]:
    """Every group's count in one round trip, each read from its own index and stopping at `cap` (999+): exact
    below it, and as cheap with a hundred thousand open orders as with a thousand."""
    row = db.session.connection().execute(_group_counts_statement(), {"today": today, "cap": cap}).one()
    return dict(zip(GROUPS, row, strict=True))


def query_from_args(args, exclusions: dict[str, list[str]]) -> QueueQuery:
    """Read the queue's GET parameters; unknown values fall back to the defaults rather than failing."""
    q = (args.get("q") or "").strip()[:MAX_QUERY]
    group = args.get("group") or (SEARCH if q else GROUPS[0])
    if group not in GROUPS and group != SEARCH:
        group = GROUPS[0]
    carrier = args.get("unreachable") or ""
    unreachable = None
    if carrier == "any":
        unreachable = tuple(sorted({p for provinces in exclusions.values() for p in provinces}))
    elif carrier in exclusions:
        unreachable = tuple(exclusions[carrier])
    sort = args.get("sort") if args.get("sort") in SORTS else SORTS[0]
    page = int(args["page"]) if re.fullmatch(r"[0-9]{1,6}", args.get("page") or "") else 1
    return QueueQuery(group=group, q=q, province=(args.get("province") or "").strip()[:50],
                      unreachable=unreachable, sort=sort, page=page)
