"""The order queue: which orders need something now.

Every list is one index-backed query (orders joined to customers) with LIMIT/OFFSET, and every
group count is one query restricted to that group's status, so cost grows with the page, not the
table. Functions take `today` (the shop's local date) instead of reading a clock.
"""
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, bindparam, exists, false, func, or_, select

from ..extensions import db
from ..phone import normalize_phone, search_digits
from .address import PROVINCE_SUFFIXES, province_key
from .models import Customer, Order, Refund, Shipment

GROUPS = ("confirm", "ship", "due", "refund", "flagged")
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


@dataclass(frozen=True)
class QueueRow:
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


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def group_conditions(group: str, today: date) -> list:
    """The WHERE clauses that define a group; each starts from an indexed column."""
    if group == "confirm":
        return [Order.status == "paid", Order.address_confirmed_at.is_(None)]
    if group == "ship":
        return [Order.status == "paid", Order.address_confirmed_at.is_not(None),
                ~exists().where(Shipment.order_id == Order.id)]
    if group == "due":
        return [Order.status == "paid", Order.promised_ship_date <= today]
    if group == "refund":
        return [Order.id.in_(select(Refund.order_id).where(Refund.status == "requested"))]
    if group == "flagged":
        return [Order.phone_valid == false(), Order.status.in_(("unpaid", "paid"))]
    raise ValueError(f"unknown queue group {group!r}")


def search_conditions(text: str) -> list:
    """Order no. exactly; a phone by its stored (normalised) digits; otherwise recipient or buyer name."""
    term = (text or "").strip()[:MAX_QUERY]
    if not term:
        return []
    matches = [Order.order_no == term]
    digits = search_digits(term)
    if digits and len(digits) >= len(term.replace(" ", "").replace("-", "").lstrip("+")):
        stored, valid = normalize_phone(term)
        matches += [Order.phone == (stored if valid else digits)]
    else:
        matches += [Order.recipient == term,
                    Order.customer_id.in_(select(Customer.id).where(Customer.name == term))]
    return [or_(*matches)]


def filter_conditions(query: QueueQuery) -> list:
    conditions = []
    if query.province:
        conditions.append(Order.province.in_(_spellings([query.province])))
    if query.unreachable is not None:
        spellings = _spellings(query.unreachable)
        conditions.append(Order.province.in_(spellings) if spellings else false())
    return conditions


def _spellings(provinces) -> list[str]:
    """'新疆', '新疆维吾尔自治区' or '新疆自治区' may be stored: match every spelling with one IN list."""
    names = set()
    for name in provinces:
        key = province_key(name)
        names.update({name.strip(), key, *(key + suffix for suffix in PROVINCE_SUFFIXES)} if key else ())
    return sorted(n for n in names if n)


def _order_by(group: str, sort: str) -> list:
    time_column = Order.placed_at if group in ("flagged", SEARCH) else Order.paid_at
    if sort == "newest":
        return [time_column.desc(), Order.id.desc()]
    if sort == "total":
        return [Order.total.desc(), Order.id.desc()]
    if group == "due":
        return [Order.promised_ship_date, time_column, Order.id]
    return [time_column, Order.id]


_ROW_COLUMNS = (Order.order_no, Order.status, Order.placed_at, Order.paid_at, Order.total, Order.recipient,
                Customer.name, Order.phone, Order.phone_valid, Order.province, Order.city,
                Order.address_confirmed_at, Order.promised_ship_date)


def _where(query: QueueQuery, today: date) -> list:
    if query.group == SEARCH:
        return search_conditions(query.q) + filter_conditions(query)
    return group_conditions(query.group, today) + search_conditions(query.q) + filter_conditions(query)


def list_page(query: QueueQuery, today: date, counts: dict[str, int] | None = None) -> QueuePage:
    """One page of a group; pass group_counts() to spare the count query when nothing narrows the group."""
    where = _where(query, today)
    if query.group == SEARCH and not where:
        return QueuePage(rows=[], total=0, page=1)
    unfiltered = not (query.q or query.province or query.unreachable is not None)
    if counts is not None and unfiltered and query.group in counts:
        total = counts[query.group]
    else:
        total = db.session.scalar(select(func.count()).select_from(Order).where(*where))
    page = min(max(1, query.page), max(1, -(-total // PER_PAGE)))
    statement = (
        select(*_ROW_COLUMNS).select_from(Order).join(Customer, Customer.id == Order.customer_id)
        .where(*where).order_by(*_order_by(query.group, query.sort))
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )
    rows = [QueueRow(*row) for row in db.session.execute(statement)]
    return QueuePage(rows=rows, total=total, page=page)


def _count_statement(group: str, today: date):
    if group == "refund":
        return select(func.count(func.distinct(Refund.order_id))).where(Refund.status == "requested")
    return select(func.count()).select_from(Order).where(*group_conditions(group, today))


@functools.cache
def _group_counts_statement():
    """Built once: the page runs it on every request, with today's date as a parameter."""
    today = bindparam("today", type_=Date)
    return select(*[_count_statement(group, today).scalar_subquery().label(group) for group in GROUPS])


def group_counts(today: date) -> dict[str, int]:
    """Every group's count in one round trip; each count is limited by its own indexed condition."""
    row = db.session.execute(_group_counts_statement(), {"today": today}).one()
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
